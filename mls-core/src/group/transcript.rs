//! Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1).

use crate::codec::{Encode, Writer};
use crate::crypto::{CipherSuite, CryptoProvider};
use crate::framing::AuthenticatedContent;

use crate::schedule::ScheduleError;

/// `confirmed_transcript_hash_[n] = Hash(interim_[n-1] || ConfirmedTranscriptHashInput)`
/// where the input is `wire_format || FramedContent || signature<V>`.
pub fn confirmed_transcript_hash<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    interim_before: &[u8],
    content: &AuthenticatedContent,
) -> Result<Vec<u8>, ScheduleError> {
    let mut w = Writer::new();
    w.raw(interim_before);
    w.u16(content.wire_format);
    content.content.encode(&mut w)?;
    content.auth.signature.encode(&mut w)?;
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
