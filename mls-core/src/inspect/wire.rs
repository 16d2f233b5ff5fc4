//! Interop wire helpers: wrapping a bare PublicMessage or PrivateMessage
//! body into an `MLSMessage` (RFC 9420 §6) and taking it back out, byte for
//! byte. Used by the CLI's `wire` commands and the Decoder's wrap/unwrap
//! buttons.
//!
//! The body is decoded strictly before it is wrapped, and the result must
//! end with exactly the given bytes: a body that would re-encode
//! differently is refused instead of silently rewritten.

use crate::codec::{Decode as _, DecodeError, Encode as _};
use crate::framing::{MlsMessage, MlsMessageBody, PrivateMessage, PublicMessage};

use super::MessageKind;

/// An MLSMessage header: `version` (uint16) and `wire_format` (uint16).
const HEADER_LEN: usize = 4;

/// The two framed messages the helpers handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A PublicMessage ("plaintext", "handshake").
    Public,
    /// A PrivateMessage ("ciphertext", "application").
    Private,
}

impl Framing {
    /// The dissector's kind for a bare body of this framing.
    pub fn kind(self) -> MessageKind {
        match self {
            Framing::Public => MessageKind::PublicMessage,
            Framing::Private => MessageKind::PrivateMessage,
        }
    }

    /// The framing of a bare body kind, if it is one.
    pub fn of_kind(kind: MessageKind) -> Option<Self> {
        match kind {
            MessageKind::PublicMessage => Some(Framing::Public),
            MessageKind::PrivateMessage => Some(Framing::Private),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        self.kind().name()
    }
}

/// Why a body could not be wrapped or unwrapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The bytes are not a strictly encoded body of the framing.
    #[error("not a {}: {error}", framing.name())]
    NotABody {
        framing: Framing,
        error: DecodeError,
    },
    /// The body decodes but encodes back to other bytes.
    #[error(
        "the {} does not re-encode to the same bytes (non-canonical input?)",
        framing.name()
    )]
    NotCanonical { framing: Framing },
    /// The MLSMessage could not be encoded.
    #[error("cannot encode the MLSMessage: {0}")]
    Encode(String),
    /// The bytes are not a strictly encoded MLSMessage.
    #[error("not an MLSMessage: {0}")]
    NotAnMlsMessage(DecodeError),
    /// The MLSMessage holds another kind of body.
    #[error(
        "the MLSMessage holds a {found} (wire format {wire_format}), not a {}",
        expected.name()
    )]
    WrongBody {
        expected: Framing,
        found: &'static str,
        wire_format: u16,
    },
}

/// Decodes `body` strictly as the framing's message and wraps it into an
/// MLSMessage; the result ends with exactly `body`.
pub fn wrap(body: &[u8], framing: Framing) -> Result<Vec<u8>, WireError> {
    let not_a = |error| WireError::NotABody { framing, error };
    let body_value = match framing {
        Framing::Public => {
            MlsMessageBody::PublicMessage(PublicMessage::decode_exact(body).map_err(not_a)?)
        }
        Framing::Private => {
            MlsMessageBody::PrivateMessage(PrivateMessage::decode_exact(body).map_err(not_a)?)
        }
    };
    let message = MlsMessage::new(body_value)
        .to_bytes()
        .map_err(|e| WireError::Encode(e.to_string()))?;
    if message.get(HEADER_LEN..) != Some(body) {
        return Err(WireError::NotCanonical { framing });
    }
    Ok(message)
}

/// Decodes `message` strictly as an MLSMessage holding the framing's
/// message and returns the body's bytes, exactly as they were.
pub fn unwrap(message: &[u8], framing: Framing) -> Result<Vec<u8>, WireError> {
    let decoded = MlsMessage::decode_exact(message).map_err(WireError::NotAnMlsMessage)?;
    let matches = matches!(
        (&decoded.body, framing),
        (MlsMessageBody::PublicMessage(_), Framing::Public)
            | (MlsMessageBody::PrivateMessage(_), Framing::Private)
    );
    if !matches {
        return Err(WireError::WrongBody {
            expected: framing,
            found: body_name(&decoded.body),
            wire_format: decoded.body.wire_format(),
        });
    }
    // Decoded exactly, so the header is there.
    Ok(message
        .get(HEADER_LEN..)
        .map(<[u8]>::to_vec)
        .unwrap_or_default())
}

/// The framing of the body an MLSMessage holds, if it is a PublicMessage or
/// PrivateMessage (so [`unwrap`] applies).
pub fn framing_of(message: &[u8]) -> Option<Framing> {
    match MlsMessage::decode_exact(message).ok()?.body {
        MlsMessageBody::PublicMessage(_) => Some(Framing::Public),
        MlsMessageBody::PrivateMessage(_) => Some(Framing::Private),
        _ => None,
    }
}

fn body_name(body: &MlsMessageBody) -> &'static str {
    match body {
        MlsMessageBody::PublicMessage(_) => "PublicMessage",
        MlsMessageBody::PrivateMessage(_) => "PrivateMessage",
        MlsMessageBody::Welcome(_) => "Welcome",
        MlsMessageBody::GroupInfo(_) => "GroupInfo",
        MlsMessageBody::KeyPackage(_) => "KeyPackage",
    }
}
