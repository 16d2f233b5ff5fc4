//! `passive-client-*.json`: join by Welcome, then follow every epoch's
//! proposals and commit, comparing epoch authenticators (RFC 9420 §12).

use std::collections::BTreeMap;

use crate::codec::Decode;
use crate::crypto::{
    CipherSuite, CryptoProvider, HpkePrivateKey, RustCrypto, Secret, SignaturePrivateKey,
};
use crate::framing::{MlsMessage, MlsMessageBody};
use crate::group::{Group, GroupConfig, KeyPackageBundle, Received};
use crate::messages::RatchetTree;

use crate::conformance::check::{expect_eq, expect_field};
use crate::conformance::json::Field;

fn message(field: &Field<'_>, what: &str) -> Result<MlsMessage, String> {
    MlsMessage::decode_exact(&field.hex()?).map_err(|e| format!("{what} does not decode: {e}"))
}

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let MlsMessageBody::KeyPackage(key_package) =
        message(&case.get("key_package")?, "key_package")?.body
    else {
        return Err("key_package is not an MLSMessage(KeyPackage)".into());
    };
    let bundle = KeyPackageBundle {
        key_package,
        init_private: HpkePrivateKey(case.get("init_priv")?.hex()?.into()),
        encryption_private: HpkePrivateKey(case.get("encryption_priv")?.hex()?.into()),
        signature_private: SignaturePrivateKey::new(case.get("signature_priv")?.hex()?.into()),
    };
    let kp = &bundle.key_package;
    let checks = [
        (
            "init_priv",
            p.hpke_public_key(cs, &bundle.init_private).map(|k| k.0),
            &kp.init_key.0,
        ),
        (
            "encryption_priv",
            p.hpke_public_key(cs, &bundle.encryption_private)
                .map(|k| k.0),
            &kp.leaf_node.encryption_key.0,
        ),
        (
            "signature_priv",
            p.signature_public_key(cs, &bundle.signature_private)
                .map(|k| k.0),
            &kp.leaf_node.signature_key.0,
        ),
    ];
    for (name, derived, expected) in checks {
        let derived = derived.map_err(|e| format!("{name}: {e}"))?;
        expect_eq(
            &format!("{name} matches the key package"),
            expected,
            &derived,
        )?;
    }

    let mut psks = BTreeMap::new();
    let list = case.get("external_psks")?;
    for i in 0..list.array()?.len() {
        let e = list.index(i)?;
        psks.insert(e.get("psk_id")?.hex()?, Secret::new(e.get("psk")?.hex()?));
    }
    let MlsMessageBody::Welcome(welcome) = message(&case.get("welcome")?, "welcome")?.body else {
        return Err("welcome is not an MLSMessage(Welcome)".into());
    };
    let tree_field = case.get("ratchet_tree")?;
    let tree = if tree_field.value().is_null() {
        None
    } else {
        Some(
            RatchetTree::decode_exact(&tree_field.hex()?)
                .map_err(|e| format!("ratchet_tree: {e}"))?,
        )
    };
    let mut group = Group::join(
        &p,
        &welcome,
        &bundle,
        tree.as_ref(),
        psks,
        GroupConfig::default(),
    )
    .map_err(|e| format!("joining: {e}"))?;
    expect_field(
        case,
        "initial_epoch_authenticator",
        "initial_epoch_authenticator",
        group.epoch_authenticator(),
    )?;

    let epochs = case.get("epochs")?;
    for i in 0..epochs.array()?.len() {
        let e = epochs.index(i)?;
        let at = |what: String| format!("epoch {i}: {what}");
        let proposals = e.get("proposals")?;
        for j in 0..proposals.array()?.len() {
            let m = message(&proposals.index(j)?, "proposal")?;
            group
                .process(&p, &m)
                .map_err(|err| at(format!("proposal {j}: {err}")))?;
        }
        let commit = message(&e.get("commit")?, "commit")?;
        let staged = match group
            .process(&p, &commit)
            .map_err(|err| at(format!("commit: {err}")))?
        {
            Received::Commit(s) => s,
            _ => return Err(at("the commit message holds no commit".into())),
        };
        group
            .merge(*staged)
            .map_err(|err| at(format!("merging: {err}")))?;
        expect_eq(
            &at("epoch_authenticator".into()),
            &e.get("epoch_authenticator")?.hex()?,
            group.epoch_authenticator(),
        )?;
    }
    Ok(())
}
