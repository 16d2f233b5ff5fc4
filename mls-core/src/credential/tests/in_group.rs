#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: in a group.

use super::*;

// ------------------------------------------------------- in a group

/// The MLS signature key of a test certificate key.
fn signature_private(key: &TestKey) -> crate::crypto::SignaturePrivateKey {
    let bytes = key.0.private_bytes().to_vec();
    crate::crypto::SignaturePrivateKey::new(crate::crypto::Secret::new(bytes))
}

#[test]
fn a_group_with_x509_members_checks_every_credential() {
    use std::collections::BTreeMap;

    use crate::codec::{Decode, Encode};
    use crate::crypto::RustCrypto;
    use crate::framing::{MlsMessage, MlsMessageBody};
    use crate::group::{Group, GroupError, KeyPackageBundle};
    use crate::messages::Proposal;
    use crate::policy::Policy;

    let p = RustCrypto;
    for (cs, kind) in [
        (
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
            Kind::Ed25519,
        ),
        (CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256, Kind::P256),
    ] {
        let root = issue(
            &certgen::ca(ROOT_DN),
            TestKey::new(kind, "group root"),
            None,
        );
        let inter = issue(
            &certgen::ca(INTER_DN),
            TestKey::new(kind, "group inter"),
            Some(&root),
        );
        let member = |name: &str, issuer: &Issued| {
            let leaf = issue(
                &certgen::leaf(&format!("CN={name}")),
                TestKey::new(kind, name),
                Some(issuer),
            );
            let sk = signature_private(&leaf.key);
            let credential = x509(&[&leaf, issuer]);
            KeyPackageBundle::generate(&p, cs, credential, sk, 3600, Vec::new()).unwrap()
        };
        let mut roots = TrustRoots::default();
        roots.add_der(&root.der).unwrap();
        let policy = Policy {
            trust_roots: Some(roots),
            required_credential_type: Some(CREDENTIAL_X509),
            accept_external_commits: true,
            ..Policy::recommended()
        };
        let config = policy.group_config();

        let alice_kp = member("alice", &inter);
        let bob_kp = member("bob", &inter);
        let mut alice = Group::create(
            &p,
            &alice_kp,
            b"x509 group".to_vec(),
            Vec::new(),
            config.clone(),
        )
        .unwrap();
        let out = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: bob_kp.key_package.clone(),
                }],
                false,
            )
            .unwrap();
        alice.merge(out.staged).unwrap();
        let welcome = MlsMessage::decode_exact(&out.welcome.unwrap().to_bytes().unwrap()).unwrap();
        let MlsMessageBody::Welcome(w) = welcome.body else {
            panic!()
        };
        let bob = Group::join(&p, &w, &bob_kp, None, BTreeMap::new(), config.clone()).unwrap();
        assert_eq!(
            alice.epoch_authenticator(),
            bob.epoch_authenticator(),
            "{cs}"
        );

        // A certificate from a root the group does not trust.
        let stranger_root = issue(
            &certgen::ca("CN=Other Root"),
            TestKey::new(kind, "other root"),
            None,
        );
        let mallory = member("mallory", &stranger_root);
        let err = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: mallory.key_package,
                }],
                false,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Credential(CredentialError::UnknownIssuer { .. })
            ),
            "{cs}: {err}"
        );

        // A basic credential where the policy requires X.509.
        let (sk, _) = crate::crypto::CryptoProvider::signature_key_pair(&p, cs).unwrap();
        let basic = KeyPackageBundle::generate(
            &p,
            cs,
            Credential::Basic {
                identity: VlBytes(b"carol".to_vec()),
            },
            sk,
            3600,
            Vec::new(),
        )
        .unwrap();
        let err = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: basic.key_package,
                }],
                false,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Credential(CredentialError::CredentialTypeNotAllowed(1))
            ),
            "{cs}: {err}"
        );
        // The same Welcome under a policy without these roots is refused.
        let err =
            Group::join(&p, &w, &bob_kp, None, BTreeMap::new(), Default::default()).unwrap_err();
        assert!(
            matches!(
                &err,
                GroupError::Join(crate::group::JoinError::Credential { .. })
            ),
            "{cs}: {err}"
        );
    }
}
