//! X.509 identities: importing a certificate chain with its PKCS#8 private
//! key, issuing a leaf certificate from a local CA, making a local CA, and
//! each member's certificate and validation status for the group view.

use mls_core::codec::VlBytes;
use mls_core::credential::issue::{SigningKey, Spec, common_name, issue_certificate, pem_blocks};
use mls_core::credential::{
    CertificateSummary, IdentityProvider as _, KeyAlgorithm, TrustRoots, X509IdentityProvider,
    certificate_summary,
};
use mls_core::crypto::{CipherSuite, CryptoProvider as _, Secret, SignaturePrivateKey};
use mls_core::group::now;
use mls_core::messages::{Certificate, Credential};

pub use mls_core::credential::issue::IssueError;

use super::store::NewIdentity;
use super::{IdentityInfo, P, Result, Workspace, WorkspaceError, encode};
use crate::text::escape_controls;

/// The longest validity `--days` accepts (100 years).
pub const MAX_DAYS: u32 = 36_500;

/// Why an X.509 identity could not be imported or issued.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum X509Error {
    /// The chain file holds no certificate.
    #[error("the certificate file holds no CERTIFICATE block (PEM, leaf first)")]
    NoCertificate,
    /// A certificate of the chain does not parse.
    #[error("certificate chain: {0}")]
    Chain(String),
    /// The private key is not usable.
    #[error("private key: {0}")]
    Key(IssueError),
    /// The leaf's public key is not the private key's.
    #[error(
        "the leaf certificate's public key ({leaf}) is not the private key's ({key}): they do not belong together"
    )]
    KeyMismatch {
        /// The leaf's key algorithm and key, abbreviated.
        leaf: String,
        /// The private key's algorithm and public key, abbreviated.
        key: String,
    },
    /// The CA key is not the CA certificate's.
    #[error("the CA private key does not belong to the CA certificate \"{subject}\"")]
    CaKeyMismatch {
        /// The CA certificate's subject.
        subject: String,
    },
    /// The suite asked for does not sign with the key's algorithm.
    #[error("cipher suite {suite} signs with {expected}, but the key is {found}")]
    SuiteMismatch {
        /// The suite asked for.
        suite: u16,
        /// Its signature algorithm.
        expected: String,
        /// The key's algorithm.
        found: KeyAlgorithm,
    },
    /// No supported suite signs with this algorithm.
    #[error("no supported cipher suite signs with {0}")]
    NoSuite(KeyAlgorithm),
    /// A validity out of range.
    #[error("the validity must be 1 to {MAX_DAYS} days, not {0}")]
    Days(u32),
    /// Building or signing the certificate failed.
    #[error("issuing the certificate failed: {0}")]
    Issue(IssueError),
}

impl From<X509Error> for WorkspaceError {
    fn from(e: X509Error) -> Self {
        WorkspaceError::X509(Box::new(e))
    }
}

/// A new local CA: a self-signed certificate and its private key, both PEM.
#[derive(Debug, Clone)]
pub struct LocalCa {
    /// The CA certificate (PEM).
    pub cert_pem: String,
    /// Its PKCS#8 private key (PEM).
    pub key_pem: String,
    /// The certificate's fields.
    pub summary: CertificateSummary,
}

/// A certificate's fields for display: subject and issuer with control
/// characters escaped (`text::escape_controls`), as everything shown from
/// a certificate.
fn shown_summary(
    der: &[u8],
    index: usize,
) -> std::result::Result<CertificateSummary, mls_core::credential::CredentialError> {
    let mut summary = certificate_summary(der, index)?;
    summary.subject = escape_controls(&summary.subject);
    summary.issuer = escape_controls(&summary.issuer);
    Ok(summary)
}

/// Makes a local CA named `name` (`CN=name`) with a fresh `algorithm` key,
/// valid from an hour ago for `days` days. Touches no workspace.
pub fn local_ca_new(name: &str, algorithm: KeyAlgorithm, days: u32) -> Result<LocalCa> {
    check_name(name)?;
    let (not_before, not_after) = validity(days)?;
    let key = SigningKey::generate(algorithm).map_err(X509Error::Issue)?;
    let spec = Spec::ca(&common_name(name), not_before, not_after);
    let (der, _) = issue_certificate(&spec, &key, None).map_err(X509Error::Issue)?;
    let summary = shown_summary(&der, 0)?;
    let key_pem = key.to_pkcs8_pem().map_err(X509Error::Key)?.to_string();
    Ok(LocalCa {
        cert_pem: mls_core::credential::issue::pem_encode("CERTIFICATE", &der),
        key_pem,
        summary,
    })
}

/// The suites whose signature scheme is `algorithm`, in registry order.
pub fn suites_for(algorithm: KeyAlgorithm) -> Vec<CipherSuite> {
    CipherSuite::ALL
        .into_iter()
        .filter(|cs| KeyAlgorithm::for_cipher_suite(*cs) == Some(algorithm))
        .collect()
}

/// The key algorithm named `text`: p256, p384, p521, ed25519 or ed448.
pub fn parse_key_algorithm(text: &str) -> Result<KeyAlgorithm> {
    match text.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "p256" | "ecdsap256" => Ok(KeyAlgorithm::EcdsaP256),
        "p384" | "ecdsap384" => Ok(KeyAlgorithm::EcdsaP384),
        "p521" | "ecdsap521" => Ok(KeyAlgorithm::EcdsaP521),
        "ed25519" => Ok(KeyAlgorithm::Ed25519),
        "ed448" => Ok(KeyAlgorithm::Ed448),
        _ => Err(WorkspaceError::Invalid(format!(
            "unknown key algorithm {text:?}; known: p256, p384, p521, ed25519, ed448"
        ))),
    }
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(WorkspaceError::Invalid(String::from(
            "an identity needs a name",
        )));
    }
    Ok(())
}

fn validity(days: u32) -> Result<(u64, u64)> {
    if days == 0 || days > MAX_DAYS {
        return Err(X509Error::Days(days).into());
    }
    let t = now();
    Ok((t.saturating_sub(3600), t + u64::from(days) * 86_400))
}

fn abbrev(alg: KeyAlgorithm, key: &[u8]) -> String {
    let h = hex::encode(key);
    let n = h.len();
    match (h.get(..8), h.get(n.saturating_sub(8)..)) {
        (Some(head), Some(tail)) if n > 20 => format!("{alg} {head}…{tail}"),
        _ => format!("{alg} {h}"),
    }
}

/// The suite for `key`: `wanted` if it signs with the key's algorithm,
/// else the first suite that does.
fn suite_for_key(key: &SigningKey, wanted: Option<CipherSuite>) -> Result<CipherSuite> {
    let alg = key.algorithm();
    match wanted {
        Some(cs) => match KeyAlgorithm::for_cipher_suite(cs) {
            Some(a) if a == alg => Ok(cs),
            other => Err(X509Error::SuiteMismatch {
                suite: cs.id(),
                expected: other
                    .map_or_else(|| String::from("an unknown scheme"), |a| a.to_string()),
                found: alg,
            }
            .into()),
        },
        None => suites_for(alg)
            .first()
            .copied()
            .ok_or_else(|| X509Error::NoSuite(alg).into()),
    }
}

/// The DER certificates of a PEM file (every CERTIFICATE block, in order).
fn chain_ders(chain_pem: &[u8]) -> Result<Vec<Vec<u8>>> {
    let ders = pem_blocks(chain_pem, "CERTIFICATE").map_err(|e| X509Error::Chain(e.to_string()))?;
    if ders.is_empty() {
        return Err(X509Error::NoCertificate.into());
    }
    Ok(ders)
}

impl Workspace {
    /// Imports an X.509 identity: a PEM certificate chain (leaf first,
    /// then intermediates) and the leaf's PKCS#8 private key (PEM). The
    /// suite is `suite` if given (it must sign with the key's algorithm),
    /// else the first suite that does. Refused when a certificate does not
    /// parse or the leaf's key is not the private key's.
    pub fn identity_import(
        &self,
        name: &str,
        chain_pem: &[u8],
        key_pem: &[u8],
        suite: Option<CipherSuite>,
    ) -> Result<IdentityInfo> {
        check_name(name)?;
        let ders = chain_ders(chain_pem)?;
        let mut summaries = Vec::with_capacity(ders.len());
        for (i, der) in ders.iter().enumerate() {
            summaries.push(shown_summary(der, i).map_err(|e| X509Error::Chain(e.to_string()))?);
        }
        let key = SigningKey::from_pkcs8_pem(key_pem).map_err(X509Error::Key)?;
        if let Some(leaf) = summaries.first()
            && (leaf.algorithm != key.algorithm() || leaf.public_key != key.public())
        {
            return Err(X509Error::KeyMismatch {
                leaf: abbrev(leaf.algorithm, &leaf.public_key),
                key: abbrev(key.algorithm(), &key.public()),
            }
            .into());
        }
        let cs = suite_for_key(&key, suite)?;
        self.store_x509_identity(name, cs, &key, ders)
    }

    /// Issues an X.509 identity from a local CA: a fresh key of `suite`'s
    /// signature algorithm, a leaf certificate `CN=name` valid for `days`
    /// days signed by the CA (any algorithm), stored with the chain
    /// [leaf, CA]. The CA certificate is PEM (or DER), its key PKCS#8 PEM.
    pub fn identity_issue(
        &self,
        name: &str,
        ca_cert: &[u8],
        ca_key_pem: &[u8],
        suite: CipherSuite,
        days: u32,
    ) -> Result<IdentityInfo> {
        check_name(name)?;
        let (not_before, not_after) = validity(days)?;
        let ca_der = if ca_cert.windows(10).any(|w| w == b"-----BEGIN".as_slice()) {
            chain_ders(ca_cert)?
                .into_iter()
                .next()
                .ok_or(X509Error::NoCertificate)?
        } else {
            ca_cert.to_vec()
        };
        // The CA must be one a trust root can be made of.
        let mut roots = TrustRoots::new();
        let root = roots.add_der(&ca_der)?;
        let ca_summary = certificate_summary(&ca_der, 0)?;
        let ca_key = SigningKey::from_pkcs8_pem(ca_key_pem).map_err(X509Error::Key)?;
        if ca_key.algorithm() != ca_summary.algorithm || ca_key.public() != ca_summary.public_key {
            return Err(X509Error::CaKeyMismatch {
                subject: escape_controls(&root.subject),
            }
            .into());
        }
        let alg = KeyAlgorithm::for_cipher_suite(suite)
            .ok_or(WorkspaceError::UnsupportedSuite(suite.id()))?;
        let key = SigningKey::generate(alg).map_err(X509Error::Issue)?;
        let ca_name =
            mls_core::credential::issue::certificate_subject(&ca_der).map_err(X509Error::Issue)?;
        let spec = Spec::leaf(&common_name(name), not_before, not_after);
        let (leaf_der, _) =
            issue_certificate(&spec, &key, Some((&ca_name, &ca_key))).map_err(X509Error::Issue)?;
        // What is stored validates against the CA it came from.
        X509IdentityProvider::new(roots).validate(
            suite,
            &x509_credential(vec![leaf_der.clone(), ca_der.clone()]),
            &key.public(),
            now(),
        )?;
        self.store_x509_identity(name, suite, &key, vec![leaf_der, ca_der])
    }

    fn store_x509_identity(
        &self,
        name: &str,
        cs: CipherSuite,
        key: &SigningKey,
        chain: Vec<Vec<u8>>,
    ) -> Result<IdentityInfo> {
        let sk = SignaturePrivateKey::new(Secret::new(key.private_bytes().to_vec()));
        // The MLS provider must derive the same public key as the
        // certificate holds.
        let pk = P
            .signature_public_key(cs, &sk)
            .map_err(mls_core::group::GroupError::from)?;
        if pk.0 != key.public() {
            return Err(X509Error::KeyMismatch {
                leaf: abbrev(key.algorithm(), &key.public()),
                key: abbrev(key.algorithm(), &pk.0),
            }
            .into());
        }
        let credential = x509_credential(chain);
        let key = self.store.insert_identity(&NewIdentity {
            name: name.to_owned(),
            cipher_suite: cs.id(),
            signature_private: Secret::new(key.private_bytes().to_vec()),
            signature_public: pk.0,
            credential: encode(&credential)?,
        })?;
        self.identity(key)
    }

    /// An identity's credential checked against this workspace's trust
    /// roots (its certificate for display; basic credentials give the
    /// empty check).
    pub fn identity_credential_check(&self, key: super::IdentityKey) -> Result<CredentialCheck> {
        let record = self.store.identity(key)?;
        let credential = <Credential as mls_core::codec::Decode>::decode_exact(&record.credential)
            .map_err(|error| WorkspaceError::malformed("stored credential", error))?;
        let cs = CipherSuite::from_u16(record.cipher_suite)
            .ok_or(WorkspaceError::UnsupportedSuite(record.cipher_suite))?;
        self.credential_check(cs, &credential, &record.signature_public)
    }

    /// A member's credential checked against this workspace's trust roots.
    pub fn credential_check(
        &self,
        cs: CipherSuite,
        credential: &Credential,
        signature_key: &[u8],
    ) -> Result<CredentialCheck> {
        CredentialChecks::new(self).check(cs, credential, signature_key)
    }
}

/// Checks of many members' credentials (a group's member list) that read
/// and parse the workspace's trust roots once, at the first X.509
/// credential, instead of once per member.
pub(super) struct CredentialChecks<'a> {
    ws: &'a Workspace,
    /// `Some(None)`: read, and the workspace has no trust roots.
    provider: Option<Option<X509IdentityProvider>>,
}

impl<'a> CredentialChecks<'a> {
    pub(super) fn new(ws: &'a Workspace) -> Self {
        CredentialChecks { ws, provider: None }
    }

    /// [`Workspace::credential_check`] of one credential.
    pub(super) fn check(
        &mut self,
        cs: CipherSuite,
        credential: &Credential,
        signature_key: &[u8],
    ) -> Result<CredentialCheck> {
        let Credential::X509 { certificates } = credential else {
            return Ok(CredentialCheck::default());
        };
        let certificate = certificates
            .first()
            .and_then(|c| shown_summary(c.cert_data.as_slice(), 0).ok())
            .map(|s| CertificateInfo {
                subject: s.subject,
                issuer: s.issuer,
                not_before: s.not_before,
                not_after: s.not_after,
                chain_length: certificates.len(),
            });
        let provider = match &self.provider {
            Some(provider) => provider,
            None => {
                let mut roots = TrustRoots::new();
                for root in &self.ws.store.trust_roots()? {
                    roots.add_der(&root.der)?;
                }
                self.provider
                    .insert((!roots.is_empty()).then(|| X509IdentityProvider::new(roots)))
            }
        };
        let (validated, reason) = match provider {
            None => (
                Some(false),
                Some(String::from("this workspace has no trust roots")),
            ),
            Some(provider) => match provider.validate(cs, credential, signature_key, now()) {
                Ok(_) => (Some(true), None),
                Err(e) => (Some(false), Some(e.to_string())),
            },
        };
        Ok(CredentialCheck {
            certificate,
            validated,
            reason,
        })
    }
}

fn x509_credential(chain: Vec<Vec<u8>>) -> Credential {
    Credential::X509 {
        certificates: chain
            .into_iter()
            .map(|der| Certificate {
                cert_data: VlBytes(der),
            })
            .collect(),
    }
}

/// A member's leaf certificate, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// notBefore (unix seconds).
    pub not_before: i64,
    /// notAfter (unix seconds).
    pub not_after: i64,
    /// Certificates in the credential's chain.
    pub chain_length: usize,
}

/// A member's credential as this workspace judges it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialCheck {
    /// The leaf certificate (X.509 credentials whose leaf parses).
    pub certificate: Option<CertificateInfo>,
    /// X.509: whether the chain validated against this workspace's trust
    /// roots; `None` for other credential types.
    pub validated: Option<bool>,
    /// Why it did not validate.
    pub reason: Option<String>,
}

impl CredentialCheck {
    /// One line: "validated", "not validated: why", or "" for basic.
    pub fn status_text(&self) -> String {
        match (self.validated, &self.reason) {
            (Some(true), _) => String::from("validated against the trust roots"),
            (Some(false), Some(why)) => format!("NOT validated: {why}"),
            (Some(false), None) => String::from("NOT validated"),
            (None, _) => String::new(),
        }
    }
}
