//! SHA-2, HMAC and HKDF (RFC 5869) for the three hashes MLS suites use.

use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::crypto::error::CryptoError;
use crate::crypto::secret::Secret;
use crate::crypto::suite::HashAlg;

pub(crate) fn hash(alg: HashAlg, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlg::Sha256 => Sha256::digest(data).to_vec(),
        HashAlg::Sha384 => Sha384::digest(data).to_vec(),
        HashAlg::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// HMAC(key, data). HKDF-Extract(salt, IKM) is defined as HMAC-Hash(salt,
/// IKM) (RFC 5869 §2.2), and unlike `Hmac::new_from_slice` it cannot fail.
pub(crate) fn hmac(alg: HashAlg, key: &[u8], data: &[u8]) -> Vec<u8> {
    extract(alg, key, data).as_bytes().to_vec()
}

/// HKDF-Extract. An empty salt is HMAC with an empty key, which RFC 5869
/// treats the same as HashLen zero bytes.
pub(crate) fn extract(alg: HashAlg, salt: &[u8], ikm: &[u8]) -> Secret {
    let prk = match alg {
        HashAlg::Sha256 => Hkdf::<Sha256>::extract(Some(salt), ikm).0.to_vec(),
        HashAlg::Sha384 => Hkdf::<Sha384>::extract(Some(salt), ikm).0.to_vec(),
        HashAlg::Sha512 => Hkdf::<Sha512>::extract(Some(salt), ikm).0.to_vec(),
    };
    Secret::new(prk)
}

/// HKDF-Extract over the concatenation of `parts`, streamed: no copy of the
/// (possibly large, possibly secret) input is made.
pub(crate) fn extract_parts(alg: HashAlg, salt: &[u8], parts: &[&[u8]]) -> Secret {
    fn run<H: hkdf::hmac::EagerHash + Clone>(salt: &[u8], parts: &[&[u8]]) -> Vec<u8>
    where
        hkdf::HkdfExtract<H>: Sized,
    {
        let mut ext = hkdf::HkdfExtract::<H>::new(Some(salt));
        for part in parts {
            ext.input_ikm(part);
        }
        ext.finalize().0.to_vec()
    }
    let prk = match alg {
        HashAlg::Sha256 => run::<Sha256>(salt, parts),
        HashAlg::Sha384 => run::<Sha384>(salt, parts),
        HashAlg::Sha512 => run::<Sha512>(salt, parts),
    };
    Secret::new(prk)
}

/// HKDF-Expand. `prk` must be at least Nh bytes (RFC 5869 §2.3) and `len`
/// at most 255 * Nh.
pub(crate) fn expand(
    alg: HashAlg,
    prk: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    if len > 255 * alg.len() {
        return Err(CryptoError::OutputTooLong);
    }
    let short_prk = CryptoError::InvalidLength {
        what: "KDF pseudorandom key (at least Nh)",
        expected: alg.len(),
        got: prk.len(),
    };
    let mut okm = Secret::new(vec![0u8; len]);
    let out = okm.as_mut_bytes();
    let res = match alg {
        HashAlg::Sha256 => Hkdf::<Sha256>::from_prk(prk)
            .map_err(|_| short_prk)?
            .expand(info, out),
        HashAlg::Sha384 => Hkdf::<Sha384>::from_prk(prk)
            .map_err(|_| short_prk)?
            .expand(info, out),
        HashAlg::Sha512 => Hkdf::<Sha512>::from_prk(prk)
            .map_err(|_| short_prk)?
            .expand(info, out),
    };
    res.map_err(|_| CryptoError::OutputTooLong)?;
    Ok(okm)
}
