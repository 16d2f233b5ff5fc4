//! External commits on a fixed state (Alice's, accepting external
//! commits): an MLSMessage(PublicMessage) is processed and a staged commit
//! merged on a clone, with refusals leaving the state byte-identical; an
//! MLSMessage(GroupInfo) is joined by external commit (`join_external`)
//! with a fixed signer. Never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_core::codec::Decode;
use mls_core::crypto::RustCrypto;
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig};
use mls_core::test_utils::groups::credential;
use mls_core_fuzz::fixtures::{ExternalFixture, external_fixture};
use mls_core_fuzz::{receive, write_seeds};

static FIXTURE: OnceLock<ExternalFixture> = OnceLock::new();

fn fixture() -> &'static ExternalFixture {
    FIXTURE.get_or_init(external_fixture)
}

fuzz_target!(
    init: write_seeds("external_commit", &fixture().seeds),
    |data: &[u8]| {
        let f = fixture();
        if let Ok(MlsMessage { body: MlsMessageBody::GroupInfo(info), .. }) =
            MlsMessage::decode_exact(data)
        {
            let _ = Group::join_external(
                &RustCrypto,
                &info,
                Some(&f.group.tree().to_wire()),
                f.signer.clone(),
                credential("fuzz"),
                None,
                GroupConfig::default(),
            );
            return;
        }
        receive(&f.group, data, false);
    }
);
