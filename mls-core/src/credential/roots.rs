//! The trust roots X.509 credential chains must end at.

use sha2::Digest as _;
use x509_parser::pem::Pem;

use super::cert::{self, CertKey};
use super::{CertRef, CredentialError, KeyAlgorithm};

/// A trust root, summarised for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootInfo {
    /// Subject DN, e.g. `CN=Example Root, O=Example`.
    pub subject: String,
    /// Issuer DN (equal to the subject for a self-signed root).
    pub issuer: String,
    /// Start of the validity period (unix seconds).
    pub not_before: i64,
    /// End of the validity period (unix seconds).
    pub not_after: i64,
    /// SHA-256 of the certificate's DER, lowercase hex.
    pub fingerprint_sha256: String,
    /// Algorithm of the root's public key.
    pub key_algorithm: KeyAlgorithm,
}

/// A root as stored: its DER and what validation needs from it.
#[derive(Debug, Clone)]
pub(super) struct Root {
    pub(super) der: Vec<u8>,
    pub(super) info: RootInfo,
    pub(super) subject_der: Vec<u8>,
    pub(super) key: CertKey,
    pub(super) not_before: i64,
    pub(super) not_after: i64,
    pub(super) path_len: Option<u32>,
}

/// An ordered set of trust anchors.
///
/// A root must be a CA certificate (basicConstraints cA, and keyCertSign if
/// it has a keyUsage) with an ECDSA P-256/P-384/P-521, Ed25519 or Ed448
/// key; if it is self-issued its self-signature must verify. Validity
/// periods are checked when a chain is validated, not on import.
#[derive(Debug, Clone, Default)]
pub struct TrustRoots {
    roots: Vec<Root>,
}

impl TrustRoots {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one DER-encoded root certificate.
    pub fn add_der(&mut self, der: &[u8]) -> Result<RootInfo, CredentialError> {
        let root = candidate(der, CertRef::Import(0))?;
        self.check_duplicate(&root)?;
        let info = root.info.clone();
        self.roots.push(root);
        Ok(info)
    }

    /// Adds every CERTIFICATE block of a PEM bundle (other blocks are
    /// skipped). All or nothing: if any certificate is rejected, or is
    /// already present, none is added.
    pub fn add_pem(&mut self, pem: &[u8]) -> Result<Vec<RootInfo>, CredentialError> {
        let mut found = Vec::new();
        for (i, block) in Pem::iter_from_buffer(pem).enumerate() {
            let block = block.map_err(|e| CredentialError::Malformed {
                cert: CertRef::Import(i),
                why: format!("bad PEM block ({e})"),
            })?;
            if block.label == "CERTIFICATE" {
                found.push(candidate(&block.contents, CertRef::Import(i))?);
            }
        }
        if found.is_empty() {
            return Err(CredentialError::NoPemCertificates);
        }
        for (i, root) in found.iter().enumerate() {
            self.check_duplicate(root)?;
            if found.iter().take(i).any(|r| r.der == root.der) {
                return Err(duplicate(root));
            }
        }
        let infos = found.iter().map(|r| r.info.clone()).collect();
        self.roots.extend(found);
        Ok(infos)
    }

    /// Removes the root at `index` (as in [`TrustRoots::list`]).
    pub fn remove(&mut self, index: usize) -> Option<RootInfo> {
        (index < self.roots.len()).then(|| self.roots.remove(index).info)
    }

    /// The roots, in insertion order.
    pub fn list(&self) -> Vec<RootInfo> {
        self.roots.iter().map(|r| r.info.clone()).collect()
    }

    /// The DER of each root, in insertion order (for storage; feed them
    /// back through [`TrustRoots::add_der`]).
    pub fn ders(&self) -> impl Iterator<Item = &[u8]> {
        self.roots.iter().map(|r| r.der.as_slice())
    }

    pub fn len(&self) -> usize {
        self.roots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    pub(super) fn contains_der(&self, der: &[u8]) -> bool {
        self.roots.iter().any(|r| r.der == der)
    }

    /// The roots (with their index) whose subject Name is `subject_der`.
    pub(super) fn with_subject(&self, subject_der: &[u8]) -> Vec<(usize, &Root)> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, r)| r.subject_der == subject_der)
            .collect()
    }

    fn check_duplicate(&self, root: &Root) -> Result<(), CredentialError> {
        if self.contains_der(&root.der) {
            Err(duplicate(root))
        } else {
            Ok(())
        }
    }
}

fn duplicate(root: &Root) -> CredentialError {
    CredentialError::DuplicateRoot {
        subject: root.info.subject.clone(),
        fingerprint: root.info.fingerprint_sha256.clone(),
    }
}

/// Parses and checks a would-be root.
fn candidate(der: &[u8], at: CertRef) -> Result<Root, CredentialError> {
    let cert = cert::parse_cert(der, at)?;
    let path_len = cert::check_ca(&cert, at, 0)?;
    let key = cert::spki_key(cert.public_key(), at)?;
    if cert.issuer().as_raw() == cert.subject().as_raw() {
        cert::verify_cert_signature(&cert, at, &key, at)?;
    }
    let validity = cert.validity();
    let (not_before, not_after) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    let info = RootInfo {
        subject: cert::name_string(cert.subject()),
        issuer: cert::name_string(cert.issuer()),
        not_before,
        not_after,
        fingerprint_sha256: hex::encode(sha2::Sha256::digest(der)),
        key_algorithm: key.alg,
    };
    Ok(Root {
        der: der.to_vec(),
        info,
        subject_der: cert.subject().as_raw().to_vec(),
        key,
        not_before,
        not_after,
        path_len,
    })
}
