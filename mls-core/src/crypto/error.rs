//! Errors of the cryptographic layer.

use crate::codec::EncodeError;

/// What a cryptographic operation failed at. Messages carry no secret data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("unsupported cipher suite 0x{0:04x}")]
    UnsupportedCipherSuite(u16),
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(&'static str),
    #[error("signature verification failed")]
    SignatureVerification,
    /// RFC 9420 §5.1.1: a signature public key is in its scheme's encoding
    /// (ECDSA: an uncompressed SEC1 point on the curve; Ed25519: 32 bytes,
    /// Ed448: 57 bytes, RFC 8032), so a signature made with a
    /// wrongly-encoded key cannot be checked at all.
    #[error("{} {scheme} signature key must be {expected} (RFC 9420 §5.1.1); {why}", article(.scheme))]
    MalformedSignatureKey {
        /// The signature scheme, e.g. `P-256`, `Ed25519`.
        scheme: &'static str,
        /// What the scheme's encoding is.
        expected: &'static str,
        /// What this key is instead.
        why: String,
    },
    #[error("malformed signature encoding")]
    MalformedSignature,
    #[error("signing failed")]
    Signing,
    #[error("AEAD decryption failed (wrong key, nonce, AAD or tampered ciphertext)")]
    AeadOpen,
    #[error("AEAD encryption failed (input too long)")]
    AeadSeal,
    #[error("HPKE decryption failed (wrong key, info, AAD or tampered ciphertext)")]
    HpkeOpen,
    #[error("Diffie-Hellman produced the all-zero output (small-order public key)")]
    ZeroSharedSecret,
    #[error("DeriveKeyPair found no valid private key after 256 candidates")]
    DeriveKeyPair,
    #[error("invalid length for {what}: expected {expected} byte(s), got {got}")]
    InvalidLength {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("requested KDF output is longer than 255 * Nh bytes")]
    OutputTooLong,
    #[error("the system random number generator failed")]
    Randomness,
    #[error("encoding a labelled structure failed: {0}")]
    Encoding(#[from] EncodeError),
}

/// `a` or `an` before a scheme name (`an Ed25519`, `a P-256`).
fn article(scheme: &str) -> &'static str {
    if scheme.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}
