//! `transcript-hashes.json`: confirmed and interim transcript hashes and the
//! confirmation tag (RFC 9420 §8.2).

use crate::codec::Decode;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::framing::{AuthenticatedContent, Content};
use crate::group::{confirmation_tag, confirmed_transcript_hash, interim_transcript_hash};

use crate::conformance::check::{expect_eq, expect_field};
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let bytes = case.get("authenticated_content")?.hex()?;
    let content = AuthenticatedContent::decode_exact(&bytes)
        .map_err(|e| format!("authenticated_content does not decode: {e}"))?;
    if !matches!(content.content.content, Content::Commit(_)) {
        return Err("authenticated_content does not hold a Commit".into());
    }
    let tag = content
        .auth
        .confirmation_tag
        .as_ref()
        .ok_or("authenticated_content has no confirmation tag")?;
    let confirmed = confirmed_transcript_hash(
        &p,
        cs,
        &case.get("interim_transcript_hash_before")?.hex()?,
        &content,
    )
    .map_err(|e| e.to_string())?;
    expect_field(
        case,
        "confirmed_transcript_hash_after",
        "confirmed_transcript_hash_after",
        &confirmed,
    )?;
    let expected_tag = confirmation_tag(&p, cs, &case.get("confirmation_key")?.hex()?, &confirmed);
    expect_eq("confirmation_tag", tag.as_slice(), &expected_tag)?;
    let interim =
        interim_transcript_hash(&p, cs, &confirmed, tag.as_slice()).map_err(|e| e.to_string())?;
    expect_eq(
        "interim_transcript_hash_after",
        &case.get("interim_transcript_hash_after")?.hex()?,
        &interim,
    )
}
