#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! X.509 identities in the Key packages tab, driven headless with
//! egui_kittest by labels: a certificate chain and key dropped on the
//! window and imported; a mismatching key refused; an identity issued from
//! a local CA given by file paths; the group page marking the member's
//! credential as validated.

use egui_kittest::kittest::Queryable as _;
use mls_core::credential::KeyAlgorithm;
use mls_core::credential::issue::{SigningKey, Spec, issue_certificate, pem_encode};
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{GroupOptions, Workspace, local_ca_new};

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, click, drop_file, harness, open_groups, settle, type_into};

/// A leaf for `name` with a fresh `alg` key, signed by the CA whose PEM
/// certificate and key are given: (chain PEM, key PEM, public key).
fn leaf(ca_cert: &str, ca_key: &str, name: &str, alg: KeyAlgorithm) -> (String, String, Vec<u8>) {
    let ca_der = mls_core::credential::issue::pem_blocks(ca_cert.as_bytes(), "CERTIFICATE")
        .unwrap()
        .remove(0);
    let ca_key = SigningKey::from_pkcs8_pem(ca_key.as_bytes()).unwrap();
    let ca_name = mls_core::credential::issue::certificate_subject(&ca_der).unwrap();
    let key = SigningKey::generate(alg).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let spec = Spec::leaf(&format!("CN={name}"), now - 60, now + 86_400);
    let (der, _) = issue_certificate(&spec, &key, Some((&ca_name, &ca_key))).unwrap();
    (
        format!("{}{ca_cert}", pem_encode("CERTIFICATE", &der)),
        key.to_pkcs8_pem().unwrap().to_string(),
        key.public(),
    )
}

fn status(h: &mut egui_kittest::Harness<'static, InspectorApp>) -> String {
    h.state_mut()
        .key_packages()
        .status()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn import_and_issue_x509_identities_in_the_key_packages_tab() {
    let dir = TempDir::new("x509-panel");
    let db = dir.file("ws.sqlite");
    let ca = local_ca_new("Panel CA", KeyAlgorithm::EcdsaP384, 30).unwrap();
    let (chain, key, public) = leaf(&ca.cert_pem, &ca.key_pem, "alice", KeyAlgorithm::Ed25519);
    let (_, other_key, _) = leaf(&ca.cert_pem, &ca.key_pem, "other", KeyAlgorithm::Ed25519);

    let mut app = InspectorApp::with_workspace(&db);
    app.set_tab(Tab::KeyPackages);
    let mut h = harness(app);
    settle(&mut h);
    click(&mut h, "X.509 identity");

    // A mismatching key is refused and nothing is stored.
    drop_file(&mut h, "alice-chain.pem", chain.as_bytes());
    drop_file(&mut h, "other.key", other_key.as_bytes());
    assert!(
        h.state_mut()
            .key_packages()
            .x509_form()
            .chain
            .contains("BEGIN CERTIFICATE")
    );
    type_into(&mut h, "Name:", "alice");
    click(&mut h, "Import X.509 identity");
    let refused = status(&mut h);
    assert!(refused.contains("not the private key's"), "{refused}");
    assert!(
        Workspace::open(&db)
            .unwrap()
            .identities()
            .unwrap()
            .is_empty()
    );

    // The right key, dropped: imported for suite 1 (Ed25519).
    drop_file(&mut h, "alice.key", key.as_bytes());
    click(&mut h, "Import X.509 identity");
    let ws = Workspace::open(&db).unwrap();
    let ids = ws.identities().unwrap();
    assert_eq!(ids.len(), 1, "{}", status(&mut h));
    assert_eq!(ids[0].name, "alice");
    assert_eq!(ids[0].credential_type, 2);
    assert_eq!(ids[0].cipher_suite, 1);
    assert_eq!(ids[0].signature_public_hex, hex::encode(&public));
    drop(ws);

    // Issued from the CA given by paths, in the selected suite (1).
    let (ca_file, ca_key_file) = (dir.arg("ca.pem"), dir.arg("ca.key"));
    std::fs::write(&ca_file, &ca.cert_pem).unwrap();
    std::fs::write(&ca_key_file, &ca.key_pem).unwrap();
    type_into(&mut h, "CA certificate:", &ca_file);
    type_into(&mut h, "CA private key:", &ca_key_file);
    type_into(&mut h, "Name:", "bob");
    click(&mut h, "Issue X.509 identity");
    let ws = Workspace::open(&db).unwrap();
    let ids = ws.identities().unwrap();
    assert_eq!(ids.len(), 2, "{}", status(&mut h));
    let bob = &ids[1];
    assert_eq!((bob.name.as_str(), bob.credential_type), ("bob", 2));
    ws.trust_root_import(ca.cert_pem.as_bytes()).unwrap();
    let check = ws.identity_credential_check(bob.key).unwrap();
    assert_eq!(check.validated, Some(true), "{check:?}");
    assert_eq!(check.certificate.unwrap().issuer, ca.summary.subject);
    drop(h);

    // Alice's group: her member row is marked as a validated X.509
    // credential.
    let group = ws
        .group_create(
            ids[0].key,
            &GroupOptions {
                name: Some(String::from("team")),
                ..GroupOptions::default()
            },
        )
        .unwrap()
        .key;
    drop(ws);
    let h = open_groups(&db, Some(group));
    h.get_by_label("X.509 ✔");
}
