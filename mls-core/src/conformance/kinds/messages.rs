//! `messages.json`: every structure decodes strictly and re-encodes to the
//! same bytes (RFC 9420 wire syntax).

use crate::codec::{Decode, Encode, VlBytes};
use crate::framing::{
    CONTENT_TYPE_APPLICATION, CONTENT_TYPE_COMMIT, CONTENT_TYPE_PROPOSAL, MlsMessage,
    MlsMessageBody, WIRE_FORMAT_GROUP_INFO, WIRE_FORMAT_KEY_PACKAGE, WIRE_FORMAT_PRIVATE_MESSAGE,
    WIRE_FORMAT_PUBLIC_MESSAGE, WIRE_FORMAT_WELCOME,
};
use crate::messages::{
    Commit, Extension, GroupSecrets, KeyPackage, LeafNode, PreSharedKeyId, RatchetTree, ReInit,
};

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

/// What an `MLSMessage` field must hold.
enum Expect {
    WireFormat(u16),
    Public(u8),
}

pub fn run(case: &Field<'_>) -> Result<(), String> {
    let messages: [(&str, Expect); 7] = [
        ("mls_welcome", Expect::WireFormat(WIRE_FORMAT_WELCOME)),
        ("mls_group_info", Expect::WireFormat(WIRE_FORMAT_GROUP_INFO)),
        (
            "mls_key_package",
            Expect::WireFormat(WIRE_FORMAT_KEY_PACKAGE),
        ),
        (
            "public_message_application",
            Expect::Public(CONTENT_TYPE_APPLICATION),
        ),
        (
            "public_message_proposal",
            Expect::Public(CONTENT_TYPE_PROPOSAL),
        ),
        ("public_message_commit", Expect::Public(CONTENT_TYPE_COMMIT)),
        (
            "private_message",
            Expect::WireFormat(WIRE_FORMAT_PRIVATE_MESSAGE),
        ),
    ];
    for (name, expect) in messages {
        let bytes = case.get(name)?.hex()?;
        let message: MlsMessage = round_trip(name, &bytes)?;
        match expect {
            Expect::WireFormat(wf) if message.body.wire_format() != wf => {
                return Err(format!(
                    "{name}: wire format {} where {wf} was expected",
                    message.body.wire_format()
                ));
            }
            Expect::Public(ct) => match &message.body {
                MlsMessageBody::PublicMessage(m) if m.content.content.content_type() == ct => {}
                MlsMessageBody::PublicMessage(m) => {
                    return Err(format!(
                        "{name}: content type {} where {ct} was expected",
                        m.content.content.content_type()
                    ));
                }
                _ => {
                    return Err(format!(
                        "{name}: wire format {} where {WIRE_FORMAT_PUBLIC_MESSAGE} was expected",
                        message.body.wire_format()
                    ));
                }
            },
            Expect::WireFormat(_) => {}
        }
    }
    let bytes = |name: &str| case.get(name).and_then(|f| f.hex());
    round_trip::<RatchetTree>("ratchet_tree", &bytes("ratchet_tree")?)?;
    round_trip::<GroupSecrets>("group_secrets", &bytes("group_secrets")?)?;
    round_trip::<KeyPackage>("add_proposal", &bytes("add_proposal")?)?;
    round_trip::<LeafNode>("update_proposal", &bytes("update_proposal")?)?;
    round_trip::<u32>("remove_proposal", &bytes("remove_proposal")?)?;
    round_trip::<PreSharedKeyId>(
        "pre_shared_key_proposal",
        &bytes("pre_shared_key_proposal")?,
    )?;
    round_trip::<ReInit>("re_init_proposal", &bytes("re_init_proposal")?)?;
    round_trip::<VlBytes>("external_init_proposal", &bytes("external_init_proposal")?)?;
    round_trip::<Vec<Extension>>(
        "group_context_extensions_proposal",
        &bytes("group_context_extensions_proposal")?,
    )?;
    round_trip::<Commit>("commit", &bytes("commit")?)?;
    Ok(())
}

/// Decodes all of `bytes` as `T` and checks it re-encodes to the same bytes.
fn round_trip<T: Decode + Encode>(name: &str, bytes: &[u8]) -> Result<T, String> {
    let value = T::decode_exact(bytes).map_err(|e| format!("{name}: does not decode: {e}"))?;
    let encoded = value
        .to_bytes()
        .map_err(|e| format!("{name}: does not re-encode: {e}"))?;
    expect_eq(&format!("{name}: re-encoding"), bytes, &encoded)?;
    Ok(value)
}
