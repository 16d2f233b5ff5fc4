//! Cryptography for the seven MLS cipher suites (RFC 9420 §5, §17.1).
//!
//! [`CryptoProvider`] is the primitive interface and [`RustCrypto`] the
//! pure-Rust implementation; the labelled operations of RFC 9420 §5
//! ([`expand_with_label`], [`sign_with_label`], [`encrypt_with_label`], ...)
//! are generic over any provider. Private key bytes follow the MLS test
//! vectors: HPKE `SerializePrivateKey`, ECDSA big-endian scalars, EdDSA seeds.

mod error;
pub mod labels;
mod provider;
mod rustcrypto;
mod secret;
mod suite;

pub use error::CryptoError;
pub use labels::{
    KEY_PACKAGE_REF_LABEL, MLS_LABEL_PREFIX, PROPOSAL_REF_LABEL, decrypt_with_label, derive_secret,
    derive_tree_secret, encrypt_many_with_prepared, encrypt_with_label, encrypt_with_prepared,
    expand_with_label, make_key_package_ref, make_proposal_ref, prepare_encrypt_context, ref_hash,
    sign_with_label, verify_all_with_label, verify_with_label,
};
pub use provider::CryptoProvider;
pub use rustcrypto::RustCrypto;
pub use secret::{
    HpkeCiphertext, HpkeInfo, HpkePrivateKey, HpkePublicKey, Secret, SignaturePrivateKey,
    SignaturePublicKey,
};
pub use suite::CipherSuite;

#[cfg(test)]
mod tests;
