//! The dissector on arbitrary bytes: detection (`dissect`) and every
//! forced kind (`dissect_as`) never panic, and every field's byte range
//! lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::inspect::{Dissection, MessageKind, dissect, dissect_as};
use mls_core_fuzz::{fixtures, write_seeds};

fn check(d: &Dissection, len: usize) {
    assert_eq!(d.len, len);
    for top in &d.fields {
        for f in top.walk() {
            assert!(
                f.start <= f.end && f.end <= len,
                "field {} out of range",
                f.path
            );
        }
    }
    if let Some(e) = &d.error {
        assert!(e.offset <= len, "error offset {} past the input", e.offset);
    }
}

fuzz_target!(
    init: write_seeds("dissect", &fixtures::dissect_seeds()),
    |data: &[u8]| {
        let detected = dissect(data);
        check(&detected, data.len());
        for kind in MessageKind::ALL {
            let d = dissect_as(data, kind);
            check(&d, data.len());
            assert_eq!(d.kind, kind);
            if d.error.is_none() && detected.kind == kind {
                assert_eq!(d.fields, detected.fields, "forced and detected {kind:?} differ");
            }
        }
    }
);
