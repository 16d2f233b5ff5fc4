//! X.509 chain validation (RFC 5280 path building, as
//! [`super::X509IdentityProvider`] describes it): from the leaf through the
//! intermediates to a trust root, over the certificate checks of
//! [`super::cert`].

use x509_parser::certificate::X509Certificate;

use super::cert::{
    cert_identity, check_ca, check_path_len, check_time, key_usage, name_string, parse_cert,
    spki_key, verify_cert_signature,
};
use super::roots::TrustRoots;
use super::{CertRef, CredentialError, Identity, KeyAlgorithm, MAX_CHAIN_LEN};
use crate::crypto::CipherSuite;

fn self_issued(cert: &X509Certificate<'_>) -> bool {
    cert.issuer().as_raw() == cert.subject().as_raw()
}

/// Number of non-self-issued intermediates between the leaf and position
/// `j` of `path` (RFC 5280 §4.2.1.9).
fn intermediates_below(path: &[X509Certificate<'_>], j: usize) -> usize {
    path.iter()
        .take(j)
        .skip(1)
        .filter(|c| !self_issued(c))
        .count()
}

/// Validates a chain (leaf first) for a leaf node with `signature_key` in
/// suite `cs` at time `now`. See [`super::X509IdentityProvider`].
pub(super) fn validate_chain(
    roots: &TrustRoots,
    cs: CipherSuite,
    ders: &[&[u8]],
    signature_key: &[u8],
    now: u64,
) -> Result<Identity, CredentialError> {
    if ders.is_empty() {
        return Err(CredentialError::EmptyChain);
    }
    if ders.len() > MAX_CHAIN_LEN {
        return Err(CredentialError::ChainTooLong {
            len: ders.len(),
            max: MAX_CHAIN_LEN,
        });
    }
    let certs = ders
        .iter()
        .enumerate()
        .map(|(i, der)| parse_cert(der, CertRef::Chain(i)))
        .collect::<Result<Vec<_>, _>>()?;

    // The path ends at the first certificate that is itself a trust root;
    // anything sent after it is ignored.
    let anchor_in_chain = ders.iter().position(|der| roots.contains_der(der));
    let path_len = anchor_in_chain.map_or(certs.len(), |i| i + 1);
    let path = certs.get(..path_len).unwrap_or(&certs);
    let (Some(leaf), Some(last)) = (path.first(), path.last()) else {
        return Err(CredentialError::EmptyChain);
    };
    let last_at = CertRef::Chain(path.len().saturating_sub(1));

    // The leaf: a key of the suite's algorithm, equal to the leaf node's
    // signature key, allowed to sign.
    let leaf_key = spki_key(leaf.public_key(), CertRef::Chain(0))?;
    if let Some(expected) = KeyAlgorithm::for_cipher_suite(cs)
        && expected != leaf_key.alg
    {
        return Err(CredentialError::SuiteMismatch {
            suite: cs.id(),
            expected,
            found: leaf_key.alg,
        });
    }
    if leaf_key.bytes != signature_key {
        return Err(CredentialError::KeyMismatch {
            certificate_key: hex::encode(&leaf_key.bytes),
            signature_key: hex::encode(signature_key),
        });
    }
    if let Some(ku) = key_usage(leaf, CertRef::Chain(0))?
        && !ku.digital_signature()
    {
        return Err(CredentialError::KeyUsage {
            cert: CertRef::Chain(0),
            missing: "digitalSignature",
        });
    }

    // Each link: names chain, the issuer is a CA, its key signed the child.
    for (i, pair) in path.windows(2).enumerate() {
        let [child, parent] = pair else { continue };
        let (child_at, parent_at) = (CertRef::Chain(i), CertRef::Chain(i + 1));
        if child.issuer().as_raw() != parent.subject().as_raw() {
            return Err(CredentialError::IssuerMismatch {
                cert: child_at,
                issuer: name_string(child.issuer()),
                next_subject: name_string(parent.subject()),
            });
        }
        check_ca(parent, parent_at, intermediates_below(path, i + 1))?;
        let key = spki_key(parent.public_key(), parent_at)?;
        verify_cert_signature(child, child_at, &key, parent_at)?;
    }

    // The anchor, unless the chain contains it: a root named as the last
    // certificate's issuer whose key verifies its signature.
    if anchor_in_chain.is_none() {
        let issuer = last.issuer();
        let candidates = roots.with_subject(issuer.as_raw());
        let below = intermediates_below(path, path.len());
        let mut time_error = None;
        let mut found = false;
        for &(k, root) in &candidates {
            let at = CertRef::Root(k);
            if verify_cert_signature(last, last_at, &root.key, at).is_err() {
                continue;
            }
            match check_path_len(root.path_len, at, below)
                .and_then(|()| check_time(root.not_before, root.not_after, now, at))
            {
                Ok(()) => {
                    found = true;
                    break;
                }
                Err(e) => {
                    time_error.get_or_insert(e);
                }
            }
        }
        if !found {
            return Err(
                time_error.unwrap_or_else(|| CredentialError::UnknownIssuer {
                    issuer: name_string(issuer),
                    candidates: candidates.len(),
                }),
            );
        }
    }

    for (i, cert) in path.iter().enumerate() {
        let validity = cert.validity();
        check_time(
            validity.not_before.timestamp(),
            validity.not_after.timestamp(),
            now,
            CertRef::Chain(i),
        )?;
    }

    Ok(cert_identity(leaf))
}
