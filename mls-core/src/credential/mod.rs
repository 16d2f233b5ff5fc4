//! Credential validation (RFC 9420 §5.3): basic credentials, X.509
//! certificate chains and the trust roots they chain to.
//!
//! RFC 9420 leaves the policy to the application ("the Authentication
//! Service"); this module provides two [`IdentityProvider`]s:
//!
//! * [`BasicIdentityProvider`] accepts any basic credential and nothing else;
//! * [`X509IdentityProvider`] validates X.509 chains (leaf first) against a
//!   set of [`TrustRoots`], and optionally also accepts basic credentials.
//!
//! X.509 parsing uses `x509-parser` (without its `ring`-based `verify`
//! feature); certificate signatures are checked here with the pure-Rust
//! ECDSA / EdDSA crates. The hash of an ECDSA signature comes from the
//! signature algorithm OID (`ecdsa-with-SHA256/384/512`), not from the curve
//! of the key, so a P-384 CA may sign a P-256 leaf with SHA-384. RSA and
//! other algorithms are reported as [`CredentialError::UnsupportedAlgorithm`].
//!
//! Every rejection is a [`CredentialError`] variant whose text says which
//! certificate failed and why.

mod cert;
mod chain;
mod details;
#[cfg(any(test, feature = "x509-issue"))]
pub mod issue;
mod roots;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::crypto::CipherSuite;
use crate::messages::{CREDENTIAL_BASIC, CREDENTIAL_X509, Credential};

pub use details::{CertificateSummary, certificate_summary};
pub use roots::{RootInfo, TrustRoots};

/// The identity an X.509 certificate (DER) asserts, for display: the
/// subject's common name, else the whole subject. The certificate is only
/// parsed, not validated; `None` if it does not parse.
pub fn certificate_identity(der: &[u8]) -> Option<Identity> {
    cert::display_identity(der)
}

/// The longest certificate chain (leaf included) that is examined.
pub const MAX_CHAIN_LEN: usize = 10;

/// Which certificate an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertRef {
    /// Position in the credential's chain (0 = leaf).
    Chain(usize),
    /// Position in the [`TrustRoots`] list.
    Root(usize),
    /// Position of a certificate being imported as a trust root (the
    /// CERTIFICATE block number of a PEM bundle, 0 for DER).
    Import(usize),
}

impl fmt::Display for CertRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertRef::Chain(0) => write!(f, "the leaf certificate (chain index 0)"),
            CertRef::Chain(i) => write!(f, "chain certificate {i}"),
            CertRef::Root(i) => write!(f, "trust root {i}"),
            CertRef::Import(i) => write!(f, "imported certificate {i}"),
        }
    }
}

/// A public-key (and signature) algorithm that MLS suites use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    Ed25519,
    Ed448,
}

impl KeyAlgorithm {
    /// The algorithm of a suite's signature scheme (RFC 9420 §17.1).
    pub fn for_cipher_suite(cs: CipherSuite) -> Option<KeyAlgorithm> {
        match cs.signature_scheme() {
            0x0403 => Some(KeyAlgorithm::EcdsaP256),
            0x0503 => Some(KeyAlgorithm::EcdsaP384),
            0x0603 => Some(KeyAlgorithm::EcdsaP521),
            0x0807 => Some(KeyAlgorithm::Ed25519),
            0x0808 => Some(KeyAlgorithm::Ed448),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
            KeyAlgorithm::EcdsaP384 => "ECDSA P-384",
            KeyAlgorithm::EcdsaP521 => "ECDSA P-521",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Ed448 => "Ed448",
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a credential (or a trust root) was rejected.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum CredentialError {
    #[error("the X.509 credential has an empty certificate chain")]
    EmptyChain,
    #[error("the certificate chain has {len} certificates; at most {max} are accepted")]
    ChainTooLong { len: usize, max: usize },
    #[error("{cert} is malformed: {why}")]
    Malformed { cert: CertRef, why: String },
    #[error(
        "{cert} has expired: not valid after {} (now is {})",
        fmt_time(*not_after),
        fmt_now(*now)
    )]
    Expired {
        cert: CertRef,
        not_after: i64,
        now: u64,
    },
    #[error(
        "{cert} is not yet valid: not valid before {} (now is {})",
        fmt_time(*not_before),
        fmt_now(*now)
    )]
    NotYetValid {
        cert: CertRef,
        not_before: i64,
        now: u64,
    },
    #[error("{}", unknown_issuer_text(issuer, *candidates))]
    UnknownIssuer { issuer: String, candidates: usize },
    #[error(
        "{cert} names issuer \"{issuer}\" but the next certificate in the chain has subject \
         \"{next_subject}\""
    )]
    IssuerMismatch {
        cert: CertRef,
        issuer: String,
        next_subject: String,
    },
    #[error("the signature of {cert} does not verify with the key of {signer}: {reason}")]
    BadSignature {
        cert: CertRef,
        signer: CertRef,
        reason: String,
    },
    #[error("{cert} issues certificates but is not a CA (basicConstraints cA is not true)")]
    NotACa { cert: CertRef },
    #[error(
        "{cert} has pathLenConstraint {path_len} but {below} intermediate CA certificate(s) \
         follow it"
    )]
    PathLenExceeded {
        cert: CertRef,
        path_len: u32,
        below: usize,
    },
    #[error("{cert} has a keyUsage extension without {missing}")]
    KeyUsage {
        cert: CertRef,
        missing: &'static str,
    },
    #[error("{cert} has an unsupported critical extension {oid}")]
    UnhandledCriticalExtension { cert: CertRef, oid: String },
    #[error("{cert} uses an unsupported {kind}: {oid}{}", oid_suffix(oid))]
    UnsupportedAlgorithm {
        cert: CertRef,
        kind: &'static str,
        oid: String,
    },
    #[error(
        "the leaf certificate holds an {found} key but cipher suite {suite} signs with {expected}"
    )]
    SuiteMismatch {
        suite: u16,
        expected: KeyAlgorithm,
        found: KeyAlgorithm,
    },
    #[error(
        "the leaf certificate's public key ({}) differs from the leaf node's signature key ({})",
        abbrev(certificate_key),
        abbrev(signature_key)
    )]
    KeyMismatch {
        /// Hex of the certificate's key (uncompressed SEC1 point / raw EdDSA key).
        certificate_key: String,
        /// Hex of the leaf node's signature key.
        signature_key: String,
    },
    #[error(
        "credential type {0} ({name}) is not accepted by this identity provider",
        name = credential_type_name(*.0)
    )]
    CredentialTypeNotAllowed(u16),
    #[error(
        "a member cannot change credential type: the old credential is {} ({old}), the new one {} \
         ({new})",
        credential_type_name(*old),
        credential_type_name(*new)
    )]
    CredentialTypeChanged { old: u16, new: u16 },
    #[error("the new credential names \"{new}\" but the old one \"{old}\": not the same identity")]
    IdentityChanged { old: String, new: String },
    #[error("a trust root \"{subject}\" with SHA-256 fingerprint {fingerprint} is already present")]
    DuplicateRoot {
        subject: String,
        fingerprint: String,
    },
    #[error("the PEM data holds no CERTIFICATE block")]
    NoPemCertificates,
}

fn unknown_issuer_text(issuer: &str, candidates: usize) -> String {
    match candidates {
        0 => format!(
            "the chain does not end at a trust root: no trust root has the subject \"{issuer}\" \
             that issued the last certificate"
        ),
        1 => format!(
            "the chain does not end at a trust root: the trust root \"{issuer}\" does not verify \
             the signature of the last certificate (a different key with the same name)"
        ),
        n => format!(
            "the chain does not end at a trust root: none of the {n} trust roots named \
             \"{issuer}\" verifies the signature of the last certificate"
        ),
    }
}

fn credential_type_name(t: u16) -> &'static str {
    match t {
        CREDENTIAL_BASIC => "basic",
        CREDENTIAL_X509 => "x509",
        _ => "unknown",
    }
}

fn oid_suffix(oid: &str) -> String {
    cert::oid_name(oid)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default()
}

/// Long hex strings shortened to their first and last 8 characters.
fn abbrev(hex: &str) -> String {
    let n = hex.len();
    match (hex.get(..8), hex.get(n.saturating_sub(8)..)) {
        (Some(head), Some(tail)) if n > 20 => format!("{head}…{tail}, {} bytes", n / 2),
        _ => hex.to_owned(),
    }
}

fn fmt_now(now: u64) -> String {
    crate::time::format_utc_u(now)
}

/// `YYYY-MM-DD hh:mm:ss UTC` for years 0..=9999, raw seconds otherwise.
pub(crate) fn fmt_time(t: i64) -> String {
    crate::time::format_utc(t)
}

/// The identity a validated credential asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `CredentialType` (1 = basic, 2 = x509).
    pub credential_type: u16,
    /// For display: a basic identity as text (hex if it is not printable
    /// UTF-8); for X.509 the leaf's subject common name, else its whole
    /// subject DN.
    pub name: String,
    /// The basic identity bytes, or the DER of the leaf's subject Name.
    pub bytes: Vec<u8>,
}

/// The application's policy for credentials (RFC 9420 §5.3.1: "the
/// Authentication Service").
pub trait IdentityProvider: Send + Sync + fmt::Debug {
    /// Validates `credential` for a leaf whose signature key is
    /// `signature_key` (as in the LeafNode), at time `now` (unix seconds).
    fn validate(
        &self,
        cs: CipherSuite,
        credential: &Credential,
        signature_key: &[u8],
        now: u64,
    ) -> Result<Identity, CredentialError>;

    /// Whether `new` may replace `old` for the same member (updates,
    /// resync): both must assert the same identity.
    fn valid_successor(&self, old: &Credential, new: &Credential) -> Result<(), CredentialError>;
}

/// Accepts every basic credential (any identity) and no other type. A
/// successor must carry the same identity bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct BasicIdentityProvider;

impl BasicIdentityProvider {
    fn identity(credential: &Credential) -> Result<Identity, CredentialError> {
        match credential {
            Credential::Basic { identity } => Ok(basic_identity(&identity.0)),
            other => Err(CredentialError::CredentialTypeNotAllowed(
                other.credential_type(),
            )),
        }
    }
}

fn basic_identity(bytes: &[u8]) -> Identity {
    let name = match std::str::from_utf8(bytes) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => s.to_owned(),
        _ if bytes.is_empty() => String::from("(empty identity)"),
        _ => hex::encode(bytes),
    };
    Identity {
        credential_type: CREDENTIAL_BASIC,
        name,
        bytes: bytes.to_vec(),
    }
}

impl IdentityProvider for BasicIdentityProvider {
    fn validate(
        &self,
        _cs: CipherSuite,
        credential: &Credential,
        _signature_key: &[u8],
        _now: u64,
    ) -> Result<Identity, CredentialError> {
        Self::identity(credential)
    }

    fn valid_successor(&self, old: &Credential, new: &Credential) -> Result<(), CredentialError> {
        same_type(old, new)?;
        let old = Self::identity(old)?;
        let new = Self::identity(new)?;
        same_identity(&old, &new)
    }
}

fn same_type(old: &Credential, new: &Credential) -> Result<(), CredentialError> {
    if old.credential_type() == new.credential_type() {
        Ok(())
    } else {
        Err(CredentialError::CredentialTypeChanged {
            old: old.credential_type(),
            new: new.credential_type(),
        })
    }
}

fn same_identity(old: &Identity, new: &Identity) -> Result<(), CredentialError> {
    if old.credential_type == new.credential_type && old.bytes == new.bytes {
        Ok(())
    } else {
        Err(CredentialError::IdentityChanged {
            old: old.name.clone(),
            new: new.name.clone(),
        })
    }
}

/// Validates X.509 credentials against [`TrustRoots`]; basic credentials
/// only when `allow_basic` is set.
///
/// A chain (leaf first) is accepted when:
/// * it has 1..=[`MAX_CHAIN_LEN`] certificates, each a well-formed DER
///   certificate with no unsupported critical extension;
/// * the leaf's key is of the suite's signature algorithm and equals the
///   leaf node's signature key; the leaf's keyUsage, if present, includes
///   digitalSignature;
/// * each certificate names the next one's subject as issuer and is signed
///   by its key; each issuer is a CA (basicConstraints cA), has keyCertSign
///   if it has a keyUsage, and respects its pathLenConstraint;
/// * a certificate of the chain is itself a trust root (the rest of the
///   chain is then ignored), or the last one is signed by a trust root whose
///   subject is its issuer;
/// * `now` is within the validity period of every certificate used,
///   the trust root included.
#[derive(Debug, Clone, Default)]
pub struct X509IdentityProvider {
    pub roots: TrustRoots,
    pub allow_basic: bool,
}

impl X509IdentityProvider {
    /// A provider with these roots that rejects basic credentials.
    pub fn new(roots: TrustRoots) -> Self {
        X509IdentityProvider {
            roots,
            allow_basic: false,
        }
    }

    fn identity(&self, credential: &Credential) -> Result<Identity, CredentialError> {
        match credential {
            Credential::Basic { identity } if self.allow_basic => Ok(basic_identity(&identity.0)),
            Credential::X509 { certificates } => {
                let leaf = certificates.first().ok_or(CredentialError::EmptyChain)?;
                let cert = cert::parse_cert(&leaf.cert_data.0, CertRef::Chain(0))?;
                Ok(cert::cert_identity(&cert))
            }
            other => Err(CredentialError::CredentialTypeNotAllowed(
                other.credential_type(),
            )),
        }
    }
}

impl IdentityProvider for X509IdentityProvider {
    fn validate(
        &self,
        cs: CipherSuite,
        credential: &Credential,
        signature_key: &[u8],
        now: u64,
    ) -> Result<Identity, CredentialError> {
        match credential {
            Credential::X509 { certificates } => {
                let ders: Vec<&[u8]> = certificates
                    .iter()
                    .map(|c| c.cert_data.0.as_slice())
                    .collect();
                chain::validate_chain(&self.roots, cs, &ders, signature_key, now)
            }
            Credential::Basic { identity } if self.allow_basic => Ok(basic_identity(&identity.0)),
            other => Err(CredentialError::CredentialTypeNotAllowed(
                other.credential_type(),
            )),
        }
    }

    /// Same credential type and the same identity: equal basic identity
    /// bytes, or equal leaf subject Names (DER). The new credential itself
    /// is validated separately with [`IdentityProvider::validate`].
    fn valid_successor(&self, old: &Credential, new: &Credential) -> Result<(), CredentialError> {
        same_type(old, new)?;
        let old = self.identity(old)?;
        let new = self.identity(new)?;
        same_identity(&old, &new)
    }
}
