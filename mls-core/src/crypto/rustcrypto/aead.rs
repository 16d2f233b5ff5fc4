//! AES-GCM and ChaCha20-Poly1305 with the tag appended to the ciphertext.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;

use crate::crypto::error::CryptoError;
use crate::crypto::suite::AeadAlg;

fn check_lengths(alg: AeadAlg, key: &[u8], nonce: &[u8]) -> Result<(), CryptoError> {
    if key.len() != alg.key_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD key",
            expected: alg.key_len(),
            got: key.len(),
        });
    }
    if nonce.len() != alg.nonce_len() {
        return Err(CryptoError::InvalidLength {
            what: "AEAD nonce",
            expected: alg.nonce_len(),
            got: nonce.len(),
        });
    }
    Ok(())
}

fn run<C: KeyInit + Aead>(
    key: &[u8],
    nonce: &[u8],
    payload: Payload<'_, '_>,
    seal: bool,
) -> Result<Vec<u8>, CryptoError> {
    let err = if seal {
        CryptoError::AeadSeal
    } else {
        CryptoError::AeadOpen
    };
    // The caller checked both lengths, so these conversions do not fail.
    let cipher = C::new_from_slice(key).map_err(|_| err.clone())?;
    let nonce = aes_gcm::aead::Nonce::<C>::try_from(nonce).map_err(|_| err.clone())?;
    let out = if seal {
        cipher.encrypt(&nonce, payload)
    } else {
        cipher.decrypt(&nonce, payload)
    };
    out.map_err(|_| err)
}

pub(crate) fn seal(
    alg: AeadAlg,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_lengths(alg, key, nonce)?;
    let payload = Payload {
        msg: plaintext,
        aad,
    };
    match alg {
        AeadAlg::Aes128Gcm => run::<Aes128Gcm>(key, nonce, payload, true),
        AeadAlg::Aes256Gcm => run::<Aes256Gcm>(key, nonce, payload, true),
        AeadAlg::ChaCha20Poly1305 => run::<ChaCha20Poly1305>(key, nonce, payload, true),
    }
}

pub(crate) fn open(
    alg: AeadAlg,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_lengths(alg, key, nonce)?;
    if ciphertext.len() < alg.tag_len() {
        return Err(CryptoError::AeadOpen);
    }
    let payload = Payload {
        msg: ciphertext,
        aad,
    };
    match alg {
        AeadAlg::Aes128Gcm => run::<Aes128Gcm>(key, nonce, payload, false),
        AeadAlg::Aes256Gcm => run::<Aes256Gcm>(key, nonce, payload, false),
        AeadAlg::ChaCha20Poly1305 => run::<ChaCha20Poly1305>(key, nonce, payload, false),
    }
}
