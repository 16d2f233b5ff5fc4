//! `crypto-basics.json`: the labelled operations of RFC 9420 §5 per suite.

use crate::crypto::{
    self, CipherSuite, HpkeCiphertext, HpkePrivateKey, HpkePublicKey, RustCrypto,
    SignaturePrivateKey, SignaturePublicKey,
};

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;

    let f = case.get("ref_hash")?;
    let label = f.get("label")?.str()?;
    let out = crypto::ref_hash(&p, cs, label.as_bytes(), &f.get("value")?.hex()?);
    expect_out(&f, "ref_hash", out)?;

    let f = case.get("expand_with_label")?;
    let (secret, label) = (f.get("secret")?.hex()?, f.get("label")?.str()?);
    let (context, length) = (f.get("context")?.hex()?, f.get("length")?.u16()?);
    let out = crypto::expand_with_label(&p, cs, &secret, label.as_bytes(), &context, length);
    expect_out(&f, "expand_with_label", out)?;

    let f = case.get("derive_secret")?;
    let (secret, label) = (f.get("secret")?.hex()?, f.get("label")?.str()?);
    expect_out(
        &f,
        "derive_secret",
        crypto::derive_secret(&p, cs, &secret, label.as_bytes()),
    )?;

    let f = case.get("derive_tree_secret")?;
    let (secret, label) = (f.get("secret")?.hex()?, f.get("label")?.str()?);
    let (generation, length) = (f.get("generation")?.u32()?, f.get("length")?.u16()?);
    let out = crypto::derive_tree_secret(&p, cs, &secret, label.as_bytes(), generation, length);
    expect_out(&f, "derive_tree_secret", out)?;

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

/// Compares a computed value with the `out` field of `f`; `check` names it.
fn expect_out<T: AsRef<[u8]>, E: std::fmt::Display>(
    f: &Field<'_>,
    check: &str,
    out: Result<T, E>,
) -> Result<(), String> {
    let out = out.map_err(|e| format!("{check}: {e}"))?;
    expect_eq(check, &f.get("out")?.hex()?, out.as_ref())
}
