#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: structure.

use super::*;

// ---------------------------------------------------------------- structure

#[test]
fn empty_and_overlong_chains() {
    let c = chain(Kind::P256);
    let p = c.provider();
    let e = p
        .validate(S2, &x509(&[]), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::EmptyChain);
    assert_eq!(
        err_text(&e),
        "the X.509 credential has an empty certificate chain"
    );
    let long = vec![c.leaf.der.clone(); MAX_CHAIN_LEN + 1];
    let e = p
        .validate(S2, &x509_ders(&long), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::ChainTooLong { len: 11, max: 10 });
    assert_eq!(
        err_text(&e),
        "the certificate chain has 11 certificates; at most 10 are accepted"
    );
}

#[test]
fn garbage_der_does_not_panic() {
    let c = chain(Kind::P256);
    let p = c.provider();
    let key = c.leaf.key.public();
    let check = |ders: Vec<Vec<u8>>| p.validate(S2, &x509_ders(&ders), &key, NOW);

    let e = check(vec![b"definitely not DER".to_vec()]).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Chain(0),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        err_text(&e).starts_with(
            "the leaf certificate (chain index 0) is malformed: not a DER X.509 certificate"
        ),
        "{e}"
    );
    let e = check(vec![c.leaf.der.clone(), vec![]]).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Chain(1),
                ..
            }
        ),
        "{e:?}"
    );
    let mut trailing = c.leaf.der.clone();
    trailing.push(0);
    let e = check(vec![trailing, c.inter.der.clone()]).unwrap_err();
    assert_eq!(
        e,
        CredentialError::Malformed {
            cert: CertRef::Chain(0),
            why: "1 trailing byte(s) after the certificate".into()
        }
    );

    // Every truncation and every single-byte change of the leaf.
    for n in 0..c.leaf.der.len() {
        assert!(check(vec![c.leaf.der[..n].to_vec(), c.inter.der.clone()]).is_err());
    }
    let mut accepted = Vec::new();
    for i in 0..c.leaf.der.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut der = c.leaf.der.clone();
            der[i] ^= x;
            if check(vec![der, c.inter.der.clone()]).is_ok() {
                accepted.push((i, x));
            }
        }
    }
    assert!(
        accepted.is_empty(),
        "accepted changes (byte, xor): {accepted:?}"
    );
    // Pseudo-random bytes, with and without a SEQUENCE header.
    let mut state = 0x1234_5678_9abc_def0u64;
    for len in 0..300usize {
        let mut der: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        assert!(check(vec![der.clone()]).is_err());
        if len > 2 {
            der[0] = 0x30;
            der[1] = 0x82;
            assert!(check(vec![der]).is_err());
        }
    }
    // Root import is as robust.
    let mut roots = TrustRoots::new();
    for n in 0..c.root.der.len() {
        assert!(roots.add_der(&c.root.der[..n]).is_err());
        assert!(roots.add_pem(&c.root.der[..n]).is_err());
    }
}
