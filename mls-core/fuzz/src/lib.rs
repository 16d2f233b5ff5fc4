//! Fixtures shared by the fuzz targets: fixed group states and the valid
//! messages made for them, built once per process.
//!
//! A fixture is saved under `fuzz/fixtures/` (gitignored) and reloaded by
//! later runs, so a crash artifact found after a signature check replays
//! against the same state. It is rebuilt when missing, unreadable or older
//! than [`MAX_AGE`] (the key packages in it live a day). Each target's
//! `init` writes the fixture's valid messages as `fixture-*` seeds into its
//! corpus directory before libFuzzer reads it.

pub mod fixtures;

use std::path::PathBuf;
use std::time::Duration;

/// Older fixtures are rebuilt (their key packages expire after a day).
pub const MAX_AGE: Duration = Duration::from_secs(12 * 3600);

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Length-prefixed parts (u32 big-endian length, then the bytes).
pub fn encode_parts(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// The inverse of [`encode_parts`]; `None` if the bytes are not such parts.
pub fn decode_parts(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut parts = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_at_checked(4)?;
        let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
        let (part, rest) = rest.split_at_checked(len)?;
        parts.push(part.to_vec());
        bytes = rest;
    }
    Some(parts)
}

/// The fixture `name`: loaded from `fuzz/fixtures/NAME.bin` if it is fresh
/// and `parse` accepts it, else built by `build`, saved and parsed.
pub fn load_or_build<T>(
    name: &str,
    build: impl FnOnce() -> Vec<Vec<u8>>,
    parse: impl Fn(&[Vec<u8>]) -> Option<T>,
) -> T {
    let path = fuzz_dir().join("fixtures").join(format!("{name}.bin"));
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < MAX_AGE);
    if fresh
        && let Some(t) = std::fs::read(&path)
            .ok()
            .and_then(|b| decode_parts(&b))
            .and_then(|parts| parse(&parts))
    {
        return t;
    }
    let parts = build();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&path, encode_parts(&parts));
    parse(&parts).expect("a freshly built fixture parses")
}

/// Writes `seeds` as `corpus/TARGET/fixture-NAME` (overwriting older ones).
pub fn write_seeds(target: &str, seeds: &[(String, Vec<u8>)]) {
    let dir = fuzz_dir().join("corpus").join(target);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    for (name, bytes) in seeds {
        let _ = std::fs::write(dir.join(format!("fixture-{name}")), bytes);
    }
}

/// Processes `data` as an MLSMessage on a clone of `fixture` (only a
/// PrivateMessage if `private_only`); merges a staged commit on a further
/// clone. Asserts that a refused message, and a refused merge, left the
/// state byte-identical. First reads it with `Group::read_message` (the
/// inspector's read-only "decode with a group"), which must leave the state
/// as it was, and dissects what that decrypted.
pub fn receive(fixture: &mls_core::group::Group, data: &[u8], private_only: bool) {
    use mls_core::codec::Decode;
    use mls_core::crypto::RustCrypto;
    use mls_core::framing::{MlsMessage, MlsMessageBody};
    use mls_core::group::Received;

    let Ok(message) = MlsMessage::decode_exact(data) else {
        return;
    };
    if private_only && !matches!(message.body, MlsMessageBody::PrivateMessage(_)) {
        return;
    }
    let state =
        |g: &mls_core::group::Group| g.to_bytes().expect("state encodes").as_bytes().to_vec();
    let mut g = fixture.clone();
    let before = state(&g);
    // The inspector's read-only reading (decode with a group): never
    // panics, never changes the state, and what it decrypts dissects.
    if let Ok(reading) = g.read_message(&RustCrypto, &message) {
        use mls_core::inspect::{Decrypted, decrypted_fields};
        if let Some((_, bytes)) = &reading.sender_data {
            let _ = decrypted_fields(bytes, Decrypted::SenderData, 1000);
        }
        if let Some((content_type, plain)) = &reading.content {
            let _ = decrypted_fields(plain.as_bytes(), Decrypted::Content(*content_type), 10_000);
        }
    }
    assert!(
        state(&g) == before,
        "reading with the group changed the state"
    );
    match g.process(&RustCrypto, &message) {
        Err(e) => assert!(
            state(&g) == before,
            "refused message changed the state: {e}"
        ),
        Ok(Received::Commit(staged)) => {
            assert!(state(&g) == before, "staging a commit changed the state");
            let mut next = g.clone();
            if let Err(e) = next.merge(*staged) {
                assert!(
                    state(&next) == before,
                    "refused merge changed the state: {e}"
                );
            }
        }
        Ok(_) => {}
    }
}
