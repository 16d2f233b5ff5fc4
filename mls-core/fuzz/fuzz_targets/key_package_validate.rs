//! Key package validation (`validate_key_package`, §10.1) on arbitrary
//! bytes decoded as a bare KeyPackage or an MLSMessage(KeyPackage), for
//! the package's own suite (suite 1 if unknown), with and without a time.
//! Never panics; validation is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::codec::Decode;
use mls_core::credential::BasicIdentityProvider;
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::validate_key_package;
use mls_core::messages::KeyPackage;
use mls_core_fuzz::{fixtures, write_seeds};

fuzz_target!(
    init: write_seeds("key_package_validate", &fixtures::key_package_seeds()),
    |data: &[u8]| {
        let kp = match KeyPackage::decode_exact(data) {
            Ok(kp) => kp,
            Err(_) => match MlsMessage::decode_exact(data) {
                Ok(MlsMessage { body: MlsMessageBody::KeyPackage(kp), .. }) => kp,
                _ => return,
            },
        };
        let cs = CipherSuite::from_u16(kp.cipher_suite).unwrap_or(fixtures::CS);
        let p = RustCrypto;
        let first = validate_key_package(&p, cs, &kp, None, &BasicIdentityProvider);
        let again = validate_key_package(&p, cs, &kp, None, &BasicIdentityProvider);
        assert_eq!(first.is_ok(), again.is_ok(), "validation is not deterministic");
        let _ = validate_key_package(&p, cs, &kp, Some(1_800_000_000), &BasicIdentityProvider);
    }
);
