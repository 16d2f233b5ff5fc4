//! Tests of the details the dissector breaks fields down into, checked
//! against the strictly decoded structures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::codec::{Encode, VlBytes};
use crate::crypto::CipherSuite;
use crate::messages::{
    Credential, EXT_APPLICATION_ID, EXT_EXTERNAL_PUB, EXT_EXTERNAL_SENDERS, EXT_RATCHET_TREE,
    EXT_REQUIRED_CAPABILITIES, Extension, ExternalPub, ExternalSender, Node, RequiredCapabilities,
};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn example(name: &str) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/examples");
    std::fs::read(format!("{dir}/{name}")).unwrap()
}

fn field<'a>(d: &'a Dissection, path: &str) -> &'a Field {
    d.field_by_path(path).unwrap_or_else(|| {
        let paths: Vec<_> = d.all_fields().iter().map(|f| f.path.clone()).collect();
        panic!("no field {path} in {paths:#?}")
    })
}

/// The bytes a field covers.
fn bytes_of<'a>(bytes: &'a [u8], f: &Field) -> &'a [u8] {
    &bytes[f.start..f.end]
}

/// The elements (`[i]`) of a vector field.
fn elements(f: &Field) -> Vec<&Field> {
    f.children
        .iter()
        .filter(|c| c.label.starts_with('['))
        .collect()
}

fn group_info_of(bytes: &[u8]) -> GroupInfo {
    match MlsMessage::decode_exact(bytes).unwrap().body {
        MlsMessageBody::GroupInfo(g) => g,
        _ => panic!("not a GroupInfo"),
    }
}

fn identity(c: &Credential) -> String {
    match c {
        Credential::Basic { identity } => String::from_utf8(identity.0.clone()).unwrap(),
        other => panic!("not basic: {other:?}"),
    }
}

#[test]
fn the_ratchet_tree_extension_is_dissected_node_by_node() {
    let bytes = example("group-info.bin");
    let info = group_info_of(&bytes);
    let k = info
        .extensions
        .iter()
        .position(|e| e.extension_type == EXT_RATCHET_TREE)
        .expect("group-info.bin has a ratchet tree");
    let tree = RatchetTree::decode_exact(&info.extensions[k].extension_data.0).unwrap();
    let d = dissect(&bytes);
    assert!(d.ok(), "{:?}", d.error);
    let data_path = format!("group_info.extensions[{k}].extension_data");
    let data = field(&d, &data_path);
    let rt = field(&d, &format!("{data_path}.ratchet_tree"));
    // Inside the extension's data, in the input's offsets.
    assert!(data.start < rt.start && rt.end == data.end);
    assert_eq!(
        &bytes[rt.start..rt.end],
        tree.to_bytes().unwrap().as_slice()
    );
    assert_eq!(elements(rt).len(), tree.0.len());
    let (mut leaves, mut parents) = (0, 0);
    for (i, node) in tree.0.iter().enumerate() {
        let at = format!("{data_path}.ratchet_tree[{i}]");
        match node {
            None => assert_eq!(field(&d, &at).value.as_deref(), Some("0")),
            Some(Node::Leaf(leaf)) => {
                leaves += 1;
                assert_eq!(
                    field(&d, &format!("{at}.node_type")).value.as_deref(),
                    Some("1 (leaf)")
                );
                let id = field(&d, &format!("{at}.leaf_node.credential.identity"));
                assert_eq!(
                    id.text.as_deref(),
                    Some(identity(&leaf.credential).as_str())
                );
                let key = field(&d, &format!("{at}.leaf_node.encryption_key"));
                assert!(bytes_of(&bytes, key).ends_with(&leaf.encryption_key.0));
                // A click on the key's last byte selects the key.
                assert_eq!(d.field_at(key.end - 1).unwrap().path, key.path);
            }
            Some(Node::Parent(parent)) => {
                parents += 1;
                let key = field(&d, &format!("{at}.parent_node.encryption_key"));
                assert!(bytes_of(&bytes, key).ends_with(&parent.encryption_key.0));
            }
        }
    }
    assert!(
        leaves >= 3 && parents >= 1,
        "{leaves} leaves, {parents} parents"
    );
}

/// group-info.bin with more extensions in its group context and its own
/// list, and a malformed one (the signature no longer verifies; the
/// dissector shows it, but the structure is what is tested here).
fn group_info_with_extensions(extra: Vec<Extension>) -> (GroupInfo, Vec<u8>) {
    let mut info = group_info_of(&example("group-info.bin"));
    info.group_context.extensions.extend(extra);
    let bytes = MlsMessage::new(MlsMessageBody::GroupInfo(info.clone()))
        .to_bytes()
        .unwrap();
    (info, bytes)
}

#[test]
fn group_context_extensions_are_dissected_and_a_malformed_one_stays_local() {
    let required = RequiredCapabilities {
        extension_types: vec![EXT_EXTERNAL_SENDERS],
        proposal_types: vec![],
        credential_types: vec![1, 2],
    };
    let sender = ExternalSender {
        signature_key: VlBytes(vec![0xab; 32]),
        credential: crate::test_utils::groups::credential("delivery-service"),
    };
    let external_pub = ExternalPub {
        external_pub: VlBytes(vec![0x42; 32]),
    };
    let extra = vec![
        Extension::new(EXT_REQUIRED_CAPABILITIES, &required).unwrap(),
        Extension::new(EXT_EXTERNAL_SENDERS, &vec![sender.clone()]).unwrap(),
        Extension::new(EXT_EXTERNAL_PUB, &external_pub).unwrap(),
        // A ratchet tree whose vector claims 5 bytes but holds 1.
        Extension {
            extension_type: EXT_RATCHET_TREE,
            extension_data: VlBytes(vec![0x05, 0x00]),
        },
        Extension {
            extension_type: 0x7a7a,
            extension_data: VlBytes(vec![1, 2, 3]),
        },
    ];
    let (info, bytes) = group_info_with_extensions(extra);
    let d = dissect(&bytes);
    assert!(
        d.ok(),
        "a malformed extension body fails no message: {:?}",
        d.error
    );
    let exts = &info.group_context.extensions;
    let base = exts.len() - 5;
    let at = |i: usize| {
        format!(
            "group_info.group_context.extensions[{}].extension_data",
            base + i
        )
    };

    // required_capabilities: the three lists, named.
    let rc = format!("{}.required_capabilities", at(0));
    let types = field(&d, &format!("{rc}.extension_types"));
    assert_eq!(elements(types).len(), required.extension_types.len());
    assert_eq!(
        field(&d, &format!("{rc}.extension_types[0]"))
            .value
            .as_deref(),
        Some("5 (external_senders)")
    );
    let creds = field(&d, &format!("{rc}.credential_types"));
    let values: Vec<_> = elements(creds)
        .iter()
        .map(|c| c.value.clone().unwrap())
        .collect();
    assert_eq!(values, ["1 (basic)", "2 (x509)"]);

    // external_senders: the key and the credential of each.
    let es = format!("{}.external_senders[0]", at(1));
    let key = field(&d, &format!("{es}.signature_key"));
    assert!(bytes_of(&bytes, key).ends_with(&sender.signature_key.0));
    assert_eq!(
        field(&d, &format!("{es}.credential.identity"))
            .text
            .as_deref(),
        Some("delivery-service")
    );

    // external_pub: the key.
    let key = field(&d, &format!("{}.external_pub", at(2)));
    assert!(bytes_of(&bytes, key).ends_with(&external_pub.external_pub.0));

    // The malformed ratchet tree: an error node there, with its offset in
    // the input, and nothing else marked.
    let bad = field(&d, &at(3));
    let errors: Vec<_> = bad
        .walk()
        .into_iter()
        .filter(|f| f.label == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{bad:#?}");
    let data_start = bad.end - 2;
    assert_eq!(errors[0].start, data_start, "the vector's header");
    assert!(errors[0].error.as_ref().unwrap().contains(&at(3)));
    let marked = d
        .all_fields()
        .into_iter()
        .filter(|f| f.error.is_some())
        .count();
    assert_eq!(
        marked,
        bad.walk().iter().filter(|f| f.error.is_some()).count()
    );

    // An unknown type stays a blob.
    let unknown = field(&d, &at(4));
    assert!(unknown.children.iter().all(|c| c.label == "length"));
    assert_eq!(unknown.value.as_deref(), Some("010203"));
}

#[test]
fn key_package_extensions_are_dissected() {
    let mut kp = crate::test_utils::groups::member(CS, "alice").key_package;
    kp.extensions = vec![
        Extension::new(EXT_APPLICATION_ID, &VlBytes(b"app-7".to_vec())).unwrap(),
        Extension {
            extension_type: EXT_LAST_RESORT,
            extension_data: VlBytes::default(),
        },
    ];
    let bytes = MlsMessage::new(MlsMessageBody::KeyPackage(kp))
        .to_bytes()
        .unwrap();
    let d = dissect(&bytes);
    assert!(d.ok(), "{:?}", d.error);
    let app = field(
        &d,
        "key_package.extensions[0].extension_data.application_id",
    );
    assert_eq!(app.text.as_deref(), Some("app-7"));
    assert!(bytes_of(&bytes, app).ends_with(b"app-7"));
    assert_eq!(
        field(&d, "key_package.extensions[1].extension_type")
            .value
            .as_deref(),
        Some("10 (last_resort)")
    );
    let last = field(&d, "key_package.extensions[1].extension_data");
    assert!(last.children.iter().all(|c| c.label == "length"));
    assert!(last.walk().iter().all(|f| f.error.is_none()));
}

/// The size of the varint header of a length (RFC 9420 §2.1.2), computed
/// here from the length alone.
fn header_size(len: usize) -> usize {
    match len {
        0..64 => 1,
        64..16_384 => 2,
        _ => 4,
    }
}

/// Checks the `length` child of `f` declares `content_len` bytes and
/// covers exactly its header, and that a click on the header selects it.
fn check_length(d: &Dissection, f: &Field, content_len: usize) {
    let len = f
        .children
        .first()
        .filter(|c| c.label == "length")
        .unwrap_or_else(|| panic!("{} has no length child: {f:#?}", f.path));
    assert_eq!(len.type_name, "varint");
    assert_eq!(len.path, format!("{}.length", f.path));
    assert_eq!(len.value.as_deref(), Some(content_len.to_string().as_str()));
    assert_eq!(
        (len.start, len.end),
        (f.start, f.start + header_size(content_len)),
        "{}",
        f.path
    );
    assert_eq!(f.end - len.end, content_len, "{}", f.path);
    for b in len.start..len.end {
        assert_eq!(d.field_at(b).unwrap().path, len.path);
    }
}

#[test]
fn length_headers_are_their_own_nodes() {
    let bytes = example("key-package.bin");
    let kp = match MlsMessage::decode_exact(&bytes).unwrap().body {
        MlsMessageBody::KeyPackage(kp) => kp,
        _ => panic!("not a KeyPackage"),
    };
    let d = dissect(&bytes);
    assert!(d.ok(), "{:?}", d.error);
    let at = |p: &str| field(&d, &format!("key_package.{p}"));
    // opaque<V>: from the decoded byte strings.
    check_length(&d, at("init_key"), kp.init_key.0.len());
    check_length(&d, at("signature"), kp.signature.0.len());
    check_length(
        &d,
        at("leaf_node.signature_key"),
        kp.leaf_node.signature_key.0.len(),
    );
    check_length(
        &d,
        at("leaf_node.credential.identity"),
        match &kp.leaf_node.credential {
            Credential::Basic { identity } => identity.0.len(),
            other => panic!("{other:?}"),
        },
    );
    // Vectors: from the encoded size of their elements.
    let caps = &kp.leaf_node.capabilities;
    check_length(
        &d,
        at("leaf_node.capabilities.cipher_suites"),
        2 * caps.cipher_suites.len(),
    );
    check_length(
        &d,
        at("leaf_node.capabilities.versions"),
        2 * caps.versions.len(),
    );
    let exts: usize = kp
        .extensions
        .iter()
        .map(|e| e.to_bytes().unwrap().len())
        .sum();
    check_length(&d, at("extensions"), exts);

    // Every byte string and vector of every example has its length node.
    for name in [
        "commit-public.bin",
        "group-info.bin",
        "key-package.bin",
        "welcome.bin",
        "application-private.bin",
    ] {
        let bytes = example(name);
        let d = dissect(&bytes);
        let mut checked = 0;
        for f in d.all_fields() {
            if f.type_name == "opaque<V>" || f.type_name.starts_with("vector (") {
                let header = f.children.first().unwrap();
                check_length(&d, f, f.end - header.end);
                checked += 1;
            }
        }
        assert!(checked > 3, "{name}: {checked}");
    }
}

fn key_package_bytes(kp: crate::messages::KeyPackage) -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::KeyPackage(kp))
        .to_bytes()
        .unwrap()
}

#[test]
fn key_package_lifetimes_are_utc_dates_marked_against_now() {
    use crate::messages::{LeafNodeSource, Lifetime};
    // Dates worked out by hand (`date -u -d @N`); "now" is after 2023
    // and before 2100.
    let cases = [
        (
            1_600_000_000,
            1_700_000_000,
            "1600000000 (2020-09-13 12:26:40 UTC)",
            "1700000000 (2023-11-14 22:13:20 UTC, expired)",
        ),
        (
            4_102_444_800,
            4_133_980_800,
            "4102444800 (2100-01-01 00:00:00 UTC, not yet valid)",
            "4133980800 (2101-01-01 00:00:00 UTC)",
        ),
        (
            0,
            u64::MAX,
            "0 (1970-01-01 00:00:00 UTC)",
            "18446744073709551615 (after the year 9999)",
        ),
    ];
    for (not_before, not_after, before_text, after_text) in cases {
        let mut kp = crate::test_utils::groups::member(CS, "alice").key_package;
        kp.leaf_node.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
            not_before,
            not_after,
        });
        let bytes = key_package_bytes(kp);
        let d = dissect(&bytes);
        assert!(d.ok(), "{:?}", d.error);
        let nb = field(&d, "key_package.leaf_node.lifetime.not_before");
        let na = field(&d, "key_package.leaf_node.lifetime.not_after");
        assert_eq!(nb.value.as_deref(), Some(before_text));
        assert_eq!(na.value.as_deref(), Some(after_text));
        assert_eq!(bytes_of(&bytes, nb), not_before.to_be_bytes());
        assert_eq!(bytes_of(&bytes, na), not_after.to_be_bytes());
    }
}

#[test]
fn basic_identities_are_text_even_when_not_printable() {
    let mut kp = crate::test_utils::groups::member(CS, "alice").key_package;
    let raw = b"bob\x00\xff".to_vec();
    kp.leaf_node.credential = Credential::Basic {
        identity: VlBytes(raw.clone()),
    };
    let bytes = key_package_bytes(kp);
    let d = dissect(&bytes);
    let id = field(&d, "key_package.leaf_node.credential.identity");
    assert_eq!(id.text.as_deref(), Some("bob\u{0}\u{fffd}"));
    assert_eq!(id.value.as_deref(), Some(hex::encode(&raw).as_str()));
}

#[test]
fn x509_chains_show_each_certificate() {
    use crate::messages::Certificate;
    use crate::test_utils::certgen::{self, Kind, TestKey, issue};
    use x509_cert::der::Encode as _;
    let root = issue(
        &certgen::ca("CN=Test Root,O=Example"),
        TestKey::new(Kind::P256, "root"),
        None,
    );
    let mut spec = certgen::leaf("CN=alice,O=Example");
    spec.not_before = 4_102_444_800;
    spec.not_after = 4_133_980_800;
    let leaf = issue(&spec, TestKey::new(Kind::Ed25519, "leaf"), Some(&root));
    let mut kp = crate::test_utils::groups::member(CS, "alice").key_package;
    kp.leaf_node.credential = Credential::X509 {
        certificates: vec![
            Certificate {
                cert_data: VlBytes(leaf.der.clone()),
            },
            Certificate {
                cert_data: VlBytes(root.der.clone()),
            },
        ],
    };
    let bytes = key_package_bytes(kp);
    let d = dissect(&bytes);
    assert!(d.ok(), "{:?}", d.error);
    let chain = "key_package.leaf_node.credential.certificates";
    // (der, subject, issuer, algorithm, not_before, not_after)
    let expected = [
        (
            &leaf,
            &root,
            "Ed25519",
            "4102444800 (2100-01-01 00:00:00 UTC, not yet valid)",
            "4133980800 (2101-01-01 00:00:00 UTC)",
        ),
        (
            &root,
            &root,
            "ECDSA P-256",
            "1700000000 (2023-11-14 22:13:20 UTC)",
            "2000000000 (2033-05-18 03:33:20 UTC)",
        ),
    ];
    for (i, (cert, issuer, algorithm, not_before, not_after)) in expected.into_iter().enumerate() {
        let at = |p: &str| field(&d, &format!("{chain}[{i}].cert_data.{p}"));
        let data = field(&d, &format!("{chain}[{i}].cert_data"));
        assert!(bytes_of(&bytes, data).ends_with(&cert.der));
        // Subject and issuer: their DER, as the issuing side encoded it.
        let subject = at("subject");
        assert_eq!(bytes_of(&bytes, subject), cert.name.to_der().unwrap());
        assert_eq!(
            bytes_of(&bytes, at("issuer")),
            issuer.name.to_der().unwrap()
        );
        assert!(subject.value.as_ref().unwrap().contains("Example"));
        let cn = if i == 0 { "alice" } else { "Test Root" };
        assert!(subject.value.as_ref().unwrap().contains(cn));
        assert!(at("issuer").value.as_ref().unwrap().contains("Test Root"));
        assert_eq!(at("public_key_algorithm").value.as_deref(), Some(algorithm));
        assert_eq!(at("not_before").value.as_deref(), Some(not_before));
        assert_eq!(at("not_after").value.as_deref(), Some(not_after));
        // UTCTime or GeneralizedTime elements.
        for t in ["not_before", "not_after"] {
            let tag = bytes_of(&bytes, at(t))[0];
            assert!(tag == 0x17 || tag == 0x18, "{t}: tag {tag:#x}");
        }
        assert_eq!(d.field_at(subject.start).unwrap().path, subject.path);
        assert!(at("subject").detail);
    }
}

/// A leaf node holding a ratchet tree extension whose one leaf holds one,
/// `depth` times.
fn nested_leaf(depth: usize) -> crate::messages::LeafNode {
    let mut leaf = crate::test_utils::groups::member(CS, "alice")
        .key_package
        .leaf_node;
    let inner = leaf.clone();
    for _ in 0..depth {
        let tree = RatchetTree(vec![Some(Node::leaf(leaf.clone()))]);
        let mut outer = inner.clone();
        outer.extensions = vec![Extension::new(EXT_RATCHET_TREE, &tree).unwrap()];
        leaf = outer;
    }
    leaf
}

#[test]
fn extensions_in_extensions_are_dissected_to_a_bounded_depth() {
    let bytes = nested_leaf(7).to_bytes().unwrap();
    let d = dissect_as(&bytes, MessageKind::LeafNode);
    assert!(d.ok(), "{:?}", d.error);
    let data: Vec<_> = d
        .all_fields()
        .into_iter()
        .filter(|f| f.label == "extension_data")
        .collect();
    let dissected = data
        .iter()
        .filter(|f| f.children.iter().any(|c| c.label == "ratchet_tree"))
        .count();
    // Seven nested extensions, of which the outer four are dissected: the
    // fifth is a blob inside the fourth, and what it holds is not in the
    // tree (a hostile nesting cannot recurse without bound).
    assert_eq!(dissected, 4);
    assert_eq!(data.len(), 5);
    let blob = data.last().unwrap();
    assert!(
        blob.children.iter().all(|c| c.label == "length"),
        "{blob:#?}"
    );
}

#[test]
fn details_stay_within_the_field_limit() {
    // A leaf whose ratchet tree extension holds 200 leaves (thousands of
    // fields, most of them details).
    let leaf = crate::test_utils::groups::member(CS, "alice")
        .key_package
        .leaf_node;
    let mut nodes = Vec::new();
    for _ in 0..200 {
        nodes.push(Some(Node::leaf(leaf.clone())));
        nodes.push(None);
    }
    nodes.pop();
    let mut outer = leaf.clone();
    outer.extensions = vec![Extension::new(EXT_RATCHET_TREE, &RatchetTree(nodes)).unwrap()];
    let bytes = outer.to_bytes().unwrap();
    let unlimited = DissectLimits {
        max_input: usize::MAX,
        max_fields: usize::MAX,
    };
    let full = dissect_limited(&bytes, Some(MessageKind::LeafNode), &unlimited).unwrap();
    let all = full.all_fields().len();
    assert!(all > 5_000, "{all}");
    for max_fields in [0, 10, 100, 1_000, 5_000] {
        let limits = DissectLimits {
            max_fields,
            ..unlimited
        };
        let d = dissect_limited(&bytes, Some(MessageKind::LeafNode), &limits).unwrap();
        let shown = d.all_fields().len();
        assert!(shown <= max_fields + 64, "{max_fields}: {shown}");
        let t = d.truncated.expect("cut");
        if max_fields >= 100 {
            // The leaf's own fields fit; the extension's do not all.
            assert_eq!(t.omitted, 0, "{max_fields}: {t:?}");
            assert!(t.details > 0, "{max_fields}: {t:?}");
            assert!(t.to_string().contains("not broken down"), "{t}");
        }
    }
}
