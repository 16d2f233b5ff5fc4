#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::test_utils::certgen::{self, Hash, Issued, Kind, NOW, Spec, TestKey, issue};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use super::*;
use crate::codec::VlBytes;
use crate::messages::Certificate;

const S1: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
const S2: CipherSuite = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
const S3: CipherSuite = CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519;
const S4: CipherSuite = CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448;
const S5: CipherSuite = CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521;
const S6: CipherSuite = CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448;
const S7: CipherSuite = CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384;

const ROOT_DN: &str = "CN=Test Root CA,O=MLS Inspector Tests";
const INTER_DN: &str = "CN=Test Intermediate CA,O=MLS Inspector Tests";
const LEAF_DN: &str = "CN=alice@example.com,O=MLS Inspector Tests";

fn x509(certs: &[&Issued]) -> Credential {
    Credential::X509 {
        certificates: certs
            .iter()
            .map(|c| Certificate {
                cert_data: VlBytes(c.der.clone()),
            })
            .collect(),
    }
}

fn x509_ders(ders: &[Vec<u8>]) -> Credential {
    Credential::X509 {
        certificates: ders
            .iter()
            .map(|d| Certificate {
                cert_data: VlBytes(d.clone()),
            })
            .collect(),
    }
}

fn basic(id: &[u8]) -> Credential {
    Credential::Basic {
        identity: VlBytes(id.to_vec()),
    }
}

fn provider(roots: &[&Issued]) -> X509IdentityProvider {
    let mut trust = TrustRoots::new();
    for r in roots {
        trust.add_der(&r.der).unwrap();
    }
    X509IdentityProvider::new(trust)
}

struct Chain {
    root: Issued,
    inter: Issued,
    leaf: Issued,
}

impl Chain {
    fn credential(&self) -> Credential {
        x509(&[&self.leaf, &self.inter])
    }

    fn provider(&self) -> X509IdentityProvider {
        provider(&[&self.root])
    }

    fn validate(&self, cs: CipherSuite) -> Result<Identity, CredentialError> {
        self.provider()
            .validate(cs, &self.credential(), &self.leaf.key.public(), NOW)
    }
}

/// root CA → intermediate CA → leaf, each with its own key kind.
fn chain_of(root: Kind, inter: Kind, leaf: Kind, leaf_spec: Spec) -> Chain {
    let root = issue(&certgen::ca(ROOT_DN), TestKey::new(root, "root"), None);
    let inter = issue(
        &certgen::ca(INTER_DN),
        TestKey::new(inter, "intermediate"),
        Some(&root),
    );
    let leaf = issue(&leaf_spec, TestKey::new(leaf, "leaf"), Some(&inter));
    Chain { root, inter, leaf }
}

fn chain(kind: Kind) -> Chain {
    chain_of(kind, kind, kind, certgen::leaf(LEAF_DN))
}

fn err_text(e: &CredentialError) -> String {
    e.to_string()
}

fn assert_valid(c: &Chain, cs: CipherSuite) {
    let id = c.validate(cs).unwrap_or_else(|e| panic!("{cs:?}: {e}"));
    assert_eq!(id.credential_type, CREDENTIAL_X509);
    assert_eq!(id.name, "alice@example.com");
    let (_, leaf) = x509_parser::parse_x509_certificate(&c.leaf.der).unwrap();
    assert_eq!(id.bytes, leaf.subject().as_raw());
}

mod ca_rules;
mod in_group;
mod leaf_key;
mod providers;
mod roots;
mod signatures;
mod structure;
mod time;
mod valid;
