//! Ed25519 verification (RFC 8032 §5.1.7), one signature or many at once.
//!
//! Both use the *cofactored* equation `[8][S]B = [8]R + [8][k]A`, the one
//! RFC 8032 states, so that a batch accepts exactly the signatures that
//! one-by-one checks accept (Chalkias, Garillot, Nikolaenko, "Taming the
//! many EdDSAs", 2020: ed25519-dalek's `verify` and `verify_batch` use the
//! cofactorless equation and can disagree on signatures whose R or A has a
//! small-order component; only the key's owner can make those, but a
//! joiner batching a tree and a member checking a key package one by one
//! must not reach different verdicts). On top of the equation the strict
//! checks: S below the group order, R canonically encoded, neither A nor R
//! of small order.
//!
//! A batch of n signatures is one multi-scalar multiplication of 2n + 1
//! points with fresh random 128-bit weights (Bernstein et al., "High-speed
//! high-security signatures", §4): several times cheaper per signature than
//! n checks. A failed batch does not say which signature is bad; callers
//! then check one by one to name it.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::Digest as _;

use crate::crypto::error::CryptoError;

/// One signature's parts, decoded and checked (everything but the equation).
struct Parts {
    a: EdwardsPoint,
    r: EdwardsPoint,
    s: Scalar,
    /// `k = SHA-512(R || A || M) mod L`.
    k: Scalar,
}

fn malformed_key(why: &str) -> CryptoError {
    CryptoError::MalformedSignatureKey {
        scheme: "Ed25519",
        expected: "a compressed Edwards point (RFC 8032 §5.1.5)",
        why: String::from(why),
    }
}

/// The decompressed key, remembered for the most recent keys: the same
/// members' keys verify message after message, and decompression (a square
/// root) is a sixth of a verification. Public data only; the cache is
/// emptied when full. A key of small order is refused (a "weak" key any
/// signature verifies under).
fn key_point(pk: &[u8; 32]) -> Result<EdwardsPoint, CryptoError> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<[u8; 32], EdwardsPoint>>;
    const CAPACITY: usize = 1 << 16;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(hit) = cache.lock().ok().and_then(|map| map.get(pk).copied()) {
        return Ok(hit);
    }
    let point = CompressedEdwardsY(*pk)
        .decompress()
        .ok_or_else(|| malformed_key("this one does not decompress to a curve point"))?;
    if point.is_small_order() {
        return Err(malformed_key("this one is a point of small order"));
    }
    if let Ok(mut map) = cache.lock() {
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(*pk, point);
    }
    Ok(point)
}

/// Whether the 255-bit y coordinate of an encoded point is below
/// p = 2^255 - 19 (the sign bit aside). The only other non-canonical
/// encodings, "-0" for x = 0, belong to points of small order.
fn canonical_y(bytes: &[u8; 32]) -> bool {
    let [first, middle @ .., last] = bytes;
    !(*last & 0x7f == 0x7f && middle.iter().all(|b| *b == 0xff) && *first >= 0xed)
}

fn parts(pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<Parts, CryptoError> {
    let pk: &[u8; 32] = pk
        .try_into()
        .map_err(|_| CryptoError::MalformedSignatureKey {
            scheme: "Ed25519",
            expected: "32 bytes (RFC 8032 §5.1.5)",
            why: format!("this one is {} bytes, not 32", pk.len()),
        })?;
    let a = key_point(pk)?;
    let (r_bytes, s_bytes): ([u8; 32], [u8; 32]) = match sig.split_at_checked(32) {
        Some((r, s)) => (
            r.try_into().map_err(|_| CryptoError::MalformedSignature)?,
            s.try_into().map_err(|_| CryptoError::MalformedSignature)?,
        ),
        None => return Err(CryptoError::MalformedSignature),
    };
    let bad = || CryptoError::SignatureVerification;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)).ok_or_else(bad)?;
    if !canonical_y(&r_bytes) {
        return Err(bad());
    }
    let r = CompressedEdwardsY(r_bytes).decompress().ok_or_else(bad)?;
    if r.is_small_order() {
        return Err(bad());
    }
    let mut h = sha2::Sha512::new();
    h.update(r_bytes);
    h.update(pk);
    h.update(msg);
    let digest: [u8; 64] = h.finalize().into();
    let k = Scalar::from_bytes_mod_order_wide(&digest);
    Ok(Parts { a, r, s, k })
}

/// Verifies one signature.
pub(super) fn verify(pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
    let Parts { a, r, s, k } = parts(pk, msg, sig)?;
    // [S]B - [k]A - R, times the cofactor, must be the identity.
    let check = EdwardsPoint::vartime_double_scalar_mul_basepoint(&-k, &a, &s) - r;
    if check.mul_by_cofactor().is_identity() {
        Ok(())
    } else {
        Err(CryptoError::SignatureVerification)
    }
}

/// Whether every `(public key, message, signature)` verifies. `false` when
/// any does not (or is malformed), without saying which.
pub(super) fn verify_batch(items: &[(&[u8], &[u8], &[u8])]) -> bool {
    if items.len() < 2 {
        return items
            .iter()
            .all(|(pk, msg, sig)| verify(pk, msg, sig).is_ok());
    }
    let mut all = Vec::with_capacity(items.len());
    for (pk, msg, sig) in items {
        match parts(pk, msg, sig) {
            Ok(p) => all.push(p),
            Err(_) => return false,
        }
    }
    // Fresh random weights: an adversary who knows them in advance could
    // make a bad signature cancel out against another.
    let mut random = vec![0u8; 16 * all.len()];
    if getrandom::fill(&mut random).is_err() {
        return false;
    }
    let weights: Vec<Scalar> = random
        .chunks_exact(16)
        .map(|z| {
            let mut wide = [0u8; 32];
            for (w, b) in wide.iter_mut().zip(z) {
                *w = *b;
            }
            Scalar::from_bytes_mod_order(wide)
        })
        .collect();
    // -(sum z_i S_i) B + sum z_i R_i + sum (z_i k_i) A_i, times the
    // cofactor, must be the identity.
    let base: Scalar = all.iter().zip(&weights).map(|(p, z)| z * p.s).sum();
    let scalars = std::iter::once(-base)
        .chain(weights.iter().copied())
        .chain(all.iter().zip(&weights).map(|(p, z)| z * p.k));
    let points = std::iter::once(curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
        .chain(all.iter().map(|p| p.r))
        .chain(all.iter().map(|p| p.a));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points)
        .mul_by_cofactor()
        .is_identity()
}
