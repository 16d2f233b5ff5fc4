#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Signature marks on the field-tree rows they cover (issue 14, the
//! Decoder at Wireshark's level): the `signature` row of a KeyPackage, its
//! LeafNode and a PublicMessage carries its check's mark, ✔, ✖ or ?.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::inspect::{self, SignatureOutcome};
use mls_inspector::ui::decoder::DecoderPanel;

fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../assets/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn each_signature_field_maps_to_the_check_of_its_structure() {
    let d = inspect::dissect(&example("key-package.bin"));
    let kp = d.signature_at("key_package.signature").unwrap();
    assert!(kp.what.starts_with("KeyPackage signature"), "{}", kp.what);
    assert_eq!(kp.outcome, SignatureOutcome::Verified);
    let leaf = d.signature_at("key_package.leaf_node.signature").unwrap();
    assert!(leaf.what.starts_with("LeafNode signature"), "{}", leaf.what);
    assert!(d.signature_at("key_package.init_key").is_none());

    let d = inspect::dissect(&example("commit-public.bin"));
    let public = d.signature_at("public_message.auth.signature").unwrap();
    assert!(
        public.what.starts_with("PublicMessage signature"),
        "{}",
        public.what
    );
    assert!(matches!(public.outcome, SignatureOutcome::NotCheckable(_)));

    // A flipped signature byte: the row's check fails.
    let mut bytes = example("key-package.bin");
    let sig = inspect::dissect(&bytes)
        .find_path("key_package.signature")
        .map(|f| f.end - 1)
        .unwrap();
    bytes[sig] ^= 1;
    let d = inspect::dissect(&bytes);
    assert!(matches!(
        d.signature_at("key_package.signature").unwrap().outcome,
        SignatureOutcome::Failed(_)
    ));
}

#[test]
fn the_decoder_marks_the_signature_rows() {
    let mut h = Harness::builder()
        .with_size([1200.0, 900.0])
        .build_ui_state(
            |ui, panel: &mut DecoderPanel| panel.ui(ui),
            DecoderPanel::default(),
        );
    h.state_mut()
        .load_bytes("key-package.bin", &example("key-package.bin"));
    h.run();
    // Both signature rows are visible when their parents are open.
    assert!(h.state_mut().select_path("key_package.leaf_node.signature"));
    h.run();
    // The KeyPackage's and its LeafNode's: both verify.
    let rows = h.query_all_by_label("✔ signature").count();
    assert_eq!(rows, 2);
    assert!(h.query_by_label("signature").is_none());
}
