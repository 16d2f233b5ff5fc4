//! RFC 9180 HPKE in base mode, single shot (`SealBase` / `OpenBase`, §6.1),
//! which is all MLS uses.

use crate::crypto::error::CryptoError;
use crate::crypto::secret::{HpkeCiphertext, Secret};
use crate::crypto::suite::CipherSuite;

use super::kdf::{labeled_expand, labeled_extract};
use super::{aead, dhkem};

const MODE_BASE: u8 = 0x00;

/// `suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2))`.
fn suite_id(cs: CipherSuite) -> Vec<u8> {
    let mut id = b"HPKE".to_vec();
    id.extend_from_slice(&cs.kem_id().to_be_bytes());
    id.extend_from_slice(&cs.kdf_id().to_be_bytes());
    id.extend_from_slice(&cs.aead_id().to_be_bytes());
    id
}

/// `key_schedule_context = concat(mode_base, psk_id_hash, info_hash)` (RFC
/// 9180 §5.1): everything the key schedule derives from `info` alone, so
/// that sealing to many recipients with one `info` hashes it once.
pub(crate) fn key_schedule_context(cs: CipherSuite, info: &[u8]) -> Vec<u8> {
    let h = cs.hash_alg();
    let sid = suite_id(cs);
    let psk_id_hash = labeled_extract(h, &sid, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(h, &sid, b"", b"info_hash", info);
    let mut context = Vec::with_capacity(1 + psk_id_hash.len() + info_hash.len());
    context.push(MODE_BASE);
    context.extend_from_slice(psk_id_hash.as_bytes());
    context.extend_from_slice(info_hash.as_bytes());
    context
}

/// `KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "")`
/// (RFC 9180 §5.1) from the precomputed `key_schedule_context`; returns
/// `(key, base_nonce)`. A single-shot context uses sequence number 0, so its
/// nonce is `base_nonce` itself.
fn key_schedule_base(
    cs: CipherSuite,
    shared_secret: &Secret,
    context: &[u8],
) -> Result<(Secret, Secret), CryptoError> {
    let (key, nonce, _) = key_schedule_base_full(cs, shared_secret, context, false)?;
    Ok((key, nonce))
}

/// The base-mode key schedule, also deriving the exporter secret when
/// `with_exporter` (RFC 9180 §5.1: `exporter_secret = LabeledExpand(secret,
/// "exp", key_schedule_context, Nh)`).
fn key_schedule_base_full(
    cs: CipherSuite,
    shared_secret: &Secret,
    context: &[u8],
    with_exporter: bool,
) -> Result<(Secret, Secret, Option<Secret>), CryptoError> {
    let h = cs.hash_alg();
    let sid = suite_id(cs);
    let secret = labeled_extract(h, &sid, shared_secret.as_bytes(), b"secret", b"");
    let key = labeled_expand(
        h,
        &sid,
        secret.as_bytes(),
        b"key",
        context,
        cs.aead_key_len(),
    )?;
    let nonce = labeled_expand(
        h,
        &sid,
        secret.as_bytes(),
        b"base_nonce",
        context,
        cs.aead_nonce_len(),
    )?;
    let exporter = if with_exporter {
        Some(labeled_expand(
            h,
            &sid,
            secret.as_bytes(),
            b"exp",
            context,
            cs.hash_len(),
        )?)
    } else {
        None
    };
    Ok((key, nonce, exporter))
}

/// `Context.Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", exporter_context, L)`.
fn export(
    cs: CipherSuite,
    exporter_secret: &Secret,
    exporter_context: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    labeled_expand(
        cs.hash_alg(),
        &suite_id(cs),
        exporter_secret.as_bytes(),
        b"sec",
        exporter_context,
        len,
    )
}

/// `SetupBaseS(pkR, info)` then `Export(exporter_context, L)`; returns
/// `(enc, exported)`.
pub(crate) fn setup_base_s_export(
    cs: CipherSuite,
    pk_r: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
    ikm_e: &[u8],
) -> Result<(Vec<u8>, Secret), CryptoError> {
    let (shared_secret, enc) = dhkem::encap(cs.kem_alg(), pk_r, ikm_e)?;
    let (_, _, exporter) =
        key_schedule_base_full(cs, &shared_secret, &key_schedule_context(cs, info), true)?;
    let exporter = exporter.ok_or(CryptoError::OutputTooLong)?;
    Ok((enc, export(cs, &exporter, exporter_context, len)?))
}

/// `SetupBaseR(enc, skR, info)` then `Export(exporter_context, L)`.
pub(crate) fn setup_base_r_export(
    cs: CipherSuite,
    enc: &[u8],
    sk_r: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    len: usize,
) -> Result<Secret, CryptoError> {
    let shared_secret = dhkem::decap(cs.kem_alg(), enc, sk_r)?;
    let (_, _, exporter) =
        key_schedule_base_full(cs, &shared_secret, &key_schedule_context(cs, info), true)?;
    let exporter = exporter.ok_or(CryptoError::OutputTooLong)?;
    export(cs, &exporter, exporter_context, len)
}

/// `SealBase(pkR, info, aad, pt)`, the ephemeral key being `DeriveKeyPair(ikm_e)`.
pub(crate) fn seal_base(
    cs: CipherSuite,
    pk_r: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    ikm_e: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    let context = key_schedule_context(cs, info);
    seal_base_with_context(cs, pk_r, &context, aad, plaintext, ikm_e)
}

/// `SealBase` with the `key_schedule_context` of its `info` precomputed
/// ([`key_schedule_context`]).
pub(crate) fn seal_base_with_context(
    cs: CipherSuite,
    pk_r: &[u8],
    context: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    ikm_e: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    let (shared_secret, enc) = dhkem::encap(cs.kem_alg(), pk_r, ikm_e)?;
    seal_encapsulated(cs, &shared_secret, enc, context, aad, plaintext)
}

/// The rest of `SealBase` once the KEM gave `(shared_secret, enc)`: the key
/// schedule under `context` and the AEAD.
fn seal_encapsulated(
    cs: CipherSuite,
    shared_secret: &Secret,
    enc: Vec<u8>,
    context: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    let (key, nonce) = key_schedule_base(cs, shared_secret, context)?;
    let ciphertext = aead::seal(
        cs.aead_alg(),
        key.as_bytes(),
        nonce.as_bytes(),
        aad,
        plaintext,
    )?;
    Ok(HpkeCiphertext {
        kem_output: enc,
        ciphertext,
    })
}

/// `SealBase(pkR_i, info, aad, pt_i)` for many X25519 recipients under one
/// precomputed `key_schedule_context`, the ephemeral keys being
/// `DeriveKeyPair(ikm_e_i)`: the KEM shares its field inversions
/// ([`dhkem::encap_x25519_many`]). Outputs in order.
pub(crate) fn seal_base_x25519_many(
    cs: CipherSuite,
    context: &[u8],
    aad: &[u8],
    items: &[(&[u8], &[u8])],
    ikm_e: &[Secret],
) -> Result<Vec<HpkeCiphertext>, CryptoError> {
    let recipients: Vec<(&[u8], &[u8])> = items
        .iter()
        .zip(ikm_e)
        .map(|((pk, _), ikm)| (*pk, ikm.as_bytes()))
        .collect();
    let encapsulated = dhkem::encap_x25519_many(&recipients)?;
    items
        .iter()
        .zip(encapsulated)
        .map(|((_, plaintext), (shared_secret, enc))| {
            seal_encapsulated(cs, &shared_secret, enc, context, aad, plaintext)
        })
        .collect()
}

/// `OpenBase(enc, skR, info, aad, ct)`.
pub(crate) fn open_base(
    cs: CipherSuite,
    sk_r: &[u8],
    info: &[u8],
    aad: &[u8],
    ct: &HpkeCiphertext,
) -> Result<Vec<u8>, CryptoError> {
    let shared_secret = dhkem::decap(cs.kem_alg(), &ct.kem_output, sk_r)?;
    let (key, nonce) = key_schedule_base(cs, &shared_secret, &key_schedule_context(cs, info))?;
    aead::open(
        cs.aead_alg(),
        key.as_bytes(),
        nonce.as_bytes(),
        aad,
        &ct.ciphertext,
    )
    .map_err(|e| match e {
        CryptoError::AeadOpen => CryptoError::HpkeOpen,
        other => other,
    })
}
