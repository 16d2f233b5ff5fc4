#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn varint_headers_round_trip_at_every_boundary() {
    for len in [
        0usize,
        1,
        0x3f,
        0x40,
        0x3fff,
        0x4000,
        0xbeef,
        MAX_VECTOR_LENGTH,
    ] {
        let mut w = Writer::new();
        w.varint_length(len).unwrap();
        let bytes = w.into_bytes();
        assert_eq!(Some(bytes.len()), varint_header_len(len), "len {len}");
        assert_eq!(decode_vector_header(&bytes).unwrap(), (len, bytes.len()));
    }
}

#[test]
fn over_long_length_is_not_encodable() {
    let mut w = Writer::new();
    assert_eq!(
        w.varint_length(MAX_VECTOR_LENGTH + 1),
        Err(EncodeError {
            length: MAX_VECTOR_LENGTH + 1
        })
    );
}

#[test]
fn reserved_prefix_is_rejected_with_offset() {
    let err = decode_vector_header(&[0xc0, 0, 0, 0, 0, 0, 0, 1]).unwrap_err();
    assert_eq!(err.offset, 0);
    assert!(matches!(
        err.kind,
        DecodeErrorKind::InvalidVarintPrefix { first: 0xc0 }
    ));
}

#[test]
fn non_minimal_headers_are_rejected() {
    // 37 in two bytes, 5 in four bytes.
    for bad in [&[0x40u8, 0x25][..], &[0x80, 0, 0, 5]] {
        let err = decode_vector_header(bad).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::NonMinimalVarint, "{bad:02x?}");
    }
}

#[test]
fn truncated_header_names_what_is_missing() {
    let err = decode_vector_header(&[0x80, 0x01]).unwrap_err();
    assert_eq!(
        err.kind,
        DecodeErrorKind::Truncated {
            needed: 4,
            available: 2
        }
    );
    let err = decode_vector_header(&[]).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::Truncated { .. }));
}

#[test]
fn vector_longer_than_input_is_rejected_before_allocating() {
    // Declares 2^30-1 bytes but carries 3.
    let input = [0xbf, 0xff, 0xff, 0xff, 1, 2, 3];
    let mut r = Reader::new(&input);
    let err = r.field("data", |r| r.vl_bytes()).unwrap_err();
    assert_eq!(err.offset, 0);
    assert_eq!(err.path, "data");
    assert_eq!(
        err.kind,
        DecodeErrorKind::LengthPastInput {
            length: MAX_VECTOR_LENGTH as u64,
            available: 3
        }
    );
}

#[test]
fn nested_vectors_are_bounded_and_paths_name_the_element() {
    // outer<V> = [ inner<V>=[1,2], inner<V>=[claims 5 bytes but outer ends] ]
    let input = [0x06, 0x02, 1, 2, 0x05, 9, 9, 9];
    let mut r = Reader::new(&input);
    let err = r
        .field("outer", |r| {
            r.vl_vec(|r| r.field("inner", |r| r.vl_bytes().map(<[u8]>::to_vec)))
        })
        .unwrap_err();
    assert_eq!(err.path, "outer[1].inner");
    assert_eq!(err.offset, 4);
    assert_eq!(
        err.kind,
        DecodeErrorKind::LengthPastInput {
            length: 5,
            available: 2
        }
    );
}

#[test]
fn spans_cover_fields_and_elements() {
    let input = [0x00, 0x07, 0x04, 0x01, 0xaa, 0x01, 0xbb];
    let mut r = Reader::with_spans(&input);
    let a = r.field("a", |r| r.u16()).unwrap();
    let items = r
        .field("items", |r| r.vl_vec(|r| r.field("item", |r| r.vl_bytes())))
        .unwrap();
    r.finish().unwrap();
    assert_eq!(a, 7);
    assert_eq!(items, vec![&[0xaa][..], &[0xbb][..]]);
    let spans = r.take_spans();
    let paths = span_paths(&spans);
    let find = |p: &str| {
        spans
            .iter()
            .zip(&paths)
            .find(|(_, path)| *path == p)
            .map(|(s, _)| (s.start, s.end))
    };
    assert_eq!(find("a"), Some((0, 2)));
    assert_eq!(find("items"), Some((2, 7)));
    assert_eq!(find("items[0]"), Some((3, 5)));
    assert_eq!(find("items[1].item"), Some((5, 7)));
}

#[test]
fn optional_rejects_bad_presence_byte() {
    let mut r = Reader::new(&[2]);
    let err = r.optional(|r| r.u8()).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::InvalidValue(_)));
    assert_eq!(Reader::new(&[0]).optional(|r| r.u8()).unwrap(), None);
    assert_eq!(Reader::new(&[1, 9]).optional(|r| r.u8()).unwrap(), Some(9));
}

#[test]
fn trailing_bytes_are_reported() {
    let err = u16::decode_exact(&[0, 1, 2]).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::TrailingBytes { count: 1 });
    assert_eq!(err.offset, 2);
}

#[test]
fn agrees_with_tls_codec_on_every_one_and_two_byte_header() {
    use tls_codec::DeserializeBytes;
    for first in 0u8..=0xff {
        for second in [0u8, 1, 0x3f, 0x40, 0xff] {
            let input = [first, second, 0, 0];
            let ours = Reader::new(&input).varint_length().ok();
            let theirs = tls_codec::TlsVarInt::tls_deserialize_bytes(&input)
                .ok()
                .and_then(|(v, _)| usize::try_from(v.value()).ok())
                .filter(|v| *v <= MAX_VECTOR_LENGTH);
            assert_eq!(ours, theirs, "{input:02x?}");
        }
    }
}

#[test]
fn writer_nested_and_optional() {
    let mut w = Writer::new();
    w.vl_nested(|w| {
        w.u16(1);
        w.optional(Some(&3u8), |w, v| {
            w.u8(*v);
            Ok(())
        })
    })
    .unwrap();
    assert_eq!(w.as_bytes(), &[4, 0, 1, 1, 3]);
}

#[test]
fn spans_mark_leaves_with_how_they_were_read() {
    let input = [
        0x00, 0x07, 0x02, 0xaa, 0xbb, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00,
    ];
    let mut r = Reader::with_spans(&input);
    r.field("a", |r| r.u16()).unwrap();
    r.field("b", |r| r.vl_bytes()).unwrap();
    r.field("list", |r| r.vl_vec(|r| r.u16())).unwrap();
    r.field("maybe", |r| r.optional(|r| r.u8())).unwrap();
    r.finish().unwrap();
    let spans = r.take_spans();
    let paths = span_paths(&spans);
    let leaf = |p: &str| {
        spans
            .iter()
            .zip(&paths)
            .find(|(_, path)| *path == p)
            .map(|(s, _)| s.leaf)
    };
    assert_eq!(leaf("a"), Some(Some(LeafKind::Uint(2))));
    assert_eq!(leaf("b"), Some(Some(LeafKind::VlBytes { header: 1 })));
    assert_eq!(
        leaf("list"),
        Some(None),
        "a vector has children, it is no leaf"
    );
    assert_eq!(leaf("list[1]"), Some(Some(LeafKind::Uint(2))));
    assert_eq!(
        leaf("maybe"),
        Some(Some(LeafKind::Uint(1))),
        "an absent optional is its presence byte"
    );
}

#[test]
fn span_limit_keeps_the_first_fields_their_ancestors_and_a_marker() {
    // `list` holds ten one-byte elements, then `b` follows.
    let mut input = vec![0x0a];
    input.extend(1..=10u8);
    input.extend([0x00, 0x05]);
    let decode = |r: &mut Reader<'_>| {
        let list = r.field("outer", |r| r.field("list", |r| r.vl_vec(|r| r.u8())))?;
        let b = r.field("b", |r| r.u16())?;
        r.finish()?;
        Ok::<_, DecodeError>((list, b))
    };
    let mut all = Reader::with_spans(&input);
    let full = decode(&mut all).unwrap();
    let all_spans = all.take_spans();
    assert_eq!(all.spans_omitted(), 0);
    assert_eq!(all_spans.len(), 13);

    let mut r = Reader::with_span_limit(&input, 3);
    // Decoding is unchanged: every element is still read and checked.
    assert_eq!(decode(&mut r).unwrap(), full);
    assert_eq!(r.spans_omitted(), 8, "7 elements and `b`");
    let spans = r.take_spans();
    let paths = span_paths(&spans);
    let shown: Vec<(&str, usize, usize, usize, usize)> = spans
        .iter()
        .zip(&paths)
        .map(|(s, p)| (p.as_str(), s.start, s.end, s.omitted, s.omitted_direct))
        .collect();
    // The first three elements as recorded without a limit.
    for (i, (path, start, end, omitted, _)) in shown.iter().take(3).enumerate() {
        let s = &all_spans[i];
        assert_eq!((*start, *end, *omitted), (s.start, s.end, 0));
        assert_eq!(*path, span_paths(&all_spans)[i]);
    }
    assert_eq!(
        &shown[3..],
        &[
            // A marker for elements [3]..[9] inside `list`, then the
            // ancestors that were open, then one for `b` at the top.
            ("outer.list[3]", 4, 11, 7, 7),
            ("outer.list", 0, 11, 0, 0),
            ("outer", 0, 11, 0, 0),
            ("b", 11, 13, 1, 1),
        ]
    );
}

#[test]
fn decoding_charges_memory_and_refuses_past_the_budget() {
    // list<V> of 100 empty byte strings: 101 bytes on the wire, 100
    // `VlBytes` (24 bytes each) in memory, in a vector doubled to 128.
    let mut input = vec![0x40, 100];
    input.extend([0u8; 100]);
    let decode = |r: &mut Reader<'_>| r.field("list", Vec::<VlBytes>::decode);
    let mut r = Reader::new(&input);
    assert_eq!(decode(&mut r).unwrap().len(), 100);
    let element = std::mem::size_of::<VlBytes>();
    assert_eq!(r.held(), 128 * element);
    // Under the budget the capacity needs, refused where the vector grew
    // past it (from 64 to 128, both blocks held while it moves), naming the
    // field.
    let mut r = Reader::new(&input).with_budget(100 * element);
    let e = decode(&mut r).unwrap_err();
    assert_eq!(e.path, "list");
    assert_eq!(e.offset, 2 + 64);
    assert_eq!(
        e.kind,
        DecodeErrorKind::MemoryBudget {
            needed: (64 + 128) * element,
            budget: 100 * element
        }
    );
    // Byte strings are charged for their contents.
    let input = [0x05, 1, 2, 3, 4, 5];
    let mut r = Reader::new(&input).with_budget(4);
    assert!(matches!(
        VlBytes::decode(&mut r).unwrap_err().kind,
        DecodeErrorKind::MemoryBudget { needed: 5, .. }
    ));
    // The default budget is 4x the input plus a constant.
    assert_eq!(decode_budget(10), 40 + DECODE_BUDGET_BASE);
}
