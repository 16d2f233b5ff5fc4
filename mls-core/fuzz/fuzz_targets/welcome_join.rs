//! Joining from a Welcome (`Group::join`) with a fixed key package bundle:
//! never panics. The input is an MLSMessage(Welcome) or a bare Welcome.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_core::codec::Decode;
use mls_core::crypto::RustCrypto;
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig};
use mls_core::messages::Welcome;
use mls_core_fuzz::fixtures::{WelcomeFixture, welcome_fixture};
use mls_core_fuzz::write_seeds;

static FIXTURE: OnceLock<WelcomeFixture> = OnceLock::new();

fn fixture() -> &'static WelcomeFixture {
    FIXTURE.get_or_init(welcome_fixture)
}

fuzz_target!(
    init: write_seeds("welcome_join", &fixture().seeds),
    |data: &[u8]| {
        let welcome = match MlsMessage::decode_exact(data) {
            Ok(MlsMessage { body: MlsMessageBody::Welcome(w), .. }) => w,
            Ok(_) => return,
            Err(_) => match Welcome::decode_exact(data) {
                Ok(w) => w,
                Err(_) => return,
            },
        };
        let f = fixture();
        if let Ok(g) = Group::join(
            &RustCrypto,
            &welcome,
            &f.bundle,
            None,
            BTreeMap::new(),
            GroupConfig::default(),
        ) {
            // A joined state survives its own serialisation.
            let bytes = g.to_bytes().expect("state encodes");
            let back = Group::from_bytes(&RustCrypto, bytes.as_bytes()).expect("state decodes");
            assert_eq!(back.to_bytes().expect("encodes").as_bytes(), bytes.as_bytes());
        }
    }
);
