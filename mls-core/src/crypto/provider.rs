//! The interface every cryptographic backend implements.

use super::error::CryptoError;
use super::secret::{
    HpkeCiphertext, HpkeInfo, HpkePrivateKey, HpkePublicKey, Secret, SignaturePrivateKey,
    SignaturePublicKey,
};
use super::suite::CipherSuite;

/// Primitive operations of an MLS cipher suite. The labelled operations of
/// RFC 9420 §5 live in [`super::labels`] and are built on these.
pub trait CryptoProvider: Send + Sync {
    /// `Hash(data)` with the suite's hash.
    fn hash(&self, cs: CipherSuite, data: &[u8]) -> Vec<u8>;
    /// `MAC(key, data)`: HMAC with the suite's hash.
    fn hmac(&self, cs: CipherSuite, key: &[u8], data: &[u8]) -> Vec<u8>;
    /// `KDF.Extract(salt, ikm)` (HKDF-Extract).
    fn kdf_extract(&self, cs: CipherSuite, salt: &[u8], ikm: &[u8]) -> Secret;
    /// `KDF.Expand(prk, info, len)` (HKDF-Expand); `len` at most 255 * Nh.
    fn kdf_expand(
        &self,
        cs: CipherSuite,
        prk: &[u8],
        info: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError>;
    /// AEAD encryption; the tag is appended to the ciphertext.
    fn aead_seal(
        &self,
        cs: CipherSuite,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// AEAD decryption of `ciphertext || tag`.
    fn aead_open(
        &self,
        cs: CipherSuite,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// RFC 9180 SealBase / OpenBase (single shot) with the suite's KEM/KDF/AEAD.
    fn hpke_seal(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError>;
    /// Precomputes what `SealBase` derives from `info` alone, for sealing to
    /// many recipients under one `info` (a Welcome's GroupSecrets under the
    /// encrypted GroupInfo, an UpdatePath's copath nodes under the group
    /// context). The default keeps only the bytes.
    fn hpke_prepare_info(&self, cs: CipherSuite, info: Vec<u8>) -> HpkeInfo {
        let _ = cs;
        HpkeInfo {
            info,
            prepared: None,
        }
    }
    /// `SealBase(pk, info, aad, plaintext)` with a prepared `info`.
    fn hpke_seal_prepared(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &HpkeInfo,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        self.hpke_seal(cs, pk, &info.info, aad, plaintext)
    }
    /// `SealBase(pk_i, info, aad, plaintext_i)` for each `(pk_i,
    /// plaintext_i)` with one prepared `info`, outputs in order.
    /// Implementations may share work between the recipients; the default
    /// seals one by one.
    fn hpke_seal_many(
        &self,
        cs: CipherSuite,
        info: &HpkeInfo,
        aad: &[u8],
        items: &[(&HpkePublicKey, &[u8])],
    ) -> Result<Vec<HpkeCiphertext>, CryptoError> {
        items
            .iter()
            .map(|(pk, plaintext)| self.hpke_seal_prepared(cs, pk, info, aad, plaintext))
            .collect()
    }
    /// RFC 9180 `SetupBaseS(pk, info)` followed by the context's
    /// `Export(exporter_context, len)`: returns the KEM output and the
    /// exported secret (MLS external init, §8.3).
    fn hpke_export_sender(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret), CryptoError>;
    /// RFC 9180 `SetupBaseR(kem_output, sk, info)` followed by `Export`.
    fn hpke_export_receiver(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError>;
    /// RFC 9180 OpenBase (single shot).
    fn hpke_open(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
        info: &[u8],
        aad: &[u8],
        ct: &HpkeCiphertext,
    ) -> Result<Vec<u8>, CryptoError>;
    /// RFC 9180 DeriveKeyPair(ikm).
    fn hpke_derive_key_pair(
        &self,
        cs: CipherSuite,
        ikm: &[u8],
    ) -> Result<(HpkePrivateKey, HpkePublicKey), CryptoError>;
    /// A fresh random HPKE key pair.
    fn hpke_generate_key_pair(
        &self,
        cs: CipherSuite,
    ) -> Result<(HpkePrivateKey, HpkePublicKey), CryptoError>;
    /// The public key of an HPKE private key.
    fn hpke_public_key(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
    ) -> Result<HpkePublicKey, CryptoError>;
    /// A fresh random signature key pair.
    fn signature_key_pair(
        &self,
        cs: CipherSuite,
    ) -> Result<(SignaturePrivateKey, SignaturePublicKey), CryptoError>;
    /// The public key of a signature private key.
    fn signature_public_key(
        &self,
        cs: CipherSuite,
        sk: &SignaturePrivateKey,
    ) -> Result<SignaturePublicKey, CryptoError>;
    /// `Signature.Sign(sk, message)`; ECDSA signatures are DER encoded.
    fn sign(
        &self,
        cs: CipherSuite,
        sk: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError>;
    /// `Signature.Verify(pk, message, signature)`.
    fn verify(
        &self,
        cs: CipherSuite,
        pk: &SignaturePublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError>;
    /// Whether every `(public key, message, signature)` verifies
    /// (`Signature.Verify` of each). Implementations may check them together
    /// (batch verification); a `false` does not say which failed, so callers
    /// then check one by one to name it. The default checks one by one.
    fn verify_all(&self, cs: CipherSuite, items: &[(&[u8], &[u8], &[u8])]) -> bool {
        items.iter().all(|(pk, message, signature)| {
            self.verify(cs, &SignaturePublicKey(pk.to_vec()), message, signature)
                .is_ok()
        })
    }
    /// `len` bytes from the system CSPRNG.
    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, CryptoError>;
}
