//! Field trees of what a member decrypted from a PrivateMessage (§6.3):
//! the `SenderData` and the `PrivateMessageContent`. The bytes are the
//! decrypted plaintexts, not the input: the trees' byte ranges are offsets
//! into them.

use crate::codec::{Decode, Reader};
use crate::framing::{Content, FramedContentAuthData, SenderData};

use super::{DissectError, Field, build};

/// What a decrypted plaintext holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decrypted {
    /// `SenderData` (§6.3.2).
    SenderData,
    /// `PrivateMessageContent` (§6.3.1) of this content type.
    Content(u8),
}

/// The field tree of a decrypted plaintext under one root field
/// (`sender_data` or `private_message_content`), and where it stopped
/// being well-formed (padding must be zeros, §6.3.1).
pub fn decrypted_fields(
    bytes: &[u8],
    what: Decrypted,
    max_fields: usize,
) -> (Vec<Field>, Option<DissectError>) {
    let mut r = Reader::with_span_limit(bytes, max_fields);
    let result = match what {
        Decrypted::SenderData => r
            .field("sender_data", SenderData::decode)
            .map(drop)
            .and_then(|()| r.finish()),
        Decrypted::Content(content_type) => r.field("private_message_content", |r| {
            Content::decode_body(content_type, r)?;
            r.field("auth", |r| {
                FramedContentAuthData::decode_for(content_type, r)
            })?;
            r.field("padding", |r| {
                let at = r.position();
                let padding = r.bytes(r.remaining())?;
                match padding.iter().position(|b| *b != 0) {
                    None => Ok(()),
                    Some(i) => Err(r.invalid_at(at + i, "padding byte is not zero")),
                }
            })
        }),
    };
    let error = result.err();
    let spans = r.take_spans();
    let fields = build::field_tree(bytes, &spans, error.as_ref());
    let error = error.map(|e| DissectError {
        path: e.path.clone(),
        offset: e.offset,
        message: e.kind.to_string(),
    });
    (fields, error)
}
