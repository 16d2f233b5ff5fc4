//! The labelled HKDF of RFC 9180 §4 (`LabeledExtract`, `LabeledExpand`),
//! shared by the DHKEMs ([`super::dhkem`]) and the HPKE key schedule
//! ([`super::hpke`]).

use crate::crypto::error::CryptoError;
use crate::crypto::secret::Secret;
use crate::crypto::suite::HashAlg;

use super::hash;

const HPKE_V1: &[u8] = b"HPKE-v1";

/// `LabeledExtract(salt, label, ikm)` (RFC 9180 §4), streamed into HMAC.
pub(crate) fn labeled_extract(
    h: HashAlg,
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[u8],
) -> Secret {
    hash::extract_parts(h, salt, &[HPKE_V1, suite_id, label, ikm])
}

/// `LabeledExpand(prk, label, info, L)` (RFC 9180 §4).
pub(crate) fn labeled_expand(
    h: HashAlg,
    suite_id: &[u8],
    prk: &[u8],
    label: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    let l = u16::try_from(len).map_err(|_| CryptoError::OutputTooLong)?;
    let mut labeled_info =
        Vec::with_capacity(2 + HPKE_V1.len() + suite_id.len() + label.len() + info.len());
    labeled_info.extend_from_slice(&l.to_be_bytes());
    labeled_info.extend_from_slice(HPKE_V1);
    labeled_info.extend_from_slice(suite_id);
    labeled_info.extend_from_slice(label);
    labeled_info.extend_from_slice(info);
    hash::expand(h, prk, &labeled_info, len)
}
