//! The PSK secret (RFC 9420 §8.4).

use crate::codec::{Encode, Writer};
use crate::crypto::{CipherSuite, CryptoProvider, Secret, expand_with_label};
use crate::messages::PreSharedKeyId;

use super::ScheduleError;

/// One PSK and its identifier, in the order the commit lists them.
pub struct PskInput<'a> {
    pub id: &'a PreSharedKeyId,
    pub psk: &'a [u8],
}

/// `psk_secret` from a list of PSKs:
///
/// ```text
/// psk_extracted_[i] = KDF.Extract(0, psk_[i])
/// psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
/// psk_secret_[i]    = KDF.Extract(psk_input_[i], psk_secret_[i-1]);  psk_secret_[0] = 0
/// ```
/// where `PSKLabel = { PreSharedKeyID id; uint16 index; uint16 count; }`.
/// With no PSKs the result is `Nh` zero bytes.
pub fn psk_secret<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    psks: &[PskInput<'_>],
) -> Result<Secret, ScheduleError> {
    let nh = cs.hash_len();
    let count = u16::try_from(psks.len()).map_err(|_| ScheduleError::TooManyPsks(psks.len()))?;
    let zero = vec![0u8; nh];
    let mut secret = Secret::new(zero.clone());
    for (index, input) in (0u16..).zip(psks) {
        let extracted = p.kdf_extract(cs, &zero, input.psk);
        let mut label = Writer::new();
        input.id.encode(&mut label)?;
        label.u16(index);
        label.u16(count);
        let psk_input = expand_with_label(
            p,
            cs,
            extracted.as_bytes(),
            b"derived psk",
            label.as_bytes(),
            u16::try_from(nh).unwrap_or(u16::MAX),
        )?;
        secret = p.kdf_extract(cs, psk_input.as_bytes(), secret.as_bytes());
    }
    Ok(secret)
}
