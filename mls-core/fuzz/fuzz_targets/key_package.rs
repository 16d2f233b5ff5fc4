//! Decoding arbitrary bytes as `KeyPackage` never panics; whatever decodes
//! re-encodes to exactly the input (decoding is strict, nothing is dropped).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::codec::{Decode, Encode, Reader};
use mls_core::messages::KeyPackage;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = KeyPackage::decode_exact(data) {
        let encoded = value.to_bytes().unwrap_or_default();
        assert_eq!(encoded, data, "re-encoding differs from the input");
    }
    // The span-recording reader must agree with the plain one.
    let mut r = Reader::with_spans(data);
    let _ = KeyPackage::decode(&mut r);
    for span in r.take_spans() {
        assert!(span.start <= span.end && span.end <= data.len());
    }
});
