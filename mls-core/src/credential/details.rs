//! What a certificate says, for display and for matching it with a private
//! key: subject, issuer, validity and public key. Parsed with the same
//! structure checks as a chain's certificates; no signature or trust check.

use super::cert::{name_string, parse_cert, spki_key};
use super::{CertRef, CredentialError, KeyAlgorithm};

/// The fields of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// The subject DN as text.
    pub subject: String,
    /// The issuer DN as text.
    pub issuer: String,
    /// notBefore (unix seconds).
    pub not_before: i64,
    /// notAfter (unix seconds).
    pub not_after: i64,
    /// The public key's algorithm.
    pub algorithm: KeyAlgorithm,
    /// The public key as a LeafNode carries it (uncompressed SEC1 point or
    /// raw EdDSA key).
    pub public_key: Vec<u8>,
}

/// The fields of the DER certificate at position `at` of a chain.
pub fn certificate_summary(der: &[u8], at: usize) -> Result<CertificateSummary, CredentialError> {
    let at = CertRef::Chain(at);
    let cert = parse_cert(der, at)?;
    let key = spki_key(cert.public_key(), at)?;
    let validity = cert.validity();
    Ok(CertificateSummary {
        subject: name_string(cert.subject()),
        issuer: name_string(cert.issuer()),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
        algorithm: key.alg,
        public_key: key.bytes,
    })
}
