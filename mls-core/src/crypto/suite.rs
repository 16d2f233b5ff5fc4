//! The MLS cipher suites of RFC 9420 §17.1 and the algorithms they name.

use std::fmt;

/// An MLS cipher suite (RFC 9420 §17.1). The discriminant is the registry
/// value sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum CipherSuite {
    Mls128Dhkemx25519Aes128gcmSha256Ed25519 = 1,
    Mls128Dhkemp256Aes128gcmSha256P256 = 2,
    Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519 = 3,
    Mls256Dhkemx448Aes256gcmSha512Ed448 = 4,
    Mls256Dhkemp521Aes256gcmSha512P521 = 5,
    Mls256Dhkemx448Chacha20poly1305Sha512Ed448 = 6,
    Mls256Dhkemp384Aes256gcmSha384P384 = 7,
}

/// Hash function (and with it HMAC and HKDF) of a suite or of a DHKEM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// Output length Nh in bytes.
    pub(crate) fn len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// RFC 9180 §7.2 KDF identifier of HKDF with this hash.
    pub(crate) fn kdf_id(self) -> u16 {
        match self {
            HashAlg::Sha256 => 0x0001,
            HashAlg::Sha384 => 0x0002,
            HashAlg::Sha512 => 0x0003,
        }
    }
}

/// The DHKEMs of RFC 9180 §7.1 that MLS suites use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KemAlg {
    P256,
    P384,
    P521,
    X25519,
    X448,
}

impl KemAlg {
    pub(crate) fn id(self) -> u16 {
        match self {
            KemAlg::P256 => 0x0010,
            KemAlg::P384 => 0x0011,
            KemAlg::P521 => 0x0012,
            KemAlg::X25519 => 0x0020,
            KemAlg::X448 => 0x0021,
        }
    }

    /// The KDF inside the DHKEM (RFC 9180 §7.1 table).
    pub(crate) fn hash(self) -> HashAlg {
        match self {
            KemAlg::P256 | KemAlg::X25519 => HashAlg::Sha256,
            KemAlg::P384 => HashAlg::Sha384,
            KemAlg::P521 | KemAlg::X448 => HashAlg::Sha512,
        }
    }

    /// Nsecret: length of the KEM shared secret.
    pub(crate) fn n_secret(self) -> usize {
        self.hash().len()
    }

    /// Nsk: length of a serialized private key.
    pub(crate) fn n_sk(self) -> usize {
        match self {
            KemAlg::P256 | KemAlg::X25519 => 32,
            KemAlg::P384 => 48,
            KemAlg::P521 => 66,
            KemAlg::X448 => 56,
        }
    }

    /// Npk (= Nenc): length of a serialized public key.
    pub(crate) fn n_pk(self) -> usize {
        match self {
            KemAlg::P256 => 65,
            KemAlg::P384 => 97,
            KemAlg::P521 => 133,
            KemAlg::X25519 => 32,
            KemAlg::X448 => 56,
        }
    }
}

/// The AEADs of RFC 9180 §7.3 that MLS suites use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AeadAlg {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

impl AeadAlg {
    pub(crate) fn id(self) -> u16 {
        match self {
            AeadAlg::Aes128Gcm => 0x0001,
            AeadAlg::Aes256Gcm => 0x0002,
            AeadAlg::ChaCha20Poly1305 => 0x0003,
        }
    }

    pub(crate) fn key_len(self) -> usize {
        match self {
            AeadAlg::Aes128Gcm => 16,
            AeadAlg::Aes256Gcm | AeadAlg::ChaCha20Poly1305 => 32,
        }
    }

    pub(crate) fn nonce_len(self) -> usize {
        12
    }

    pub(crate) fn tag_len(self) -> usize {
        16
    }
}

/// Signature algorithms of the MLS suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigAlg {
    Ed25519,
    Ed448,
    EcdsaP256Sha256,
    EcdsaP384Sha384,
    EcdsaP521Sha512,
}

impl CipherSuite {
    /// Every suite RFC 9420 defines, in registry order.
    pub const ALL: [CipherSuite; 7] = [
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256,
        CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519,
        CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448,
        CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521,
        CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448,
        CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384,
    ];

    /// The suite with registry value `v`, if it is one of the seven.
    pub fn from_u16(v: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|cs| cs.id() == v)
    }

    /// The registry value (RFC 9420 §17.1).
    pub fn id(self) -> u16 {
        self as u16
    }

    /// The registry name, e.g. `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519`.
    pub fn name(self) -> &'static str {
        match self {
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519 => {
                "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"
            }
            CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256 => {
                "MLS_128_DHKEMP256_AES128GCM_SHA256_P256"
            }
            CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519 => {
                "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"
            }
            CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448 => {
                "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448"
            }
            CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521 => {
                "MLS_256_DHKEMP521_AES256GCM_SHA512_P521"
            }
            CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448 => {
                "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448"
            }
            CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384 => {
                "MLS_256_DHKEMP384_AES256GCM_SHA384_P384"
            }
        }
    }

    /// KDF.Nh: output length of the suite's hash / KDF.
    pub fn hash_len(self) -> usize {
        self.hash_alg().len()
    }

    /// AEAD.Nk.
    pub fn aead_key_len(self) -> usize {
        self.aead_alg().key_len()
    }

    /// AEAD.Nn.
    pub fn aead_nonce_len(self) -> usize {
        self.aead_alg().nonce_len()
    }

    /// RFC 9180 KEM identifier.
    pub fn kem_id(self) -> u16 {
        self.kem_alg().id()
    }

    /// RFC 9180 KDF identifier.
    pub fn kdf_id(self) -> u16 {
        self.hash_alg().kdf_id()
    }

    /// RFC 9180 AEAD identifier.
    pub fn aead_id(self) -> u16 {
        self.aead_alg().id()
    }

    /// TLS SignatureScheme code point of the suite's signature algorithm.
    pub fn signature_scheme(self) -> u16 {
        match self.sig_alg() {
            SigAlg::Ed25519 => 0x0807,
            SigAlg::Ed448 => 0x0808,
            SigAlg::EcdsaP256Sha256 => 0x0403,
            SigAlg::EcdsaP384Sha384 => 0x0503,
            SigAlg::EcdsaP521Sha512 => 0x0603,
        }
    }

    pub(crate) fn hash_alg(self) -> HashAlg {
        match self {
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519
            | CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256
            | CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519 => HashAlg::Sha256,
            CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448
            | CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521
            | CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448 => HashAlg::Sha512,
            CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384 => HashAlg::Sha384,
        }
    }

    pub(crate) fn kem_alg(self) -> KemAlg {
        match self {
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519
            | CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519 => KemAlg::X25519,
            CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256 => KemAlg::P256,
            CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448
            | CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448 => KemAlg::X448,
            CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521 => KemAlg::P521,
            CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384 => KemAlg::P384,
        }
    }

    pub(crate) fn aead_alg(self) -> AeadAlg {
        match self {
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519
            | CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256 => AeadAlg::Aes128Gcm,
            CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519
            | CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448 => AeadAlg::ChaCha20Poly1305,
            CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448
            | CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521
            | CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384 => AeadAlg::Aes256Gcm,
        }
    }

    pub(crate) fn sig_alg(self) -> SigAlg {
        match self {
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519
            | CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519 => SigAlg::Ed25519,
            CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256 => SigAlg::EcdsaP256Sha256,
            CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448
            | CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448 => SigAlg::Ed448,
            CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521 => SigAlg::EcdsaP521Sha512,
            CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384 => SigAlg::EcdsaP384Sha384,
        }
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:04x})", self.name(), self.id())
    }
}

impl TryFrom<u16> for CipherSuite {
    type Error = crate::crypto::CryptoError;

    fn try_from(v: u16) -> Result<Self, Self::Error> {
        Self::from_u16(v).ok_or(crate::crypto::CryptoError::UnsupportedCipherSuite(v))
    }
}
