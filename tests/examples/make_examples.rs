//! Generates the example messages in `assets/examples/` with this project's
//! own MLS code: a small group of three (suite 1) whose messages are saved
//! as raw `MLSMessage` bytes, plus text (hex, base64) copies and one
//! malformed message.
//!
//! `cargo run -p workspace-tests --example make_examples -- assets/examples`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use base64::Engine as _;
use mls_core::codec::{Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle, Received};
use mls_core::messages::{Credential, Proposal};

fn bundle(cs: CipherSuite, name: &str) -> KeyPackageBundle {
    let p = RustCrypto;
    let (sk, _) = p.signature_key_pair(cs).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    };
    KeyPackageBundle::generate(&p, cs, credential, sk, 10 * 365 * 86_400, Vec::new()).unwrap()
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "assets/examples".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let alice_kp = bundle(cs, "alice@example.org");
    let bob_kp = bundle(cs, "bob@example.org");
    let carol_kp = bundle(cs, "carol@example.org");

    let mut alice = Group::create(
        &p,
        &alice_kp,
        b"mls-inspector example group".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let add = alice
        .commit(
            &p,
            vec![
                Proposal::Add {
                    key_package: bob_kp.key_package.clone(),
                },
                Proposal::Add {
                    key_package: carol_kp.key_package.clone(),
                },
            ],
            true,
        )
        .unwrap();
    alice.merge(add.staged.clone()).unwrap();
    let MlsMessageBody::Welcome(welcome) = &add.welcome.as_ref().unwrap().body else {
        panic!()
    };
    let mut bob = Group::join(
        &p,
        welcome,
        &bob_kp,
        None,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();

    // An update commit from Bob, as a PublicMessage, processed by Alice.
    let update = bob.commit(&p, Vec::new(), true).unwrap();
    let Received::Commit(staged) = alice.process(&p, &update.commit).unwrap() else {
        panic!()
    };
    alice.merge(*staged).unwrap();
    bob.merge(update.staged).unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());

    let application = alice
        .send_application(&p, b"Hello from MLS Inspector!", b"")
        .unwrap();
    let key_package = MlsMessage::new(MlsMessageBody::KeyPackage(
        bundle(cs, "dave@example.org").key_package,
    ));

    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).unwrap();
        println!("wrote {} ({} bytes)", dir.join(name).display(), bytes.len());
    };
    let bytes = |m: &MlsMessage| m.to_bytes().unwrap();
    write("key-package.bin", &bytes(&key_package));
    write(
        "key-package.hex",
        format!("{}\n", hex::encode(bytes(&key_package))).as_bytes(),
    );
    write("welcome.bin", &bytes(add.welcome.as_ref().unwrap()));
    write("group-info.bin", &bytes(add.group_info.as_ref().unwrap()));
    write("commit-public.bin", &bytes(&update.commit));
    write("application-private.bin", &bytes(&application));
    write(
        "application-private.b64",
        format!(
            "{}\n",
            base64::engine::general_purpose::STANDARD.encode(bytes(&application))
        )
        .as_bytes(),
    );
    // Malformed: the Welcome with its last 10 bytes cut off, so the
    // encrypted GroupInfo's declared length runs past the end.
    let w = bytes(add.welcome.as_ref().unwrap());
    write("malformed-welcome.bin", &w[..w.len() - 10]);
}
