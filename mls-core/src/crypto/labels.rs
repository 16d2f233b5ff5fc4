//! The labelled operations of RFC 9420 §5: every label gets the
//! `"MLS 1.0 "` prefix here (except in [`ref_hash`], §5.2), and the labelled
//! structures are TLS-encoded with variable-length vectors (§2.1.2).

use super::error::CryptoError;
use super::provider::CryptoProvider;
use super::secret::{
    HpkeCiphertext, HpkeInfo, HpkePrivateKey, HpkePublicKey, Secret, SignaturePrivateKey,
    SignaturePublicKey,
};
use super::suite::CipherSuite;
use crate::codec::Writer;

/// Prefix of every MLS label (RFC 9420 §5.1).
pub const MLS_LABEL_PREFIX: &[u8] = b"MLS 1.0 ";
/// RefHash label of KeyPackageRef (RFC 9420 §5.2).
pub const KEY_PACKAGE_REF_LABEL: &[u8] = b"MLS 1.0 KeyPackage Reference";
/// RefHash label of ProposalRef (RFC 9420 §5.2).
pub const PROPOSAL_REF_LABEL: &[u8] = b"MLS 1.0 Proposal Reference";

fn mls_label(label: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(MLS_LABEL_PREFIX.len() + label.len());
    full.extend_from_slice(MLS_LABEL_PREFIX);
    full.extend_from_slice(label);
    full
}

/// `struct { opaque label<V> = "MLS 1.0 " + Label; opaque second<V>; }`:
/// the shape of SignContent and EncryptContext.
fn labelled_pair(label: &[u8], second: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut w = Writer::new();
    w.vl_bytes(&mls_label(label))?;
    w.vl_bytes(second)?;
    Ok(w.into_bytes())
}

/// `ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length)`
/// with `KDFLabel { uint16 length; opaque label<V>; opaque context<V>; }` (RFC 9420 §5.1).
pub fn expand_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    length: u16,
) -> Result<Secret, CryptoError> {
    let mut w = Writer::new();
    w.u16(length);
    w.vl_bytes(&mls_label(label))?;
    w.vl_bytes(context)?;
    p.kdf_expand(cs, secret, w.as_bytes(), usize::from(length))
}

/// `DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", KDF.Nh)`.
pub fn derive_secret<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    secret: &[u8],
    label: &[u8],
) -> Result<Secret, CryptoError> {
    let nh = u16::try_from(cs.hash_len()).map_err(|_| CryptoError::OutputTooLong)?;
    expand_with_label(p, cs, secret, label, &[], nh)
}

/// `DeriveTreeSecret(Secret, Label, Generation, Length) =
/// ExpandWithLabel(Secret, Label, Generation, Length)`, the generation as a uint32 (RFC 9420 §9).
pub fn derive_tree_secret<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    secret: &[u8],
    label: &[u8],
    generation: u32,
    length: u16,
) -> Result<Secret, CryptoError> {
    expand_with_label(p, cs, secret, label, &generation.to_be_bytes(), length)
}

/// `SignWithLabel(SignatureKey, Label, Content) =
/// Signature.Sign(SignatureKey, SignContent)` (RFC 9420 §5.1.2).
pub fn sign_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    sk: &SignaturePrivateKey,
    label: &[u8],
    content: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    p.sign(cs, sk, &labelled_pair(label, content)?)
}

/// `VerifyWithLabel(VerificationKey, Label, Content, SignatureValue)` (RFC 9420 §5.1.2).
pub fn verify_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    pk: &SignaturePublicKey,
    label: &[u8],
    content: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    p.verify(cs, pk, &labelled_pair(label, content)?, signature)
}

/// Whether every `(public key, content, signature)` passes
/// `VerifyWithLabel(., label, content, .)`, checked together where the
/// provider can (batch verification). `false` does not say which failed.
pub fn verify_all_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    label: &[u8],
    items: &[(&[u8], &[u8], &[u8])],
) -> Result<bool, CryptoError> {
    let messages = items
        .iter()
        .map(|(_, content, _)| labelled_pair(label, content))
        .collect::<Result<Vec<_>, _>>()?;
    let labelled: Vec<(&[u8], &[u8], &[u8])> = items
        .iter()
        .zip(&messages)
        .map(|((pk, _, sig), m)| (*pk, m.as_slice(), *sig))
        .collect();
    Ok(p.verify_all(cs, &labelled))
}

/// `EncryptWithLabel(PublicKey, Label, Context, Plaintext) =
/// SealBase(PublicKey, EncryptContext, "", Plaintext)` (RFC 9420 §5.1.3).
pub fn encrypt_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    pk: &HpkePublicKey,
    label: &[u8],
    context: &[u8],
    plaintext: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    p.hpke_seal(cs, pk, &labelled_pair(label, context)?, &[], plaintext)
}

/// The `info` of `EncryptWithLabel(_, label, context, _)`, prepared once for
/// encrypting to many keys ([`encrypt_with_prepared`]).
pub fn prepare_encrypt_context<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    label: &[u8],
    context: &[u8],
) -> Result<HpkeInfo, CryptoError> {
    Ok(p.hpke_prepare_info(cs, labelled_pair(label, context)?))
}

/// `EncryptWithLabel` with the label and context prepared by
/// [`prepare_encrypt_context`].
pub fn encrypt_with_prepared<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    pk: &HpkePublicKey,
    info: &HpkeInfo,
    plaintext: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    p.hpke_seal_prepared(cs, pk, info, &[], plaintext)
}

/// [`encrypt_with_prepared`] of each `(key, plaintext)`, outputs in order
/// (the provider may share work between them).
pub fn encrypt_many_with_prepared<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    info: &HpkeInfo,
    items: &[(&HpkePublicKey, &[u8])],
) -> Result<Vec<HpkeCiphertext>, CryptoError> {
    p.hpke_seal_many(cs, info, &[], items)
}

/// `DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) =
/// OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext)` (RFC 9420 §5.1.3).
pub fn decrypt_with_label<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    sk: &HpkePrivateKey,
    label: &[u8],
    context: &[u8],
    ct: &HpkeCiphertext,
) -> Result<Vec<u8>, CryptoError> {
    p.hpke_open(cs, sk, &labelled_pair(label, context)?, &[], ct)
}

/// `RefHash(label, value) = Hash(RefHashInput)` with
/// `RefHashInput { opaque label<V>; opaque value<V>; }` (RFC 9420 §5.2).
/// The label is used as given: no "MLS 1.0 " prefix is added.
pub fn ref_hash<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    label: &[u8],
    value: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut w = Writer::new();
    w.vl_bytes(label)?;
    w.vl_bytes(value)?;
    Ok(p.hash(cs, w.as_bytes()))
}

/// `KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)`
/// over the encoded KeyPackage (RFC 9420 §5.2).
pub fn make_key_package_ref<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    key_package_bytes: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    ref_hash(p, cs, KEY_PACKAGE_REF_LABEL, key_package_bytes)
}

/// `ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent)`
/// over the encoded AuthenticatedContent (RFC 9420 §5.2).
pub fn make_proposal_ref<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    authenticated_content_bytes: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    ref_hash(p, cs, PROPOSAL_REF_LABEL, authenticated_content_bytes)
}
