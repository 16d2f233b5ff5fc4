//! `crypto-basics.json`: the labelled operations of RFC 9420 §5 per suite.

use crate::crypto::{
    self, CipherSuite, HpkeCiphertext, HpkePrivateKey, HpkePublicKey, RustCrypto,
    SignaturePrivateKey, SignaturePublicKey,
};
use serde_json::Value;

use super::{CaseOutcome, expect_eq, suite_case};
use crate::conformance::json::Field;

pub fn check(case: &Value) -> CaseOutcome {
    suite_case(case, run)
}

fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;

    let f = case.get("ref_hash")?;
    let label = f.get("label")?.str()?;
    let out = crypto::ref_hash(&p, cs, label.as_bytes(), &f.get("value")?.hex()?)
        .map_err(|e| format!("ref_hash: {e}"))?;
    expect_eq("ref_hash", &f.get("out")?.hex()?, &out)?;

    let f = case.get("expand_with_label")?;
    let out = crypto::expand_with_label(
        &p,
        cs,
        &f.get("secret")?.hex()?,
        f.get("label")?.str()?.as_bytes(),
        &f.get("context")?.hex()?,
        f.get("length")?.u16()?,
    )
    .map_err(|e| format!("expand_with_label: {e}"))?;
    expect_eq("expand_with_label", &f.get("out")?.hex()?, out.as_bytes())?;

    let f = case.get("derive_secret")?;
    let out = crypto::derive_secret(
        &p,
        cs,
        &f.get("secret")?.hex()?,
        f.get("label")?.str()?.as_bytes(),
    )
    .map_err(|e| format!("derive_secret: {e}"))?;
    expect_eq("derive_secret", &f.get("out")?.hex()?, out.as_bytes())?;

    let f = case.get("derive_tree_secret")?;
    let out = crypto::derive_tree_secret(
        &p,
        cs,
        &f.get("secret")?.hex()?,
        f.get("label")?.str()?.as_bytes(),
        f.get("generation")?.u32()?,
        f.get("length")?.u16()?,
    )
    .map_err(|e| format!("derive_tree_secret: {e}"))?;
    expect_eq("derive_tree_secret", &f.get("out")?.hex()?, out.as_bytes())?;

    check_sign(&p, cs, &case.get("sign_with_label")?)?;
    check_encrypt(&p, cs, &case.get("encrypt_with_label")?)?;
    Ok(())
}

fn check_sign(p: &RustCrypto, cs: CipherSuite, f: &Field<'_>) -> Result<(), String> {
    let sk = SignaturePrivateKey::new(f.get("priv")?.hex()?.into());
    let pk = SignaturePublicKey(f.get("pub")?.hex()?);
    let label = f.get("label")?.str()?.as_bytes().to_vec();
    let content = f.get("content")?.hex()?;
    let signature = f.get("signature")?.hex()?;
    crypto::verify_with_label(p, cs, &pk, &label, &content, &signature)
        .map_err(|e| format!("sign_with_label: the vector's signature did not verify ({e})"))?;
    let derived = crypto::CryptoProvider::signature_public_key(p, cs, &sk)
        .map_err(|e| format!("sign_with_label: priv is not a usable key ({e})"))?;
    expect_eq("sign_with_label: public key of priv", &pk.0, &derived.0)?;
    let ours = crypto::sign_with_label(p, cs, &sk, &label, &content)
        .map_err(|e| format!("sign_with_label: signing failed ({e})"))?;
    crypto::verify_with_label(p, cs, &pk, &label, &content, &ours)
        .map_err(|e| format!("sign_with_label: our own signature did not verify ({e})"))?;
    Ok(())
}

fn check_encrypt(p: &RustCrypto, cs: CipherSuite, f: &Field<'_>) -> Result<(), String> {
    let sk = HpkePrivateKey(f.get("priv")?.hex()?.into());
    let pk = HpkePublicKey(f.get("pub")?.hex()?);
    let label = f.get("label")?.str()?.as_bytes().to_vec();
    let context = f.get("context")?.hex()?;
    let plaintext = f.get("plaintext")?.hex()?;
    let given = HpkeCiphertext {
        kem_output: f.get("kem_output")?.hex()?,
        ciphertext: f.get("ciphertext")?.hex()?,
    };
    let opened = crypto::decrypt_with_label(p, cs, &sk, &label, &context, &given).map_err(|e| {
        format!("encrypt_with_label: the vector's ciphertext did not decrypt ({e})")
    })?;
    expect_eq(
        "encrypt_with_label: decrypted plaintext",
        &plaintext,
        &opened,
    )?;
    let ours = crypto::encrypt_with_label(p, cs, &pk, &label, &context, &plaintext)
        .map_err(|e| format!("encrypt_with_label: encryption failed ({e})"))?;
    let reopened = crypto::decrypt_with_label(p, cs, &sk, &label, &context, &ours)
        .map_err(|e| format!("encrypt_with_label: our own ciphertext did not decrypt ({e})"))?;
    expect_eq("encrypt_with_label: round trip", &plaintext, &reopened)?;
    Ok(())
}
