//! The Messaging Layer Security protocol (RFC 9420) for MLS Inspector:
//! wire structures, cryptography for the seven cipher suites, the ratchet
//! tree, the key schedule and the group state machine. Protocol only: no
//! SQLite, no GUI, no terminal code (the `mls-inspector` app holds those).
//!
//! # Where each part of the RFC lives
//!
//! | RFC 9420 | module |
//! |---|---|
//! | §2.1 presentation language, variable-size lengths | [`codec`] |
//! | §5.1, §5.2 cipher suites; labelled hash, KDF, signatures, HPKE; refs | [`crypto`] |
//! | §5.3 credentials; §5.3.1 the Authentication Service; X.509 | [`credential`] |
//! | §4 tree math; §7 ratchet tree, tree and parent hashes, TreeKEM | [`tree`] |
//! | §6 MLSMessage, PublicMessage, PrivateMessage, sender data | [`framing`] |
//! | §8 key schedule, §8.4 PSKs, §8.5 exporter, §9 secret tree | [`schedule`] |
//! | §5–§13 every structure on the wire | [`messages`] |
//! | §8.2 transcript hashes; §10 key packages; §11 ReInit and branch; §12.1–§12.3 proposals; §12.4 commits, Welcome (§12.4.3.1), external commits (§12.4.3.2) | [`group`] |
//! | application policy; competing commits of one epoch | [`policy`] |
//! | any wire value as a field tree with byte ranges | [`inspect`] |
//! | the official interop test vectors (feature `conformance`) | `conformance` |
//!
//! # Dependency order
//!
//! Each module uses only those on its left: [`codec`], [`time`] ←
//! [`crypto`], [`messages`] ← [`credential`], [`tree`] ← [`schedule`] ←
//! [`framing`] ← [`group`] ← [`policy`], [`inspect`], `conformance`.
//!
//! # Errors
//!
//! Every check a receiver must perform fails with its own variant (see
//! [`group::GroupError`] and the per-area enums beside it), naming the RFC
//! rule and carrying what identifies the failing item; a rejected message
//! leaves the group exactly as it was.

// Truncating `as` casts are refused here (issue 13): lengths and indices
// go through `try_from` with a typed error, or carry a local `allow`
// saying why the value fits.
#![deny(clippy::cast_possible_truncation)]

pub mod codec;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod credential;
pub mod crypto;
pub mod framing;
pub mod group;
pub mod inspect;
pub mod messages;
pub mod policy;
pub mod schedule;
#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;
pub mod time;
pub mod tree;
