//! Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1).

use crate::codec::{Encode, Writer};
use crate::crypto::{CipherSuite, CryptoProvider};
use crate::framing::AuthenticatedContentRef;

use crate::schedule::ScheduleError;

/// `confirmed_transcript_hash_[n] = Hash(interim_[n-1] || ConfirmedTranscriptHashInput)`
/// where the input is `wire_format || FramedContent || signature<V>`.
/// Where the content comes with its encoding (`framed`), that is hashed
/// instead of encoding the content again.
pub fn confirmed_transcript_hash<'a, P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    interim_before: &[u8],
    content: impl Into<AuthenticatedContentRef<'a>>,
) -> Result<Vec<u8>, ScheduleError> {
    let content = content.into();
    let signature = content.auth.signature.as_slice();
    let framed_len = content.framed.map_or(0, <[u8]>::len);
    let mut w = Writer::with_capacity(interim_before.len() + framed_len + signature.len() + 8);
    w.raw(interim_before);
    match content.framed {
        Some(framed) => w.raw(framed),
        None => {
            w.u16(content.wire_format);
            content.content.encode(&mut w)?;
        }
    }
    w.vl_bytes(signature)?;
    Ok(p.hash(cs, w.as_bytes()))
}

/// `interim_transcript_hash_[n] = Hash(confirmed_[n] || confirmation_tag<V>)`.
pub fn interim_transcript_hash<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    confirmed: &[u8],
    confirmation_tag: &[u8],
) -> Result<Vec<u8>, ScheduleError> {
    let mut w = Writer::new();
    w.raw(confirmed);
    w.vl_bytes(confirmation_tag)?;
    Ok(p.hash(cs, w.as_bytes()))
}

/// `confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)`.
pub fn confirmation_tag<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    confirmation_key: &[u8],
    confirmed: &[u8],
) -> Vec<u8> {
    p.hmac(cs, confirmation_key, confirmed)
}
