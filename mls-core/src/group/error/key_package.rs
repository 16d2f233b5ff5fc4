//! Why a key package is refused (RFC 9420 §10.1, §11.2, §11.3).

use crate::crypto::CryptoError;

use super::capability::CapabilityError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyPackageError {
    /// §10.1: the version is mls10.
    #[error("version {version} is not mls10")]
    Version { version: u16 },
    /// §10.1: the suite is the group's.
    #[error("cipher suite {cipher_suite} differs from the group's {group}")]
    CipherSuite { cipher_suite: u16, group: u16 },
    /// §10.1: the leaf node's source is `key_package`.
    #[error("the leaf node's source is not key_package")]
    SourceNotKeyPackage,
    /// §10.1: the init key differs from the leaf's encryption key.
    #[error("init_key equals the leaf's encryption_key")]
    InitKeyIsEncryptionKey,
    /// §10.1: the KeyPackage signature verifies.
    #[error("the KeyPackage signature does not verify")]
    BadSignature,
    /// §7.3: the leaf node signature verifies.
    #[error("the leaf node signature does not verify")]
    BadLeafSignature,
    /// §5.1.1, §10.1: the leaf's signature key is in its scheme's encoding;
    /// a malformed one (e.g. a compressed P-256 point) cannot verify the
    /// KeyPackage signature at all. Holds
    /// [`CryptoError::MalformedSignatureKey`].
    #[error("the KeyPackage signature cannot be checked: {0}")]
    SignatureKey(CryptoError),
    /// §7.3: the leaf's capabilities list its credential type and extensions.
    #[error("{0}")]
    Capabilities(#[from] CapabilityError),
    /// §7.3: the lifetime covers the current time.
    #[error("lifetime {not_before}..{not_after} does not cover now ({now})")]
    Lifetime {
        not_before: u64,
        not_after: u64,
        now: u64,
    },
    /// §11.2: the new group's creator uses the suite the ReInit names.
    #[error("the creator's key package is for suite {cipher_suite}, the ReInit names {reinit}")]
    ReInitSuite { cipher_suite: u16, reinit: u16 },
    /// §11.3: a branch holds only members of the old group.
    #[error("a branch may only hold members of the old group")]
    BranchStranger,
}
