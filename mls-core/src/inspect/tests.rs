#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;

/// A small valid KeyPackage-free message: an MLSMessage(PrivateMessage).
fn private_message() -> Vec<u8> {
    use crate::codec::{Encode, VlBytes};
    MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage {
        group_id: VlBytes(b"group-1".to_vec()),
        epoch: 7,
        content_type: 1,
        authenticated_data: VlBytes::default(),
        encrypted_sender_data: VlBytes(vec![1, 2, 3]),
        ciphertext: VlBytes(vec![9; 40]),
    }))
    .to_bytes()
    .unwrap()
}

#[test]
fn detects_mls_message_and_names_enums() {
    let bytes = private_message();
    let d = dissect(&bytes);
    assert!(d.ok(), "{:?}", d.error);
    assert_eq!(d.kind, MessageKind::MlsMessage);
    assert_eq!(d.fields.first().unwrap().start, 0);
    assert_eq!(d.fields.last().unwrap().end, bytes.len());
    assert_eq!(
        d.field_by_path("version").unwrap().value.as_deref(),
        Some("1 (mls10)")
    );
    assert_eq!(
        d.field_by_path("wire_format").unwrap().value.as_deref(),
        Some("2 (mls_private_message)")
    );
    let gid = d.field_by_path("private_message.group_id").unwrap();
    assert_eq!(gid.text.as_deref(), Some("group-1"));
    assert_eq!(gid.value.as_deref(), Some(hex::encode("group-1").as_str()));
    assert_eq!(
        d.field_by_path("private_message.content_type")
            .unwrap()
            .value
            .as_deref(),
        Some("1 (application)")
    );
    assert!(
        d.summary.contains("PrivateMessage (application), epoch 7"),
        "{}",
        d.summary
    );
    // Clicking the epoch's bytes selects the epoch.
    let epoch = d.field_by_path("private_message.epoch").unwrap();
    assert_eq!(
        d.field_at(epoch.start + 3).unwrap().path,
        "private_message.epoch"
    );
}

#[test]
fn truncated_input_keeps_what_decoded_and_names_the_failure() {
    let bytes = private_message();
    let cut = &bytes[..bytes.len() - 5];
    let d = dissect_as(cut, MessageKind::MlsMessage);
    let e = d.error.clone().unwrap();
    assert_eq!(e.path, "private_message.ciphertext");
    assert!(e.message.contains("exceeds"), "{}", e.message);
    // The fields before the failure are there with their values.
    assert_eq!(
        d.field_by_path("private_message.epoch")
            .unwrap()
            .value
            .as_deref(),
        Some("7")
    );
    let error_nodes: Vec<_> = d
        .all_fields()
        .into_iter()
        .filter(|f| f.label == "error")
        .collect();
    assert_eq!(error_nodes.len(), 1);
    assert_eq!(error_nodes[0].start, e.offset);
    assert!(
        error_nodes[0]
            .error
            .as_ref()
            .unwrap()
            .contains("private_message.ciphertext")
    );
}

#[test]
fn every_prefix_and_every_flip_never_panics() {
    let bytes = private_message();
    for n in 0..=bytes.len() {
        let _ = dissect(&bytes[..n]);
    }
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xff;
        let _ = dissect(&b);
    }
}

#[test]
fn input_formats_are_detected() {
    let hex_in = b"00 01 0x02\n0A0b";
    let p = parse_input(hex_in);
    assert_eq!(
        (p.format, p.bytes),
        (InputFormat::Hex, vec![0, 1, 2, 10, 11])
    );
    let p = parse_input(b"AAECAwQ=");
    assert_eq!(
        (p.format, p.bytes),
        (InputFormat::Base64, vec![0, 1, 2, 3, 4])
    );
    let p = parse_input(b"AAECAwQ");
    assert_eq!(
        (p.format, p.bytes),
        (InputFormat::Base64, vec![0, 1, 2, 3, 4])
    );
    let p = parse_input(b"-_8");
    assert_eq!((p.format, p.bytes), (InputFormat::Base64, vec![0xfb, 0xff]));
    let p = parse_input(&[0xff, 0x00, 0x80]);
    assert_eq!(p.format, InputFormat::Binary);
    assert_eq!(
        parse_input_as(b"abc", InputFormat::Hex).unwrap_err(),
        "hex has an odd number of digits (3)"
    );
    assert_eq!(
        parse_input_as(b"00ff", InputFormat::Base64).unwrap().bytes,
        vec![0xd3, 0x47, 0xdf]
    );
}

/// Top-level fields cover `0..len` without gaps, also when decoding fails
/// inside a field (its length header belongs to the unfinished field).
fn assert_covered(d: &Dissection, len: usize, what: &str) {
    let mut at = 0;
    for f in &d.fields {
        assert!(
            f.start <= at,
            "{what}: gap before {} at {at}..{}",
            f.path,
            f.start
        );
        at = at.max(f.end);
    }
    assert_eq!(at, len, "{what}: not covered to the end");
}

#[test]
fn unfinished_fields_start_where_they_began() {
    let d = dissect_as(
        &hex::decode("0001052000000000").unwrap(),
        MessageKind::Welcome,
    );
    assert!(d.error.is_some());
    let secrets = d.field_by_path("secrets").unwrap();
    assert_eq!(
        secrets.start, 2,
        "the length header is part of the unfinished vector"
    );
    assert!(d.field_at(2).is_some());
    assert_covered(&d, 8, "welcome repro");
    let d = dissect_as(&[0x01, 0x02], MessageKind::RatchetTree);
    assert_covered(&d, 2, "tree repro");
    let bytes = private_message();
    for n in 1..bytes.len() {
        let d = dissect_as(&bytes[..n], MessageKind::MlsMessage);
        assert_covered(&d, n, &format!("cut at {n}"));
    }
}

#[test]
fn composite_fields_are_named_vector_or_struct() {
    let d = dissect(&private_message());
    assert_eq!(
        d.field_by_path("private_message.authenticated_data")
            .unwrap()
            .type_name,
        "opaque<V>"
    );
    let d = dissect_as(&hex::decode("00010000").unwrap(), MessageKind::Welcome);
    assert_eq!(
        d.field_by_path("secrets").unwrap().type_name,
        "vector (0 elements)"
    );
}

#[test]
fn wire_helpers_unwrap_and_wrap_back_byte_for_byte() {
    use super::wire::{Framing, WireError, framing_of, unwrap, wrap};
    let message = private_message();
    assert_eq!(framing_of(&message), Some(Framing::Private));
    let body = unwrap(&message, Framing::Private).unwrap();
    // The body is what the dissector finds as a bare PrivateMessage.
    let d = dissect_as(&body, MessageKind::PrivateMessage);
    assert!(d.ok(), "{:?}", d.error);
    assert_eq!(wrap(&body, Framing::Private).unwrap(), message);

    // The wrong framing is named, with what the message holds.
    let e = unwrap(&message, Framing::Public).unwrap_err();
    assert!(matches!(
        e,
        WireError::WrongBody {
            found: "PrivateMessage",
            wire_format: 2,
            ..
        }
    ));
    assert!(matches!(
        wrap(&body, Framing::Public),
        Err(WireError::NotABody {
            framing: Framing::Public,
            ..
        })
    ));
    // Trailing bytes are not part of a body.
    let mut longer = body.clone();
    longer.push(0);
    assert!(matches!(
        wrap(&longer, Framing::Private),
        Err(WireError::NotABody { .. })
    ));
    assert!(matches!(
        unwrap(&body, Framing::Private),
        Err(WireError::NotAnMlsMessage(_))
    ));
    assert_eq!(framing_of(&body), None);
}

/// (path, type, start, end, value) of every field but the markers.
fn shown_fields(d: &Dissection) -> Vec<(String, String, usize, usize, Option<String>)> {
    d.all_fields()
        .into_iter()
        .filter(|f| !f.is_omitted_marker())
        .map(|f| {
            (
                f.path.clone(),
                f.type_name.clone(),
                f.start,
                f.end,
                f.value.clone(),
            )
        })
        .collect()
}

/// How many fields of a dissection (markers aside) the message's own
/// reader decoded: not the details (length headers, extension contents).
fn decoded_fields(d: &Dissection) -> usize {
    d.all_fields()
        .iter()
        .filter(|f| !f.is_omitted_marker() && !f.detail)
        .count()
}

#[test]
fn a_tree_cut_at_any_field_limit_shows_a_part_of_the_full_tree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/examples");
    let mut inputs = vec![private_message()];
    for name in [
        "commit-public.bin",
        "group-info.bin",
        "key-package.bin",
        "welcome.bin",
        "malformed-welcome.bin",
    ] {
        inputs.push(std::fs::read(format!("{dir}/{name}")).unwrap());
    }
    let unlimited = DissectLimits {
        max_input: usize::MAX,
        max_fields: usize::MAX,
    };
    for bytes in &inputs {
        let full = dissect_limited(bytes, None, &unlimited).unwrap();
        assert!(full.truncated.is_none());
        assert_eq!(full, dissect(bytes), "the default limit does not cut these");
        let all = shown_fields(&full);
        for max_fields in 0..=all.len() {
            let limits = DissectLimits {
                max_fields,
                ..unlimited
            };
            let cut = dissect_limited(bytes, None, &limits).unwrap();
            // Decoded and checked as a whole.
            assert_eq!(cut.kind, full.kind);
            assert_eq!(cut.summary, full.summary);
            assert_eq!(cut.error, full.error);
            assert_eq!(cut.signatures, full.signatures);
            let shown = shown_fields(&cut);
            for f in &shown {
                assert!(
                    all.contains(f),
                    "{max_fields}: {f:?} is not in the full tree"
                );
            }
            match cut.truncated {
                None => assert_eq!(shown, all, "{max_fields}"),
                Some(t) => {
                    assert_eq!(t.shown, shown.len());
                    // Details count against the limit too (past it: ancestors only).
                    assert!(shown.len() <= max_fields + 64, "{max_fields}");
                    // Decoded fields left out are counted; the details of
                    // fields left out are never made.
                    assert!(t.shown + t.omitted <= all.len(), "{max_fields}");
                    assert_eq!(
                        decoded_fields(&cut) + t.omitted,
                        decoded_fields(&full),
                        "{max_fields}"
                    );
                    let markers = cut
                        .all_fields()
                        .into_iter()
                        .filter(|f| f.is_omitted_marker())
                        .count();
                    assert!(markers > 0 || t.details > 0);
                }
            }
        }
    }
}

#[test]
fn an_input_over_the_size_limit_is_refused_without_decoding() {
    let bytes = private_message();
    let limits = DissectLimits {
        max_input: bytes.len() - 1,
        ..DissectLimits::default()
    };
    let e = dissect_limited(&bytes, None, &limits).unwrap_err();
    assert_eq!(
        e,
        TooLarge {
            len: bytes.len(),
            max: bytes.len() - 1
        }
    );
    assert!(
        e.to_string().starts_with("not decoded: the input is"),
        "{e}"
    );
    let limits = DissectLimits {
        max_input: bytes.len(),
        ..DissectLimits::default()
    };
    assert_eq!(
        dissect_limited(&bytes, None, &limits).unwrap(),
        dissect(&bytes)
    );
    assert_eq!(parse_size("64MiB"), Ok(DissectLimits::DEFAULT_MAX_INPUT));
    assert_eq!(parse_size("1k"), Ok(1024));
    assert_eq!(parse_size("12"), Ok(12));
    assert!(parse_size("12 parsecs").is_err());
    assert_eq!(size_text(DissectLimits::DEFAULT_MAX_INPUT), "64 MiB");
}

#[test]
fn signatures_have_three_states() {
    use crate::codec::Encode;
    use crate::crypto::CipherSuite;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let kp = crate::test_utils::groups::member(cs, "alice").key_package;
    let bytes = MlsMessage::new(MlsMessageBody::KeyPackage(kp.clone()))
        .to_bytes()
        .unwrap();
    let d = dissect(&bytes);
    assert_eq!(d.signatures.len(), 2);
    assert!(
        d.signatures.iter().all(SignatureCheck::verified),
        "{:?}",
        d.signatures
    );

    // A flipped signature byte: checked and failed, with the reason.
    let mut bad = kp.clone();
    let last = bad.signature.0.len() - 1;
    bad.signature.0[last] ^= 1;
    let bytes = MlsMessage::new(MlsMessageBody::KeyPackage(bad))
        .to_bytes()
        .unwrap();
    let d = dissect(&bytes);
    let kp_sig = &d.signatures[0];
    assert!(
        matches!(kp_sig.outcome, SignatureOutcome::Failed(_)),
        "{kp_sig:?}"
    );
    assert_eq!((kp_sig.mark(), kp_sig.status()), ("✖", "failed"));
    // The leaf's own signature is untouched and still verifies.
    assert!(d.signatures[1].verified());

    // A bare LeafNode from a commit or update names the group: not checkable.
    let mut leaf = kp.leaf_node.clone();
    leaf.leaf_node_source = crate::messages::LeafNodeSource::Update;
    let d = dissect_as(&leaf.to_bytes().unwrap(), MessageKind::LeafNode);
    let s = &d.signatures[0];
    assert!(
        matches!(s.outcome, SignatureOutcome::NotCheckable(_)),
        "{s:?}"
    );
    assert_eq!((s.mark(), s.status()), ("?", "not checkable"));
    assert!(s.reason().unwrap().contains("load the group"));
}
