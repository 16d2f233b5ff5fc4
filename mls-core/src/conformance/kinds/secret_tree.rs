//! `secret-tree.json`: sender data keys and per-leaf ratchets (RFC 9420 §9, §6.3.2).

use crate::crypto::{CipherSuite, RustCrypto, Secret};
use crate::schedule::{RatchetKind, SecretTree, sender_data_key_nonce};

use crate::conformance::check::{expect_eq, expect_field};
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let sd = case.get("sender_data")?;
    let (key, nonce) = sender_data_key_nonce(
        &p,
        cs,
        &sd.get("sender_data_secret")?.hex()?,
        &sd.get("ciphertext")?.hex()?,
    )
    .map_err(|e| format!("sender_data: {e}"))?;
    expect_field(&sd, "key", "sender_data.key", key.as_bytes())?;
    expect_field(&sd, "nonce", "sender_data.nonce", nonce.as_bytes())?;

    let leaves = case.get("leaves")?;
    let n = leaves.array()?.len();
    let n_leaves = u32::try_from(n).map_err(|_| format!("{n} leaves is too many"))?;
    let mut tree = SecretTree::new(
        cs,
        Secret::new(case.get("encryption_secret")?.hex()?),
        n_leaves,
    )
    .map_err(|e| e.to_string())?;
    for (leaf, _) in (0u32..).zip(leaves.array()?) {
        let entries = leaves.index(leaf as usize)?;
        for j in 0..entries.array()?.len() {
            let g = entries.index(j)?;
            let generation = g.get("generation")?.u32()?;
            for (kind, name) in [
                (RatchetKind::Handshake, "handshake"),
                (RatchetKind::Application, "application"),
            ] {
                let kn = tree
                    .key_nonce(&p, leaf, kind, generation)
                    .map_err(|e| format!("leaf {leaf} {name} generation {generation}: {e}"))?;
                let at = |what: &str| format!("leaf {leaf} generation {generation}: {name}_{what}");
                expect_eq(
                    &at("key"),
                    &g.get(&format!("{name}_key"))?.hex()?,
                    kn.key.as_bytes(),
                )?;
                expect_eq(
                    &at("nonce"),
                    &g.get(&format!("{name}_nonce"))?.hex()?,
                    kn.nonce.as_bytes(),
                )?;
            }
        }
    }
    Ok(())
}
