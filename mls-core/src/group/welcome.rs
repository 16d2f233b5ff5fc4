//! Welcome messages and GroupInfo (RFC 9420 §12.4.3): finding a new
//! member's entry, opening GroupSecrets and the GroupInfo, and the GroupInfo
//! signature.

use crate::codec::{Decode, DecodeError, Encode, EncodeError, VlBytes, Writer};
use crate::crypto::{
    CipherSuite, CryptoError, CryptoProvider, HpkeCiphertext, HpkeInfo, HpkePrivateKey,
    HpkePublicKey, Secret, SignaturePrivateKey, SignaturePublicKey, decrypt_with_label,
    encrypt_many_with_prepared, encrypt_with_prepared, expand_with_label, make_key_package_ref,
    prepare_encrypt_context, sign_with_label, verify_with_label,
};
use crate::messages::{
    EncryptedGroupSecrets, GroupInfo, GroupSecrets, HpkeCiphertextWire, KeyPackage, Welcome,
};

/// Why a Welcome could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WelcomeError {
    /// §12.4.3.1: the Welcome has an entry for the joiner's KeyPackageRef.
    #[error(
        "the Welcome has no entry for this key package (KeyPackageRef {})",
        hex::encode(.0)
    )]
    NotForUs(Vec<u8>),
    #[error("the Welcome's cipher suite {welcome} differs from the key package's {key_package}")]
    SuiteMismatch { welcome: u16, key_package: u16 },
    #[error("GroupSecrets do not decrypt: {0}")]
    GroupSecrets(CryptoError),
    #[error("GroupInfo does not decrypt")]
    GroupInfoDecrypt,
    #[error("GroupInfo signature does not verify")]
    GroupInfoSignature,
    /// §5.1.1, §12.4.3.1: the signer's signature key is in its scheme's
    /// encoding; a malformed one cannot verify the GroupInfo at all. Holds
    /// [`CryptoError::MalformedSignatureKey`].
    #[error("the GroupInfo signature cannot be checked: {0}")]
    GroupInfoSignatureKey(CryptoError),
    #[error("{what} is malformed: {error}")]
    Malformed {
        what: &'static str,
        error: DecodeError,
    },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// The Welcome entry for `key_package`, matched by its KeyPackageRef (§5.2).
pub fn find_secrets<'w, P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    welcome: &'w Welcome,
    key_package: &KeyPackage,
) -> Result<&'w EncryptedGroupSecrets, WelcomeError> {
    if welcome.cipher_suite != key_package.cipher_suite {
        return Err(WelcomeError::SuiteMismatch {
            welcome: welcome.cipher_suite,
            key_package: key_package.cipher_suite,
        });
    }
    let reference = make_key_package_ref(p, cs, &key_package.to_bytes()?)?;
    welcome
        .secrets
        .iter()
        .find(|s| s.new_member.as_slice() == reference.as_slice())
        .ok_or(WelcomeError::NotForUs(reference))
}

/// `GroupSecrets = DecryptWithLabel(init_key, "Welcome", encrypted_group_info, ...)`.
pub fn decrypt_group_secrets<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    init_private: &HpkePrivateKey,
    entry: &EncryptedGroupSecrets,
    encrypted_group_info: &[u8],
) -> Result<GroupSecrets, WelcomeError> {
    let ct = HpkeCiphertext {
        kem_output: entry.encrypted_group_secrets.kem_output.0.clone(),
        ciphertext: entry.encrypted_group_secrets.ciphertext.0.clone(),
    };
    let plain = decrypt_with_label(p, cs, init_private, b"Welcome", encrypted_group_info, &ct)
        .map_err(WelcomeError::GroupSecrets)?;
    let plain = Secret::new(plain);
    GroupSecrets::decode_exact(plain.as_bytes()).map_err(|error| WelcomeError::Malformed {
        what: "GroupSecrets",
        error,
    })
}

/// The HPKE `info` of `EncryptWithLabel(init_key, "Welcome",
/// encrypted_group_info, _)`, prepared once for all new members: the
/// encrypted GroupInfo carries the ratchet tree and may be megabytes.
pub fn prepare_group_secrets_info<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    encrypted_group_info: &[u8],
) -> Result<HpkeInfo, WelcomeError> {
    Ok(prepare_encrypt_context(
        p,
        cs,
        b"Welcome",
        encrypted_group_info,
    )?)
}

/// Encrypts GroupSecrets to a new member's init key, under the `info` from
/// [`prepare_group_secrets_info`].
pub fn encrypt_group_secrets<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    init_key: &HpkePublicKey,
    key_package_ref: Vec<u8>,
    secrets: &GroupSecrets,
    info: &HpkeInfo,
) -> Result<EncryptedGroupSecrets, WelcomeError> {
    let plain = Secret::new(secrets.to_bytes()?);
    let ct = encrypt_with_prepared(p, cs, init_key, info, plain.as_bytes())?;
    Ok(EncryptedGroupSecrets {
        new_member: VlBytes(key_package_ref),
        encrypted_group_secrets: HpkeCiphertextWire {
            kem_output: VlBytes(ct.kem_output),
            ciphertext: VlBytes(ct.ciphertext),
        },
    })
}

/// [`encrypt_group_secrets`] for several new members `(init key, key
/// package ref, secrets)`, outputs in order: the provider may share work
/// between the encryptions (one field inversion for a batch of X25519).
pub fn encrypt_group_secrets_many<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    members: Vec<(HpkePublicKey, Vec<u8>, GroupSecrets)>,
    info: &HpkeInfo,
) -> Result<Vec<EncryptedGroupSecrets>, WelcomeError> {
    let plain = members
        .iter()
        .map(|(_, _, secrets)| Ok(Secret::new(secrets.to_bytes()?)))
        .collect::<Result<Vec<_>, WelcomeError>>()?;
    let items: Vec<(&HpkePublicKey, &[u8])> = members
        .iter()
        .zip(&plain)
        .map(|((key, _, _), plain)| (key, plain.as_bytes()))
        .collect();
    let sealed = encrypt_many_with_prepared(p, cs, info, &items)?;
    Ok(members
        .into_iter()
        .zip(sealed)
        .map(|((_, reference, _), ct)| EncryptedGroupSecrets {
            new_member: VlBytes(reference),
            encrypted_group_secrets: HpkeCiphertextWire {
                kem_output: VlBytes(ct.kem_output),
                ciphertext: VlBytes(ct.ciphertext),
            },
        })
        .collect())
}

/// `welcome_key`/`welcome_nonce = ExpandWithLabel(welcome_secret, "key"/"nonce", "", Nk/Nn)`.
pub fn welcome_key_nonce<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    welcome_secret: &Secret,
) -> Result<(Secret, Secret), WelcomeError> {
    let nk = u16::try_from(cs.aead_key_len()).unwrap_or(u16::MAX);
    let nn = u16::try_from(cs.aead_nonce_len()).unwrap_or(u16::MAX);
    Ok((
        expand_with_label(p, cs, welcome_secret.as_bytes(), b"key", b"", nk)?,
        expand_with_label(p, cs, welcome_secret.as_bytes(), b"nonce", b"", nn)?,
    ))
}

/// Opens `encrypted_group_info` with the welcome secret.
pub fn decrypt_group_info<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    welcome_secret: &Secret,
    encrypted_group_info: &[u8],
) -> Result<GroupInfo, WelcomeError> {
    let (key, nonce) = welcome_key_nonce(p, cs, welcome_secret)?;
    let plain = p
        .aead_open(
            cs,
            key.as_bytes(),
            nonce.as_bytes(),
            b"",
            encrypted_group_info,
        )
        .map_err(|_| WelcomeError::GroupInfoDecrypt)?;
    GroupInfo::decode_exact(&plain).map_err(|error| WelcomeError::Malformed {
        what: "GroupInfo",
        error,
    })
}

/// Seals a GroupInfo with the welcome secret.
pub fn encrypt_group_info<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    welcome_secret: &Secret,
    group_info: &GroupInfo,
) -> Result<Vec<u8>, WelcomeError> {
    let (key, nonce) = welcome_key_nonce(p, cs, welcome_secret)?;
    Ok(p.aead_seal(
        cs,
        key.as_bytes(),
        nonce.as_bytes(),
        b"",
        &group_info.to_bytes()?,
    )?)
}

/// `GroupInfoTBS`: every field but the signature.
pub fn group_info_tbs(info: &GroupInfo) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    info.group_context.encode(&mut w)?;
    info.extensions.encode(&mut w)?;
    info.confirmation_tag.encode(&mut w)?;
    w.u32(info.signer);
    Ok(w.into_bytes())
}

/// Verifies `SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)` with the signer's key.
pub fn verify_group_info<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    info: &GroupInfo,
    signer_key: &SignaturePublicKey,
) -> Result<(), WelcomeError> {
    let tbs = group_info_tbs(info)?;
    verify_with_label(
        p,
        cs,
        signer_key,
        b"GroupInfoTBS",
        &tbs,
        info.signature.as_slice(),
    )
    .map_err(|e| match e {
        CryptoError::MalformedSignatureKey { .. } => WelcomeError::GroupInfoSignatureKey(e),
        _ => WelcomeError::GroupInfoSignature,
    })
}

/// Signs a GroupInfo in place.
pub fn sign_group_info<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    info: &mut GroupInfo,
    signer_key: &SignaturePrivateKey,
) -> Result<(), WelcomeError> {
    let tbs = group_info_tbs(info)?;
    info.signature = VlBytes(sign_with_label(p, cs, signer_key, b"GroupInfoTBS", &tbs)?);
    Ok(())
}
