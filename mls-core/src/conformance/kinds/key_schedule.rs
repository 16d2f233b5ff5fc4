//! `key-schedule.json`: epoch secrets across a chain of epochs (RFC 9420 §8).

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CipherSuite, RustCrypto, Secret};
use crate::messages::{GroupContext, PROTOCOL_VERSION_MLS10};
use crate::schedule::JoinerSecrets;

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let group_id = case.get("group_id")?.hex()?;
    let mut init_secret = Secret::new(case.get("initial_init_secret")?.hex()?);
    let epochs = case.get("epochs")?;
    for (i, _) in epochs.array()?.iter().enumerate() {
        let e = epochs.index(i)?;
        let at = |what: &str| format!("epoch {i}: {what}");
        let gc = GroupContext {
            version: PROTOCOL_VERSION_MLS10,
            cipher_suite: cs.id(),
            group_id: VlBytes(group_id.clone()),
            epoch: i as u64,
            tree_hash: VlBytes(e.get("tree_hash")?.hex()?),
            confirmed_transcript_hash: VlBytes(e.get("confirmed_transcript_hash")?.hex()?),
            extensions: Vec::new(),
        };
        let gc_bytes = gc.to_bytes().map_err(|err| at(&err.to_string()))?;
        expect_eq(
            &at("group_context"),
            &e.get("group_context")?.hex()?,
            &gc_bytes,
        )?;

        let commit_secret = e.get("commit_secret")?.hex()?;
        let psk_secret = e.get("psk_secret")?.hex()?;
        let joiner = JoinerSecrets::from_init(
            &p,
            cs,
            init_secret.as_bytes(),
            Some(&commit_secret),
            &gc_bytes,
            Some(&psk_secret),
        )
        .map_err(|err| at(&err.to_string()))?;
        let secrets = joiner
            .epoch(&p, cs, &gc_bytes)
            .map_err(|err| at(&err.to_string()))?;
        let checks: [(&str, &[u8]); 11] = [
            ("joiner_secret", joiner.joiner_secret.as_bytes()),
            ("welcome_secret", joiner.welcome_secret.as_bytes()),
            ("init_secret", secrets.init_secret.as_bytes()),
            ("sender_data_secret", secrets.sender_data_secret.as_bytes()),
            ("encryption_secret", secrets.encryption_secret.as_bytes()),
            ("exporter_secret", secrets.exporter_secret.as_bytes()),
            (
                "epoch_authenticator",
                secrets.epoch_authenticator.as_bytes(),
            ),
            ("external_secret", secrets.external_secret.as_bytes()),
            ("confirmation_key", secrets.confirmation_key.as_bytes()),
            ("membership_key", secrets.membership_key.as_bytes()),
            ("resumption_psk", secrets.resumption_psk.as_bytes()),
        ];
        for (name, computed) in checks {
            expect_eq(&at(name), &e.get(name)?.hex()?, computed)?;
        }
        let external_pub = secrets
            .external_pub(&p, cs)
            .map_err(|err| at(&err.to_string()))?;
        expect_eq(
            &at("external_pub"),
            &e.get("external_pub")?.hex()?,
            &external_pub.0,
        )?;

        // The exporter label is used as its JSON text (hex digits and all),
        // not hex-decoded: that is how the vectors were generated.
        let x = e.get("exporter")?;
        let length = x.get("length")?.u16()?;
        let exported = secrets
            .export(
                &p,
                cs,
                x.get("label")?.str()?.as_bytes(),
                &x.get("context")?.hex()?,
                length,
            )
            .map_err(|err| at(&err.to_string()))?;
        expect_eq(
            &at("exporter.secret"),
            &x.get("secret")?.hex()?,
            exported.as_bytes(),
        )?;

        init_secret = secrets.init_secret.clone();
    }
    Ok(())
}
