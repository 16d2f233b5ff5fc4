#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: providers.

use super::*;

// ---------------------------------------------------------------- providers

#[test]
fn basic_provider_accepts_basic_only() {
    let p = BasicIdentityProvider;
    let id = p.validate(S1, &basic(b"alice"), &[], NOW).unwrap();
    assert_eq!(
        id,
        Identity {
            credential_type: CREDENTIAL_BASIC,
            name: "alice".into(),
            bytes: b"alice".to_vec()
        }
    );
    let id = p
        .validate(S1, &basic(&[0xff, 0x00, 0x41]), &[], NOW)
        .unwrap();
    assert_eq!(id.name, "ff0041");
    let id = p.validate(S1, &basic(b"line\nbreak"), &[], NOW).unwrap();
    assert_eq!(id.name, hex::encode(b"line\nbreak"));
    assert_eq!(
        p.validate(S1, &basic(b""), &[], NOW).unwrap().name,
        "(empty identity)"
    );

    let c = chain(Kind::Ed25519);
    let e = p
        .validate(S1, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeNotAllowed(2));
    assert_eq!(
        err_text(&e),
        "credential type 2 (x509) is not accepted by this identity provider"
    );
    let other = Credential::Other {
        credential_type: 0xf000,
        data: VlBytes(vec![1]),
    };
    let e = p.validate(S1, &other, &[], NOW).unwrap_err();
    assert_eq!(
        err_text(&e),
        "credential type 61440 (unknown) is not accepted by this identity provider"
    );
}

#[test]
fn basic_provider_successor() {
    let p = BasicIdentityProvider;
    p.valid_successor(&basic(b"alice"), &basic(b"alice"))
        .unwrap();
    let e = p
        .valid_successor(&basic(b"alice"), &basic(b"mallory"))
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::IdentityChanged {
            old: "alice".into(),
            new: "mallory".into()
        }
    );
    assert_eq!(
        err_text(&e),
        "the new credential names \"mallory\" but the old one \"alice\": not the same identity"
    );
    let c = chain(Kind::Ed25519);
    let e = p
        .valid_successor(&basic(b"alice"), &c.credential())
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeChanged { old: 1, new: 2 });
    assert_eq!(
        err_text(&e),
        "a member cannot change credential type: the old credential is basic (1), the new one \
         x509 (2)"
    );
}

#[test]
fn x509_provider_basic_policy() {
    let mut p = X509IdentityProvider::default();
    let e = p.validate(S1, &basic(b"alice"), &[], NOW).unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeNotAllowed(1));
    assert_eq!(
        err_text(&e),
        "credential type 1 (basic) is not accepted by this identity provider"
    );
    p.allow_basic = true;
    assert_eq!(
        p.validate(S1, &basic(b"alice"), &[], NOW).unwrap().name,
        "alice"
    );
    p.valid_successor(&basic(b"alice"), &basic(b"alice"))
        .unwrap();
}

#[test]
fn x509_provider_successor() {
    let c = chain(Kind::P256);
    let p = c.provider();
    // Renewed leaf: same subject, new key and validity.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.not_before = 1_740_000_000;
    let renewed = issue(&spec, TestKey::new(Kind::P256, "leaf-2025"), Some(&c.inter));
    let new = x509(&[&renewed, &c.inter]);
    p.validate(S2, &new, &renewed.key.public(), NOW).unwrap();
    p.valid_successor(&c.credential(), &new).unwrap();

    let bob = issue(
        &certgen::leaf("CN=bob@example.com,O=MLS Inspector Tests"),
        TestKey::new(Kind::P256, "bob"),
        Some(&c.inter),
    );
    let e = p
        .valid_successor(&c.credential(), &x509(&[&bob, &c.inter]))
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::IdentityChanged {
            old: "alice@example.com".into(),
            new: "bob@example.com".into()
        }
    );
    let e = p
        .valid_successor(&c.credential(), &basic(b"alice"))
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeChanged { old: 2, new: 1 });
    let e = p.valid_successor(&c.credential(), &x509(&[])).unwrap_err();
    assert_eq!(e, CredentialError::EmptyChain);
    let e = p
        .valid_successor(&c.credential(), &x509_ders(&[b"junk".to_vec()]))
        .unwrap_err();
    assert!(matches!(e, CredentialError::Malformed { .. }), "{e:?}");
}

#[test]
fn providers_are_object_safe() {
    let providers: Vec<Box<dyn IdentityProvider>> = vec![
        Box::new(BasicIdentityProvider),
        Box::new(X509IdentityProvider {
            roots: TrustRoots::new(),
            allow_basic: true,
        }),
    ];
    for p in &providers {
        p.validate(S2, &basic(b"x"), &[], NOW).unwrap();
    }
}

#[test]
fn time_formatting() {
    assert_eq!(fmt_time(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(fmt_time(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(fmt_time(-1), "1969-12-31 23:59:59 UTC");
    assert_eq!(fmt_time(253_402_300_799), "9999-12-31 23:59:59 UTC");
    assert_eq!(fmt_time(i64::MAX), format!("{} s since 1970", i64::MAX));
    assert_eq!(fmt_now(u64::MAX), format!("{} s since 1970", i64::MAX));
}
