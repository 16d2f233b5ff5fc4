//! Key packages (RFC 9420 §10): generating one with its private keys, and
//! validating a received one (§10.1).

use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::codec::{Encode, VlBytes};
use crate::crypto::{
    CipherSuite, CryptoError, CryptoProvider, HpkePrivateKey, SignaturePrivateKey,
    SignaturePublicKey, make_key_package_ref, sign_with_label, verify_all_with_label,
    verify_with_label,
};
use crate::messages::{
    CREDENTIAL_BASIC, CREDENTIAL_X509, Capabilities, Credential, Extension, KeyPackage, LeafNode,
    LeafNodeSource, Lifetime, PROTOCOL_VERSION_MLS10,
};
use crate::tree::{leaf_node_tbs, verify_leaf_signature};

use super::error::{CapabilityError, GroupError, KeyPackageError};

/// A key package with the private keys that go with it.
#[derive(Debug, Clone)]
pub struct KeyPackageBundle {
    pub key_package: KeyPackage,
    pub init_private: HpkePrivateKey,
    pub encryption_private: HpkePrivateKey,
    pub signature_private: SignaturePrivateKey,
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The capabilities this implementation supports: every suite, the basic
/// and X.509 credentials (default extensions and proposals need no listing).
pub fn default_capabilities() -> Capabilities {
    Capabilities {
        versions: vec![PROTOCOL_VERSION_MLS10],
        cipher_suites: CipherSuite::ALL.iter().map(|cs| cs.id()).collect(),
        extensions: Vec::new(),
        proposals: Vec::new(),
        credentials: vec![CREDENTIAL_BASIC, CREDENTIAL_X509],
    }
}

/// Signs a leaf node in place (`LeafNodeTBS`, with group id and leaf index
/// for the update and commit sources).
pub fn sign_leaf_node<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    leaf: &mut LeafNode,
    signer: &SignaturePrivateKey,
    group_id: &[u8],
    leaf_index: u32,
) -> Result<(), GroupError> {
    let tbs = leaf_node_tbs(leaf, group_id, leaf_index)?;
    leaf.signature = VlBytes(sign_with_label(p, cs, signer, b"LeafNodeTBS", &tbs)?);
    Ok(())
}

impl KeyPackageBundle {
    /// A fresh key package with [`default_capabilities`]; see
    /// [`KeyPackageBundle::generate_with_capabilities`].
    pub fn generate<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        credential: Credential,
        signature_private: SignaturePrivateKey,
        lifetime_secs: u64,
        extensions: Vec<Extension>,
    ) -> Result<Self, GroupError> {
        Self::generate_with_capabilities(
            p,
            cs,
            credential,
            signature_private,
            lifetime_secs,
            extensions,
            default_capabilities(),
        )
    }

    /// A fresh key package: new init and encryption keys, the given
    /// signature key, valid from now for `lifetime_secs` (with an hour of
    /// slack backwards for clock skew).
    pub fn generate_with_capabilities<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        credential: Credential,
        signature_private: SignaturePrivateKey,
        lifetime_secs: u64,
        extensions: Vec<Extension>,
        capabilities: Capabilities,
    ) -> Result<Self, GroupError> {
        let signature_public = p.signature_public_key(cs, &signature_private)?;
        let (init_private, init_public) = p.hpke_generate_key_pair(cs)?;
        let (encryption_private, encryption_public) = p.hpke_generate_key_pair(cs)?;
        let start = now();
        let mut leaf_node = LeafNode {
            encryption_key: VlBytes(encryption_public.0),
            signature_key: VlBytes(signature_public.0),
            credential,
            capabilities,
            leaf_node_source: LeafNodeSource::KeyPackage(Lifetime {
                not_before: start.saturating_sub(3600),
                not_after: start.saturating_add(lifetime_secs),
            }),
            extensions: Vec::new(),
            signature: VlBytes::default(),
        };
        sign_leaf_node(p, cs, &mut leaf_node, &signature_private, &[], 0)?;
        let mut key_package = KeyPackage {
            version: PROTOCOL_VERSION_MLS10,
            cipher_suite: cs.id(),
            init_key: VlBytes(init_public.0),
            leaf_node,
            extensions,
            signature: VlBytes::default(),
        };
        let tbs = key_package.tbs_bytes()?;
        key_package.signature = VlBytes(sign_with_label(
            p,
            cs,
            &signature_private,
            b"KeyPackageTBS",
            &tbs,
        )?);
        Ok(KeyPackageBundle {
            key_package,
            init_private,
            encryption_private,
            signature_private,
        })
    }

    /// `KeyPackageRef` of the key package.
    pub fn reference<P: CryptoProvider + ?Sized>(&self, p: &P) -> Result<Vec<u8>, GroupError> {
        key_package_ref(p, &self.key_package)
    }
}

/// `KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)`.
pub fn key_package_ref<P: CryptoProvider + ?Sized>(
    p: &P,
    kp: &KeyPackage,
) -> Result<Vec<u8>, GroupError> {
    let cs = CipherSuite::from_u16(kp.cipher_suite)
        .ok_or(GroupError::UnsupportedCipherSuite(kp.cipher_suite))?;
    Ok(make_key_package_ref(p, cs, &kp.to_bytes()?)?)
}

/// Validates a received key package for use in a group of suite `cs`
/// (§10.1): version and suite match, the leaf's source is `key_package`,
/// both signatures verify, the init key differs from the encryption key,
/// the credential type is listed in the capabilities, and — when `at` is
/// given — the lifetime covers that time; and the identity provider
/// accepts the credential (§5.3.1).
pub fn validate_key_package<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    kp: &KeyPackage,
    at: Option<u64>,
    identity: &dyn crate::credential::IdentityProvider,
) -> Result<(), GroupError> {
    validate_key_package_checks(p, cs, kp, at, identity, true)
}

/// Validates many key packages as [`validate_key_package`] does, in
/// parallel, their two signatures each checked in batches first (Ed25519
/// batch verification); where a batch fails, every key package is checked
/// on its own, so the error names the bad one exactly as a one-by-one check.
pub fn validate_key_packages<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    kps: &[&KeyPackage],
    identity: &dyn crate::credential::IdentityProvider,
) -> Result<(), GroupError> {
    let chunk = kps
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(16);
    let signatures_pass = kps
        .par_chunks(chunk)
        .map(|chunk| -> Result<bool, GroupError> {
            let mut kp_tbs = Vec::with_capacity(chunk.len());
            let mut leaf_tbs = Vec::with_capacity(chunk.len());
            for kp in chunk {
                kp_tbs.push(kp.tbs_bytes()?);
                leaf_tbs.push(leaf_node_tbs(&kp.leaf_node, &[], 0)?);
            }
            let kp_items = signature_items(chunk, &kp_tbs, |kp| kp.signature.as_slice());
            let leaf_items =
                signature_items(chunk, &leaf_tbs, |kp| kp.leaf_node.signature.as_slice());
            Ok(verify_all_with_label(p, cs, b"KeyPackageTBS", &kp_items)?
                && verify_all_with_label(p, cs, b"LeafNodeTBS", &leaf_items)?)
        })
        .try_reduce(|| true, |a, b| Ok(a && b))?;
    kps.par_iter()
        .try_for_each(|kp| validate_key_package_checks(p, cs, kp, None, identity, !signatures_pass))
}

/// `(signature key, signed bytes, signature)` of each key package.
fn signature_items<'a>(
    kps: &[&'a KeyPackage],
    tbs: &'a [Vec<u8>],
    signature: fn(&KeyPackage) -> &[u8],
) -> Vec<(&'a [u8], &'a [u8], &'a [u8])> {
    kps.iter()
        .zip(tbs)
        .map(|(kp, tbs)| {
            (
                kp.leaf_node.signature_key.as_slice(),
                tbs.as_slice(),
                signature(kp),
            )
        })
        .collect()
}

/// [`validate_key_package`], the two signatures checked only with
/// `check_signatures` (false where a batch verified them already).
fn validate_key_package_checks<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    kp: &KeyPackage,
    at: Option<u64>,
    identity: &dyn crate::credential::IdentityProvider,
    check_signatures: bool,
) -> Result<(), GroupError> {
    let invalid = GroupError::InvalidKeyPackage;
    if kp.version != PROTOCOL_VERSION_MLS10 {
        return Err(invalid(KeyPackageError::Version {
            version: kp.version,
        }));
    }
    if kp.cipher_suite != cs.id() {
        return Err(invalid(KeyPackageError::CipherSuite {
            cipher_suite: kp.cipher_suite,
            group: cs.id(),
        }));
    }
    if let Some(t) = at {
        check_lifetime(kp, t)?;
    } else if !matches!(kp.leaf_node.leaf_node_source, LeafNodeSource::KeyPackage(_)) {
        return Err(invalid(KeyPackageError::SourceNotKeyPackage));
    }
    if kp.init_key == kp.leaf_node.encryption_key {
        return Err(invalid(KeyPackageError::InitKeyIsEncryptionKey));
    }
    if check_signatures {
        let pk = SignaturePublicKey(kp.leaf_node.signature_key.0.clone());
        let tbs = kp.tbs_bytes()?;
        verify_with_label(p, cs, &pk, b"KeyPackageTBS", &tbs, kp.signature.as_slice()).map_err(
            |e| match e {
                CryptoError::MalformedSignatureKey { .. } => {
                    invalid(KeyPackageError::SignatureKey(e))
                }
                _ => invalid(KeyPackageError::BadSignature),
            },
        )?;
        verify_leaf_signature(p, cs, &kp.leaf_node, &[], 0)
            .map_err(|_| invalid(KeyPackageError::BadLeafSignature))?;
    }
    validate_leaf_capabilities(&kp.leaf_node)
        .map_err(|error| invalid(KeyPackageError::Capabilities(error)))?;
    identity.validate(
        cs,
        &kp.leaf_node.credential,
        kp.leaf_node.signature_key.as_slice(),
        at.unwrap_or_else(now),
    )?;
    Ok(())
}

/// The key package's leaf is of source `key_package` and its lifetime
/// covers `at` (seconds since the Unix epoch).
pub fn check_lifetime(kp: &KeyPackage, at: u64) -> Result<(), GroupError> {
    let LeafNodeSource::KeyPackage(lifetime) = &kp.leaf_node.leaf_node_source else {
        return Err(KeyPackageError::SourceNotKeyPackage.into());
    };
    if !(lifetime.not_before <= at && at <= lifetime.not_after) {
        return Err(KeyPackageError::Lifetime {
            not_before: lifetime.not_before,
            not_after: lifetime.not_after,
            now: at,
        }
        .into());
    }
    Ok(())
}

/// §7.3: the credential type and every non-default extension of a leaf are
/// listed in its capabilities.
pub fn validate_leaf_capabilities(leaf: &LeafNode) -> Result<(), CapabilityError> {
    let ct = leaf.credential.credential_type();
    if !leaf.capabilities.credentials.contains(&ct) {
        return Err(CapabilityError::CredentialTypeNotListed {
            credential_type: ct,
        });
    }
    for e in &leaf.extensions {
        let default = (1..=5).contains(&e.extension_type);
        if !default && !leaf.capabilities.extensions.contains(&e.extension_type) {
            return Err(CapabilityError::ExtensionNotListed {
                extension_type: e.extension_type,
            });
        }
    }
    Ok(())
}
