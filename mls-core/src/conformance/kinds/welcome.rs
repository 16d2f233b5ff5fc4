//! `welcome.json`: opening a Welcome with the joiner's init key, checking the
//! GroupInfo signature and confirmation tag (RFC 9420 §12.4.3.1).

use crate::codec::{Decode, Encode};
use crate::crypto::{CipherSuite, HpkePrivateKey, RustCrypto, Secret, SignaturePublicKey};
use crate::framing::{MlsMessage, MlsMessageBody};
use crate::group::{
    confirmation_tag, decrypt_group_info, decrypt_group_secrets, find_secrets, verify_group_info,
};
use crate::schedule::JoinerSecrets;

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let kp = MlsMessage::decode_exact(&case.get("key_package")?.hex()?)
        .map_err(|e| format!("key_package does not decode: {e}"))?;
    let MlsMessageBody::KeyPackage(key_package) = kp.body else {
        return Err("key_package is not an MLSMessage(KeyPackage)".into());
    };
    let welcome = MlsMessage::decode_exact(&case.get("welcome")?.hex()?)
        .map_err(|e| format!("welcome does not decode: {e}"))?;
    let MlsMessageBody::Welcome(welcome) = welcome.body else {
        return Err("welcome is not an MLSMessage(Welcome)".into());
    };
    let init_priv = HpkePrivateKey(case.get("init_priv")?.hex()?.into());
    let entry = find_secrets(&p, cs, &welcome, &key_package).map_err(|e| e.to_string())?;
    let secrets = decrypt_group_secrets(
        &p,
        cs,
        &init_priv,
        entry,
        welcome.encrypted_group_info.as_slice(),
    )
    .map_err(|e| e.to_string())?;
    let joiner =
        JoinerSecrets::from_joiner(&p, cs, Secret::new(secrets.joiner_secret.0.clone()), None)
            .map_err(|e| e.to_string())?;
    let info = decrypt_group_info(
        &p,
        cs,
        &joiner.welcome_secret,
        welcome.encrypted_group_info.as_slice(),
    )
    .map_err(|e| e.to_string())?;
    verify_group_info(
        &p,
        cs,
        &info,
        &SignaturePublicKey(case.get("signer_pub")?.hex()?),
    )
    .map_err(|e| e.to_string())?;
    let context = info.group_context.to_bytes().map_err(|e| e.to_string())?;
    let epoch = joiner.epoch(&p, cs, &context).map_err(|e| e.to_string())?;
    let tag = confirmation_tag(
        &p,
        cs,
        epoch.confirmation_key.as_bytes(),
        info.group_context.confirmed_transcript_hash.as_slice(),
    );
    expect_eq("confirmation_tag", info.confirmation_tag.as_slice(), &tag)
}
