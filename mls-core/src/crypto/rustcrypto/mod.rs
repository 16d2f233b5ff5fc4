//! [`RustCrypto`]: the pure-Rust provider for all seven suites, on the
//! RustCrypto / dalek crates. HPKE base mode is implemented here directly
//! (RFC 9180), so every DHKEM, X448 included, shares one code path.

mod aead;
mod dhkem;
mod ed25519;
mod hash;
mod hpke;
mod kdf;
mod signature;

use super::error::CryptoError;
use super::provider::CryptoProvider;
use super::secret::{
    HpkeCiphertext, HpkeInfo, HpkePrivateKey, HpkePublicKey, Secret, SignaturePrivateKey,
    SignaturePublicKey,
};
use super::suite::{CipherSuite, KemAlg};

/// The one pure-Rust provider covering all seven suites.
#[derive(Debug, Default, Clone, Copy)]
pub struct RustCrypto;

fn fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|_| CryptoError::Randomness)
}

impl RustCrypto {
    /// `SealBase` with the ephemeral key `DeriveKeyPair(ikm_e)` instead of a
    /// random one: deterministic, for known-answer tests only.
    #[cfg(test)]
    pub(crate) fn hpke_seal_with_ikm(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        ikm_e: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        hpke::seal_base(cs, &pk.0, info, aad, plaintext, ikm_e)
    }

    /// `hpke_export_sender` with a chosen ephemeral key seed (known-answer tests).
    #[cfg(test)]
    pub(crate) fn hpke_export_sender_with_ikm(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
        ikm_e: &[u8],
    ) -> Result<(Vec<u8>, Secret), CryptoError> {
        hpke::setup_base_s_export(cs, &pk.0, info, exporter_context, len, ikm_e)
    }
}

impl CryptoProvider for RustCrypto {
    fn hash(&self, cs: CipherSuite, data: &[u8]) -> Vec<u8> {
        hash::hash(cs.hash_alg(), data)
    }

    fn hmac(&self, cs: CipherSuite, key: &[u8], data: &[u8]) -> Vec<u8> {
        hash::hmac(cs.hash_alg(), key, data)
    }

    fn kdf_extract(&self, cs: CipherSuite, salt: &[u8], ikm: &[u8]) -> Secret {
        hash::extract(cs.hash_alg(), salt, ikm)
    }

    fn kdf_expand(
        &self,
        cs: CipherSuite,
        prk: &[u8],
        info: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError> {
        hash::expand(cs.hash_alg(), prk, info, len)
    }

    fn aead_seal(
        &self,
        cs: CipherSuite,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::seal(cs.aead_alg(), key, nonce, aad, plaintext)
    }

    fn aead_open(
        &self,
        cs: CipherSuite,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aead::open(cs.aead_alg(), key, nonce, aad, ciphertext)
    }

    fn hpke_prepare_info(&self, cs: CipherSuite, info: Vec<u8>) -> HpkeInfo {
        let prepared = Some(hpke::key_schedule_context(cs, &info));
        HpkeInfo { info, prepared }
    }

    fn hpke_seal_prepared(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &HpkeInfo,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        let Some(context) = &info.prepared else {
            return self.hpke_seal(cs, pk, &info.info, aad, plaintext);
        };
        let mut ikm_e = Secret::new(vec![0u8; cs.kem_alg().n_sk()]);
        fill_random(ikm_e.as_mut_bytes())?;
        hpke::seal_base_with_context(cs, &pk.0, context, aad, plaintext, ikm_e.as_bytes())
    }

    fn hpke_seal_many(
        &self,
        cs: CipherSuite,
        info: &HpkeInfo,
        aad: &[u8],
        items: &[(&HpkePublicKey, &[u8])],
    ) -> Result<Vec<HpkeCiphertext>, CryptoError> {
        let (Some(context), KemAlg::X25519) = (&info.prepared, cs.kem_alg()) else {
            return items
                .iter()
                .map(|(pk, plaintext)| self.hpke_seal_prepared(cs, pk, info, aad, plaintext))
                .collect();
        };
        let mut ikm_e = Vec::with_capacity(items.len());
        for _ in items {
            let mut ikm = Secret::new(vec![0u8; cs.kem_alg().n_sk()]);
            fill_random(ikm.as_mut_bytes())?;
            ikm_e.push(ikm);
        }
        let items: Vec<(&[u8], &[u8])> = items
            .iter()
            .map(|(pk, plaintext)| (pk.0.as_slice(), *plaintext))
            .collect();
        hpke::seal_base_x25519_many(cs, context, aad, &items, &ikm_e)
    }

    fn hpke_seal(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        // GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (RFC 9180 §4).
        let mut ikm_e = Secret::new(vec![0u8; cs.kem_alg().n_sk()]);
        fill_random(ikm_e.as_mut_bytes())?;
        hpke::seal_base(cs, &pk.0, info, aad, plaintext, ikm_e.as_bytes())
    }

    fn hpke_export_sender(
        &self,
        cs: CipherSuite,
        pk: &HpkePublicKey,
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<(Vec<u8>, Secret), CryptoError> {
        let mut ikm_e = Secret::new(vec![0u8; cs.kem_alg().n_sk()]);
        fill_random(ikm_e.as_mut_bytes())?;
        hpke::setup_base_s_export(cs, &pk.0, info, exporter_context, len, ikm_e.as_bytes())
    }

    fn hpke_export_receiver(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
        kem_output: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Secret, CryptoError> {
        hpke::setup_base_r_export(cs, kem_output, sk.0.as_bytes(), info, exporter_context, len)
    }

    fn hpke_open(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
        info: &[u8],
        aad: &[u8],
        ct: &HpkeCiphertext,
    ) -> Result<Vec<u8>, CryptoError> {
        hpke::open_base(cs, sk.0.as_bytes(), info, aad, ct)
    }

    fn hpke_derive_key_pair(
        &self,
        cs: CipherSuite,
        ikm: &[u8],
    ) -> Result<(HpkePrivateKey, HpkePublicKey), CryptoError> {
        let (sk, pk) = dhkem::derive_key_pair(cs.kem_alg(), ikm)?;
        Ok((HpkePrivateKey(sk), HpkePublicKey(pk)))
    }

    fn hpke_generate_key_pair(
        &self,
        cs: CipherSuite,
    ) -> Result<(HpkePrivateKey, HpkePublicKey), CryptoError> {
        let mut ikm = Secret::new(vec![0u8; cs.kem_alg().n_sk()]);
        fill_random(ikm.as_mut_bytes())?;
        self.hpke_derive_key_pair(cs, ikm.as_bytes())
    }

    fn hpke_public_key(
        &self,
        cs: CipherSuite,
        sk: &HpkePrivateKey,
    ) -> Result<HpkePublicKey, CryptoError> {
        dhkem::public_key(cs.kem_alg(), sk.0.as_bytes()).map(HpkePublicKey)
    }

    fn signature_key_pair(
        &self,
        cs: CipherSuite,
    ) -> Result<(SignaturePrivateKey, SignaturePublicKey), CryptoError> {
        let (sk, pk) = signature::generate(cs.sig_alg(), fill_random)?;
        Ok((SignaturePrivateKey::new(sk), SignaturePublicKey(pk)))
    }

    fn signature_public_key(
        &self,
        cs: CipherSuite,
        sk: &SignaturePrivateKey,
    ) -> Result<SignaturePublicKey, CryptoError> {
        signature::public_key_of(cs.sig_alg(), sk).map(SignaturePublicKey)
    }

    fn sign(
        &self,
        cs: CipherSuite,
        sk: &SignaturePrivateKey,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        signature::sign_with_key(cs.sig_alg(), sk, message)
    }

    fn verify(
        &self,
        cs: CipherSuite,
        pk: &SignaturePublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        signature::verify(cs.sig_alg(), &pk.0, message, signature)
    }

    fn verify_all(&self, cs: CipherSuite, items: &[(&[u8], &[u8], &[u8])]) -> bool {
        signature::verify_all(cs.sig_alg(), items)
    }

    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, CryptoError> {
        let mut out = vec![0u8; len];
        fill_random(&mut out)?;
        Ok(out)
    }
}
