//! `psk_secret.json`: the PSK secret from external PSKs (RFC 9420 §8.4).

use crate::codec::VlBytes;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::messages::{PreSharedKeyId, Psk};
use crate::schedule::{PskInput, psk_secret};

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let list = case.get("psks")?;
    let mut ids = Vec::new();
    let mut keys = Vec::new();
    for i in 0..list.array()?.len() {
        let entry = list.index(i)?;
        ids.push(PreSharedKeyId {
            psk: Psk::External {
                psk_id: VlBytes(entry.get("psk_id")?.hex()?),
            },
            psk_nonce: VlBytes(entry.get("psk_nonce")?.hex()?),
        });
        keys.push(entry.get("psk")?.hex()?);
    }
    let inputs: Vec<PskInput<'_>> = ids
        .iter()
        .zip(&keys)
        .map(|(id, psk)| PskInput { id, psk })
        .collect();
    let secret = psk_secret(&RustCrypto, cs, &inputs).map_err(|e| format!("psk_secret: {e}"))?;
    expect_eq(
        "psk_secret",
        &case.get("psk_secret")?.hex()?,
        secret.as_bytes(),
    )
}
