//! Secret byte strings and key types.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Secret bytes: zeroized on drop, never printed, compared in constant time.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// Appends `parts`; reserve the capacity first so no unzeroized copy is
    /// left behind by a reallocation.
    pub(crate) fn extend(&mut self, parts: &[&[u8]]) {
        for part in parts {
            self.0.extend_from_slice(part);
        }
    }
}

impl From<Vec<u8>> for Secret {
    fn from(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }
}

impl AsRef<[u8]> for Secret {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Constant time in the contents; the lengths are not secret.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for Secret {}

/// An HPKE private key in the KEM's `SerializePrivateKey` form (RFC 9180 §7.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkePrivateKey(pub Secret);

/// An HPKE public key in the KEM's `SerializePublicKey` form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HpkePublicKey(pub Vec<u8>);

/// A signature private key: the raw seed for EdDSA, the big-endian scalar for ECDSA.
///
/// The second field caches the crypto provider's prepared form of the key
/// (for EdDSA the expanded secret and the public point, which otherwise cost
/// a base-point multiplication per signature). Whatever a provider stores
/// there holds secret material and must zeroize itself on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SignaturePrivateKey(pub Secret, PreparedKey);

impl SignaturePrivateKey {
    pub fn new(secret: Secret) -> Self {
        SignaturePrivateKey(secret, PreparedKey::default())
    }

    /// Runs `f` on the cached preparation of type `T`, building it with
    /// `make` from the raw key on first use.
    pub fn with_prepared<T, R, E>(
        &self,
        make: impl FnOnce(&[u8]) -> Result<T, E>,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, E>
    where
        T: std::any::Any + Send + Sync,
    {
        if let Some(t) = self.1.0.get().and_then(|p| p.downcast_ref::<T>()) {
            return Ok(f(t));
        }
        let t = make(self.0.as_bytes())?;
        let r = f(&t);
        // A key is used with one provider; if another type is cached, keep it.
        let _ = self.1.0.set(std::sync::Arc::new(t));
        Ok(r)
    }
}

impl From<Secret> for SignaturePrivateKey {
    fn from(secret: Secret) -> Self {
        SignaturePrivateKey::new(secret)
    }
}

impl fmt::Debug for SignaturePrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignaturePrivateKey(<redacted>)")
    }
}

/// The cache behind [`SignaturePrivateKey::with_prepared`]; derived from the
/// key, so it never takes part in comparisons.
#[derive(Clone, Default)]
pub struct PreparedKey(std::sync::OnceLock<std::sync::Arc<dyn std::any::Any + Send + Sync>>);

impl PartialEq for PreparedKey {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PreparedKey {}

/// A signature public key: raw for EdDSA, an uncompressed SEC1 point for ECDSA.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignaturePublicKey(pub Vec<u8>);

/// An HPKE `info` prepared once for many seals
/// ([`crate::crypto::CryptoProvider::hpke_prepare_info`]). Public data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkeInfo {
    /// The `info` bytes.
    pub info: Vec<u8>,
    /// The provider's precomputation (RustCrypto: RFC 9180's
    /// `key_schedule_context`), if it made one.
    pub prepared: Option<Vec<u8>>,
}

/// `HPKECiphertext` of RFC 9420 §5.1.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpkeCiphertext {
    pub kem_output: Vec<u8>,
    pub ciphertext: Vec<u8>,
}
