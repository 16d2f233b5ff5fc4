#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! X.509 identities (issue 12, point 5), driven through the binary: a
//! local CA made with `identity ca-new`, its certificate imported as a
//! trust root in every workspace, identities issued from it in suites 1, 3
//! and 7, a group under `credentials=x509` (add, join, receive validate
//! every chain), a member from an unknown root or with a basic credential
//! refused when adding, joining and receiving; an identity
//! imported from PEM files, and a key that does not match refused.

use mls_core::credential::KeyAlgorithm;
use mls_core::credential::issue::{
    SigningKey, Spec, certificate_subject, issue_certificate, pem_encode,
};
use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, key_of, text};

/// `identity ca-new NAME` into `dir`; returns (cert file, key file).
fn make_ca(dir: &TempDir, ws: &Ws, name: &str, algorithm: &str) -> (String, String) {
    let cert = dir.arg(&format!("{name}.pem"));
    let key = dir.arg(&format!("{name}.key"));
    let made = ws.json(&[
        "identity",
        "ca-new",
        name,
        "--out-cert",
        &cert,
        "--out-key",
        &key,
        "--algorithm",
        algorithm,
    ]);
    assert_eq!(text(&made, "subject"), format!("CN={name}"));
    (cert, key)
}

/// A workspace that trusts `ca` and requires X.509 credentials in new
/// groups (the workspace default, so joined groups get it too).
fn x509_workspace(dir: &TempDir, name: &str, ca: Option<&str>) -> Ws {
    let ws = Ws::new(dir, name);
    if let Some(ca) = ca {
        ws.json(&["trust-root", "import", ca]);
    }
    let set = ws.json(&["settings", "--set", "credentials=x509"]);
    assert_eq!(set["settings"]["credentials"], "x509", "{set}");
    ws
}

/// `identity new NAME --x509` from `ca`; returns the JSON.
fn issue(ws: &Ws, name: &str, suite: &str, ca: &(String, String)) -> Value {
    let v = ws.json(&[
        "identity", "new", name, "--x509", "--ca", &ca.0, "--ca-key", &ca.1, "--suite", suite,
        "--days", "30",
    ]);
    assert_eq!(v["credential_type"], "x509", "{v}");
    v
}

fn key_package(dir: &TempDir, ws: &Ws, name: &str) -> String {
    let kp = dir.arg(&format!("{name}.kp"));
    ws.json(&["keypackage", "new", "--identity", name, "--out", &kp]);
    kp
}

/// The member of `group show --json` whose signature key is `key`.
fn member<'a>(show: &'a Value, key: &str) -> &'a Value {
    show["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["signature_key"] == key)
        .unwrap_or_else(|| panic!("no member with key {key}: {show}"))
}

#[test]
fn an_x509_group_from_a_local_ca_in_suites_1_3_7() {
    let dir = TempDir::new("x509-group");
    let tool = Ws::new(&dir, "tool");
    // The CA's algorithm differs from most leaves'.
    let ca = make_ca(&dir, &tool, "Test CA", "p384");
    let rogue = make_ca(&dir, &tool, "Rogue CA", "ed25519");

    for suite in ["1", "3", "7"] {
        let sub = TempDir::new(&format!("x509-group-{suite}"));
        let a = x509_workspace(&sub, "a", Some(&ca.0));
        let b = x509_workspace(&sub, "b", Some(&ca.0));
        let c = x509_workspace(&sub, "c", Some(&ca.0));
        // Dave's workspace requires X.509 but does not trust the CA yet.
        let d = x509_workspace(&sub, "d", None);
        let e = Ws::new(&sub, "e");
        let ids = [
            (&a, "alice", issue(&a, "alice", suite, &ca)),
            (&b, "bob", issue(&b, "bob", suite, &ca)),
            (&c, "carol", issue(&c, "carol", suite, &ca)),
        ];
        let dave = issue(&d, "dave", suite, &ca);
        let eve = issue(&e, "eve", suite, &rogue);
        e.json(&["identity", "new", "mallory", "--suite", suite]);

        a.json(&["group", "create", "--identity", "alice", "--name", "team"]);
        let settings = a.json(&["group", "settings", "team"]);
        assert_eq!(settings["settings"]["credentials"], "x509", "{settings}");
        let kps = [key_package(&sub, &b, "bob"), key_package(&sub, &c, "carol")];
        let welcome = sub.arg("welcome.msg");
        a.json(&[
            "group",
            "add",
            "team",
            &kps[0],
            &kps[1],
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        let bg = key_of(&b.json(&["group", "join", &welcome]));
        let cg = key_of(&c.json(&["group", "join", &welcome]));
        assert_eq!(a.state("team"), b.state(&bg));
        assert_eq!(a.state("team"), c.state(&cg));

        // Every workspace sees every member as a validated X.509 member
        // whose certificate is the one issued in the member's workspace.
        for (ws, g) in [(&a, "team"), (&b, bg.as_str()), (&c, cg.as_str())] {
            let show = ws.json(&["group", "show", g]);
            assert_eq!(show["members"].as_array().unwrap().len(), 3);
            for (_, name, issued) in &ids {
                let m = member(&show, issued["signature_public"].as_str().unwrap());
                assert_eq!(m["credential_type"], 2, "{m}");
                assert_eq!(m["validated"], true, "{m}");
                assert!(m["validation_error"].is_null(), "{m}");
                assert_eq!(m["certificate"], issued["certificate"], "{m}");
                assert_eq!(m["certificate"]["subject"], format!("CN={name}"));
                assert_eq!(m["certificate"]["issuer"], "CN=Test CA");
            }
            let text = ws.ok(&["group", "show", g]);
            assert_eq!(
                text.matches("validated against the trust roots").count(),
                3,
                "{text}"
            );
        }

        // A member whose certificate comes from an unknown root, and one
        // with a basic credential, are refused when adding.
        let w2 = sub.arg("welcome2.msg");
        let eve_kp = key_package(&sub, &e, "eve");
        let err = a.refused(
            "team",
            &["group", "add", "team", &eve_kp, "--welcome-out", &w2],
        );
        assert!(err.contains("does not end at a trust root"), "{err}");
        assert!(err.contains("Rogue CA"), "{err}");
        assert_eq!(eve["certificate"]["issuer"], "CN=Rogue CA");
        let mallory_kp = key_package(&sub, &e, "mallory");
        let err = a.refused(
            "team",
            &["group", "add", "team", &mallory_kp, "--welcome-out", &w2],
        );
        assert!(err.contains("credential type 1 (basic)"), "{err}");

        // Dave is added; Bob and Carol validate his chain on receiving.
        // Dave's workspace refuses to join until it trusts the CA.
        let dave_kp = key_package(&sub, &d, "dave");
        let commit = sub.arg("commit.msg");
        a.json(&[
            "group",
            "add",
            "team",
            &dave_kp,
            "--welcome-out",
            &w2,
            "--commit-out",
            &commit,
            "--apply",
        ]);
        b.json(&["group", "receive", &bg, &commit, "--apply"]);
        c.json(&["group", "receive", &cg, &commit, "--apply"]);
        let before = d.ok(&["group", "list", "--json"]);
        let (_, err) = d.fails(&["group", "join", &w2]);
        assert!(err.contains("trust root"), "{err}");
        assert_eq!(d.ok(&["group", "list", "--json"]), before);
        d.json(&["trust-root", "import", &ca.0]);
        let dg = key_of(&d.json(&["group", "join", &w2]));
        let auth = a.state("team");
        for (ws, g) in [(&b, bg.as_str()), (&c, cg.as_str()), (&d, dg.as_str())] {
            assert_eq!(ws.state(g), auth);
        }
        let show = b.json(&["group", "show", &bg]);
        let m = member(&show, dave["signature_public"].as_str().unwrap());
        assert_eq!(m["validated"], true, "{m}");
        assert_eq!(m["certificate"], dave["certificate"]);

        // Receiving: Alice relaxes her own setting and adds Mallory (basic
        // credential); Bob, still under credentials=x509, refuses the
        // commit and his group is unchanged.
        a.json(&["group", "settings", "team", "--set", "credentials=any"]);
        let (w3, commit2) = (sub.arg("welcome3.msg"), sub.arg("commit2.msg"));
        a.json(&[
            "group",
            "add",
            "team",
            &mallory_kp,
            "--welcome-out",
            &w3,
            "--commit-out",
            &commit2,
        ]);
        let err = b.refused(&bg, &["group", "receive", &bg, &commit2]);
        assert!(err.contains("credential type 1 (basic)"), "{err}");
        a.json(&["group", "discard", "team"]);
    }
}

/// A leaf certificate for `name` issued by the CA in `ca` (PEM files),
/// with a fresh `alg` key: (chain PEM = leaf + CA, key PEM, public key).
fn leaf_from_files(
    ca: &(String, String),
    name: &str,
    alg: KeyAlgorithm,
) -> (String, String, Vec<u8>) {
    let ca_pem = std::fs::read_to_string(&ca.0).unwrap();
    let ca_der = mls_core::credential::issue::pem_blocks(ca_pem.as_bytes(), "CERTIFICATE")
        .unwrap()
        .remove(0);
    let ca_key = SigningKey::from_pkcs8_pem(&std::fs::read(&ca.1).unwrap()).unwrap();
    let ca_name = certificate_subject(&ca_der).unwrap();
    let key = SigningKey::generate(alg).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let spec = Spec::leaf(&format!("CN={name},O=Imported"), now - 60, now + 86_400);
    let (der, _) = issue_certificate(&spec, &key, Some((&ca_name, &ca_key))).unwrap();
    let chain = format!("{}{ca_pem}", pem_encode("CERTIFICATE", &der));
    (chain, key.to_pkcs8_pem().unwrap().to_string(), key.public())
}

#[test]
fn an_identity_imported_from_pem_files_joins_an_x509_group() {
    let dir = TempDir::new("x509-import");
    let a = x509_workspace(&dir, "a", None);
    let ca = make_ca(&dir, &a, "Import CA", "ed448");
    a.json(&["trust-root", "import", &ca.0]);
    let b = x509_workspace(&dir, "b", Some(&ca.0));

    let (chain, key, public) = leaf_from_files(&ca, "alice", KeyAlgorithm::EcdsaP256);
    let (chain_file, key_file) = (dir.arg("alice-chain.pem"), dir.arg("alice.key"));
    std::fs::write(&chain_file, &chain).unwrap();
    std::fs::write(&key_file, &key).unwrap();
    let (_, other_key, _) = leaf_from_files(&ca, "other", KeyAlgorithm::EcdsaP256);
    let other_key_file = dir.arg("other.key");
    std::fs::write(&other_key_file, &other_key).unwrap();

    // Refusals leave the identities as they were.
    let before = a.ok(&["identity", "list", "--json"]);
    let (_, err) = a.fails(&[
        "identity",
        "import",
        "alice",
        "--cert",
        &chain_file,
        "--key",
        &other_key_file,
    ]);
    assert!(err.contains("not the private key's"), "{err}");
    let (_, err) = a.fails(&[
        "identity",
        "import",
        "alice",
        "--cert",
        &chain_file,
        "--key",
        &key_file,
        "--suite",
        "1",
    ]);
    assert!(err.contains("cipher suite 1 signs with Ed25519"), "{err}");
    let (_, err) = a.fails(&[
        "identity", "import", "alice", "--cert", &key_file, "--key", &key_file,
    ]);
    assert!(err.contains("no CERTIFICATE block"), "{err}");
    assert_eq!(a.ok(&["identity", "list", "--json"]), before);

    let alice = a.json(&[
        "identity",
        "import",
        "alice",
        "--cert",
        &chain_file,
        "--key",
        &key_file,
    ]);
    assert_eq!(alice["cipher_suite"], 2, "{alice}");
    assert_eq!(text(&alice, "signature_public"), hex::encode(&public));
    let subject = text(&alice["certificate"], "subject");
    assert!(
        subject.contains("CN=alice") && subject.contains("O=Imported"),
        "{subject}"
    );
    assert_eq!(alice["certificate"]["chain_length"], 2);

    // The imported identity creates an X.509 group that Bob joins.
    issue(&b, "bob", "2", &ca);
    a.json(&["group", "create", "--identity", "alice", "--name", "team"]);
    let kp = key_package(&dir, &b, "bob");
    let welcome = dir.arg("welcome.msg");
    a.json(&[
        "group",
        "add",
        "team",
        &kp,
        "--welcome-out",
        &welcome,
        "--apply",
    ]);
    let bg = key_of(&b.json(&["group", "join", &welcome]));
    assert_eq!(a.state("team"), b.state(&bg));
    let show = b.json(&["group", "show", &bg]);
    let m = member(&show, &hex::encode(&public));
    assert_eq!(m["validated"], true, "{m}");
    assert_eq!(m["certificate"]["issuer"], "CN=Import CA");
}
