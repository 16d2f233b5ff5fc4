#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: valid.

use super::*;

// ---------------------------------------------------------------- valid

#[test]
fn valid_chain_p256_suite2() {
    assert_valid(&chain(Kind::P256), S2);
}

#[test]
fn valid_chain_ed25519_suites_1_and_3() {
    let c = chain(Kind::Ed25519);
    assert_valid(&c, S1);
    assert_valid(&c, S3);
}

#[test]
fn valid_chain_p384_suite7() {
    assert_valid(&chain(Kind::P384), S7);
}

#[test]
fn valid_chain_p521_suite5() {
    assert_valid(&chain(Kind::P521), S5);
}

#[test]
fn valid_chain_ed448_suites_4_and_6() {
    let c = chain(Kind::Ed448);
    assert_valid(&c, S4);
    assert_valid(&c, S6);
}

#[test]
fn p256_leaf_signed_with_sha384_by_p384_ca() {
    // P-384 root → P-384 intermediate signs the P-256 leaf with
    // ecdsa-with-SHA384 (the default for a P-384 issuer).
    let c = chain_of(Kind::P384, Kind::P384, Kind::P256, certgen::leaf(LEAF_DN));
    let (_, leaf) = x509_parser::parse_x509_certificate(&c.leaf.der).unwrap();
    assert_eq!(
        leaf.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.3"
    );
    assert_valid(&c, S2);
}

#[test]
fn hash_follows_the_signature_oid_not_the_curve() {
    // A P-256 CA signing with SHA-512 and a P-521 CA signing with SHA-256.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.hash = Some(Hash::Sha512);
    assert_valid(&chain_of(Kind::P256, Kind::P256, Kind::P256, spec), S2);
    let mut spec = certgen::leaf(LEAF_DN);
    spec.hash = Some(Hash::Sha256);
    assert_valid(&chain_of(Kind::P521, Kind::P521, Kind::P384, spec), S7);
}

#[test]
fn mixed_algorithms_along_the_chain() {
    assert_valid(
        &chain_of(
            Kind::Ed448,
            Kind::P521,
            Kind::Ed25519,
            certgen::leaf(LEAF_DN),
        ),
        S1,
    );
    assert_valid(
        &chain_of(
            Kind::Ed25519,
            Kind::P256,
            Kind::P384,
            certgen::leaf(LEAF_DN),
        ),
        S7,
    );
}

#[test]
fn leaf_directly_under_root_and_chain_including_root() {
    let c = chain(Kind::P256);
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf2"),
        Some(&c.root),
    );
    let p = c.provider();
    let key = leaf.key.public();
    p.validate(S2, &x509(&[&leaf]), &key, NOW).unwrap();
    // The root itself may be sent; anything after it is ignored.
    p.validate(S2, &x509(&[&leaf, &c.root]), &key, NOW).unwrap();
    p.validate(
        S2,
        &x509(&[&c.leaf, &c.inter, &c.root]),
        &c.leaf.key.public(),
        NOW,
    )
    .unwrap();
    p.validate(
        S2,
        &x509_ders(&[
            c.leaf.der.clone(),
            c.inter.der.clone(),
            c.root.der.clone(),
            vec![0x30, 0x00],
        ])
        .clone(),
        &c.leaf.key.public(),
        NOW,
    )
    .unwrap_err(); // every certificate is parsed, even after the root
}

#[test]
fn compressed_ec_point_in_certificate_matches_uncompressed_leaf_key() {
    let key = TestKey::new(Kind::P256, "leaf");
    let mut spec = certgen::leaf(LEAF_DN);
    spec.spki = Some(key.spki_with(&key.public_compressed()));
    let c = chain_of(Kind::P256, Kind::P256, Kind::P256, spec);
    assert_valid(&c, S2);
}

#[test]
fn identity_without_common_name_is_the_dn() {
    let c = chain_of(
        Kind::P256,
        Kind::P256,
        Kind::P256,
        certgen::leaf("O=MLS Inspector Tests,OU=Devices"),
    );
    let id = c.validate(S2).unwrap();
    assert_eq!(id.name, "OU=Devices, O=MLS Inspector Tests");
}
