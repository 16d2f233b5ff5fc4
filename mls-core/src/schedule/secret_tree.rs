//! The secret tree and its per-sender hash ratchets (RFC 9420 §9), and the
//! sender data key and nonce (§6.3.2).

use std::collections::BTreeMap;

use crate::crypto::{CipherSuite, CryptoProvider, Secret, derive_tree_secret, expand_with_label};
use crate::tree::math::{self, TreeSize};

use super::ScheduleError;

/// The two ratchets every leaf has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatchetKind {
    Handshake,
    Application,
}

/// An AEAD key and nonce for one generation of one ratchet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNonce {
    pub key: Secret,
    pub nonce: Secret,
    pub generation: u32,
}

fn len16(what: &'static str, len: usize) -> Result<u16, ScheduleError> {
    u16::try_from(len).map_err(|_| ScheduleError::Length {
        what,
        expected: usize::from(u16::MAX),
        len,
    })
}

/// Tuning of the per-sender ratchets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatchetConfig {
    /// Keys of skipped generations kept for out-of-order delivery.
    pub window_size: u32,
    /// How far ahead of the ratchet a message's generation may be.
    pub max_generation_gap: u32,
    /// Plaintext bytes one sender's ratchet may protect in an epoch.
    pub aead_limit_bytes: u64,
}

impl Default for RatchetConfig {
    fn default() -> Self {
        RatchetConfig {
            window_size: 128,
            max_generation_gap: 1000,
            // Far below the AES-GCM and ChaCha20-Poly1305 usage limits.
            aead_limit_bytes: 1 << 36,
        }
    }
}

/// A hash ratchet (§9.1): `secret_[j+1] = DeriveTreeSecret(secret_[j], "secret", j, Nh)`.
/// Moving forward deletes the secrets behind it; the keys of skipped
/// generations are kept in a bounded window, each usable once.
#[derive(Debug, Clone)]
pub struct HashRatchet {
    cs: CipherSuite,
    secret: Secret,
    generation: u32,
    config: RatchetConfig,
    window: BTreeMap<u32, KeyNonce>,
    used_bytes: u64,
}

impl HashRatchet {
    pub fn new(cs: CipherSuite, secret: Secret) -> Self {
        Self::with_config(cs, secret, RatchetConfig::default())
    }

    pub fn with_config(cs: CipherSuite, secret: Secret, config: RatchetConfig) -> Self {
        HashRatchet {
            cs,
            secret,
            generation: 0,
            config,
            window: BTreeMap::new(),
            used_bytes: 0,
        }
    }

    /// The next generation this ratchet can produce.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Generations behind the ratchet whose keys are still kept.
    pub fn window(&self) -> impl Iterator<Item = u32> + '_ {
        self.window.keys().copied()
    }

    fn derive_current<P: CryptoProvider + ?Sized>(&self, p: &P) -> Result<KeyNonce, ScheduleError> {
        let cs = self.cs;
        let g = self.generation;
        Ok(KeyNonce {
            key: derive_tree_secret(
                p,
                cs,
                self.secret.as_bytes(),
                b"key",
                g,
                len16("AEAD key length", cs.aead_key_len())?,
            )?,
            nonce: derive_tree_secret(
                p,
                cs,
                self.secret.as_bytes(),
                b"nonce",
                g,
                len16("AEAD nonce length", cs.aead_nonce_len())?,
            )?,
            generation: g,
        })
    }

    fn advance<P: CryptoProvider + ?Sized>(&mut self, p: &P) -> Result<(), ScheduleError> {
        let nh = len16("hash length", self.cs.hash_len())?;
        self.secret = derive_tree_secret(
            p,
            self.cs,
            self.secret.as_bytes(),
            b"secret",
            self.generation,
            nh,
        )?;
        self.generation = self
            .generation
            .checked_add(1)
            .ok_or(ScheduleError::GenerationGap {
                leaf: 0,
                requested: u32::MAX,
                current: self.generation,
                gap: 1,
                max_gap: 0,
            })?;
        Ok(())
    }

    /// The key and nonce of `generation`, usable once. Ahead of the ratchet
    /// (within `max_generation_gap`) the ratchet moves on, keeping the keys
    /// it skips in the window; behind it, only a key still in the window is
    /// returned (and removed), so replays fail.
    pub fn key_nonce<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        generation: u32,
    ) -> Result<KeyNonce, ScheduleError> {
        if generation < self.generation {
            return self
                .window
                .remove(&generation)
                .ok_or(ScheduleError::GenerationConsumed {
                    leaf: 0,
                    requested: generation,
                    current: self.generation,
                    window: self.config.window_size,
                });
        }
        let gap = generation - self.generation;
        if gap > self.config.max_generation_gap {
            return Err(ScheduleError::GenerationGap {
                leaf: 0,
                requested: generation,
                current: self.generation,
                gap,
                max_gap: self.config.max_generation_gap,
            });
        }
        while self.generation < generation {
            if self.config.window_size > 0 {
                let skipped = self.derive_current(p)?;
                self.window.insert(skipped.generation, skipped);
                while self.window.len() > self.config.window_size as usize {
                    let Some(oldest) = self.window.keys().next().copied() else {
                        break;
                    };
                    self.window.remove(&oldest);
                }
            }
            self.advance(p)?;
        }
        let out = self.derive_current(p)?;
        self.advance(p)?;
        Ok(out)
    }

    /// The key and nonce of the current generation, then advance.
    pub fn next<P: CryptoProvider + ?Sized>(&mut self, p: &P) -> Result<KeyNonce, ScheduleError> {
        self.key_nonce(p, self.generation)
    }

    /// Counts `bytes` against the AEAD limit; refuses if it would pass it.
    pub fn charge(&mut self, bytes: u64) -> Result<(), ScheduleError> {
        let total = self.used_bytes.saturating_add(bytes);
        if total > self.config.aead_limit_bytes {
            return Err(ScheduleError::AeadLimit {
                leaf: 0,
                used: self.used_bytes,
                more: bytes,
                limit: self.config.aead_limit_bytes,
            });
        }
        self.used_bytes = total;
        Ok(())
    }
}

/// The secret tree of one epoch (§9), derived lazily: a node's secret is
/// computed when a leaf below it is first needed, and deleted once both its
/// children's secrets exist (§9.2 deletion schedule).
#[derive(Debug, Clone)]
pub struct SecretTree {
    cs: CipherSuite,
    size: TreeSize,
    leaves: u32,
    nodes: BTreeMap<u32, Secret>,
    ratchets: BTreeMap<(u32, RatchetKind), HashRatchet>,
    config: RatchetConfig,
}

impl SecretTree {
    /// A tree for `leaves` members with `encryption_secret` at the root.
    /// The tree has the shape of the ratchet tree: `leaves` rounded up to a
    /// power of two.
    pub fn new(
        cs: CipherSuite,
        encryption_secret: Secret,
        leaves: u32,
    ) -> Result<Self, ScheduleError> {
        Self::with_config(cs, encryption_secret, leaves, RatchetConfig::default())
    }

    /// As [`SecretTree::new`], with the ratchets tuned by `config`.
    pub fn with_config(
        cs: CipherSuite,
        encryption_secret: Secret,
        leaves: u32,
        config: RatchetConfig,
    ) -> Result<Self, ScheduleError> {
        let size = TreeSize::covering(leaves).ok_or(ScheduleError::LeafOutOfRange {
            leaf: leaves,
            leaves: math::MAX_LEAVES,
        })?;
        let mut nodes = BTreeMap::new();
        nodes.insert(size.root(), encryption_secret);
        Ok(SecretTree {
            cs,
            size,
            leaves: size.leaves(),
            nodes,
            ratchets: BTreeMap::new(),
            config,
        })
    }

    pub fn cipher_suite(&self) -> CipherSuite {
        self.cs
    }

    pub fn leaves(&self) -> u32 {
        self.leaves
    }

    /// Derives `leaf`'s secret from its nearest stored ancestor, storing the
    /// siblings on the way down and deleting what was consumed.
    fn take_leaf_secret<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        leaf: u32,
    ) -> Result<Secret, ScheduleError> {
        let out_of_range = ScheduleError::LeafOutOfRange {
            leaf,
            leaves: self.leaves,
        };
        let node = math::leaf_to_node(leaf)
            .filter(|n| self.size.contains(*n))
            .ok_or(out_of_range.clone())?;
        // Path from the node up to the root; walk it top-down.
        let mut path = vec![node];
        path.extend(math::direct_path(node, self.size).ok_or(out_of_range.clone())?);
        let start = path
            .iter()
            .position(|n| self.nodes.contains_key(n))
            .ok_or(ScheduleError::LeafConsumed { leaf })?;
        let nh = len16("hash length", self.cs.hash_len())?;
        let mut current = path.get(start).copied().ok_or(out_of_range.clone())?;
        let mut secret = self.nodes.remove(&current).ok_or(out_of_range.clone())?;
        while current != node {
            let (left, right) = match (math::left(current), math::right(current)) {
                (Some(l), Some(r)) => (l, r),
                _ => return Err(out_of_range),
            };
            let left_secret =
                expand_with_label(p, self.cs, secret.as_bytes(), b"tree", b"left", nh)?;
            let right_secret =
                expand_with_label(p, self.cs, secret.as_bytes(), b"tree", b"right", nh)?;
            if math::is_in_subtree(node, left) {
                self.nodes.insert(right, right_secret);
                current = left;
                secret = left_secret;
            } else {
                self.nodes.insert(left, left_secret);
                current = right;
                secret = right_secret;
            }
        }
        Ok(secret)
    }

    /// The ratchet of `kind` for `leaf`, created on first use:
    /// `handshake_ratchet_secret_[N]_[0] = ExpandWithLabel(tree_node_[N]_secret, "handshake", "", Nh)`,
    /// and likewise "application".
    pub fn ratchet<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        leaf: u32,
        kind: RatchetKind,
    ) -> Result<&mut HashRatchet, ScheduleError> {
        if !self.ratchets.contains_key(&(leaf, kind)) {
            let leaf_secret = self.take_leaf_secret(p, leaf)?;
            let nh = len16("hash length", self.cs.hash_len())?;
            for (k, label) in [
                (RatchetKind::Handshake, &b"handshake"[..]),
                (RatchetKind::Application, &b"application"[..]),
            ] {
                let s = expand_with_label(p, self.cs, leaf_secret.as_bytes(), label, b"", nh)?;
                self.ratchets
                    .insert((leaf, k), HashRatchet::with_config(self.cs, s, self.config));
            }
        }
        self.ratchets
            .get_mut(&(leaf, kind))
            .ok_or(ScheduleError::LeafOutOfRange {
                leaf,
                leaves: self.leaves,
            })
    }

    /// The key and nonce of `leaf`'s `kind` ratchet at `generation`.
    pub fn key_nonce<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        leaf: u32,
        kind: RatchetKind,
        generation: u32,
    ) -> Result<KeyNonce, ScheduleError> {
        self.ratchet(p, leaf, kind)?
            .key_nonce(p, generation)
            .map_err(|e| with_leaf(e, leaf))
    }

    /// Counts `bytes` of plaintext against `leaf`'s AEAD limit.
    pub fn charge<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        leaf: u32,
        kind: RatchetKind,
        bytes: u64,
    ) -> Result<(), ScheduleError> {
        self.ratchet(p, leaf, kind)?
            .charge(bytes)
            .map_err(|e| with_leaf(e, leaf))
    }
}

/// `sender_data_key`/`sender_data_nonce` (§6.3.2): ExpandWithLabel of the
/// sender data secret with the first `Nh` bytes of the content ciphertext.
pub fn sender_data_key_nonce<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    sender_data_secret: &[u8],
    ciphertext: &[u8],
) -> Result<(Secret, Secret), ScheduleError> {
    let sample = ciphertext.get(..cs.hash_len()).unwrap_or(ciphertext);
    let key = expand_with_label(
        p,
        cs,
        sender_data_secret,
        b"key",
        sample,
        len16("AEAD key length", cs.aead_key_len())?,
    )?;
    let nonce = expand_with_label(
        p,
        cs,
        sender_data_secret,
        b"nonce",
        sample,
        len16("AEAD nonce length", cs.aead_nonce_len())?,
    )?;
    Ok((key, nonce))
}

/// Names the leaf in a ratchet's error.
fn with_leaf(e: ScheduleError, leaf: u32) -> ScheduleError {
    match e {
        ScheduleError::GenerationConsumed {
            requested,
            current,
            window,
            ..
        } => ScheduleError::GenerationConsumed {
            leaf,
            requested,
            current,
            window,
        },
        ScheduleError::GenerationGap {
            requested,
            current,
            gap,
            max_gap,
            ..
        } => ScheduleError::GenerationGap {
            leaf,
            requested,
            current,
            gap,
            max_gap,
        },
        ScheduleError::AeadLimit {
            used, more, limit, ..
        } => ScheduleError::AeadLimit {
            leaf,
            used,
            more,
            limit,
        },
        other => other,
    }
}

// ---- persistence: the secret tree's state as TLS-encoded bytes ----

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, Writer};

fn write_secret(w: &mut Writer, s: &Secret) -> Result<(), EncodeError> {
    w.vl_bytes(s.as_bytes())
}

fn read_secret(r: &mut Reader<'_>) -> Result<Secret, DecodeError> {
    Ok(Secret::new(r.vl_bytes_owned()?))
}

fn read_suite(r: &mut Reader<'_>) -> Result<CipherSuite, DecodeError> {
    let at = r.position();
    let id = r.u16()?;
    CipherSuite::from_u16(id).ok_or_else(|| r.invalid_at(at, format!("cipher suite {id}")))
}

impl Encode for RatchetConfig {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u32(self.window_size);
        w.u32(self.max_generation_gap);
        w.u64(self.aead_limit_bytes);
        Ok(())
    }
}

impl Decode for RatchetConfig {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(RatchetConfig {
            window_size: r.field("window_size", |r| r.u32())?,
            max_generation_gap: r.field("max_generation_gap", |r| r.u32())?,
            aead_limit_bytes: r.field("aead_limit_bytes", |r| r.u64())?,
        })
    }
}

impl Encode for HashRatchet {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u16(self.cs.id());
        write_secret(w, &self.secret)?;
        w.u32(self.generation);
        self.config.encode(w)?;
        w.u64(self.used_bytes);
        w.vl_nested(|w| {
            for kn in self.window.values() {
                w.u32(kn.generation);
                write_secret(w, &kn.key)?;
                write_secret(w, &kn.nonce)?;
            }
            Ok(())
        })
    }
}

impl Decode for HashRatchet {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let cs = read_suite(r)?;
        let secret = read_secret(r)?;
        let generation = r.u32()?;
        let config = RatchetConfig::decode(r)?;
        let used_bytes = r.u64()?;
        let entries = r.vl_vec(|r| {
            Ok(KeyNonce {
                generation: r.u32()?,
                key: read_secret(r)?,
                nonce: read_secret(r)?,
            })
        })?;
        Ok(HashRatchet {
            cs,
            secret,
            generation,
            config,
            window: entries.into_iter().map(|kn| (kn.generation, kn)).collect(),
            used_bytes,
        })
    }
}

impl Encode for SecretTree {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u16(self.cs.id());
        w.u32(self.leaves);
        self.config.encode(w)?;
        w.vl_nested(|w| {
            for (node, secret) in &self.nodes {
                w.u32(*node);
                write_secret(w, secret)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for ((leaf, kind), ratchet) in &self.ratchets {
                w.u32(*leaf);
                w.u8(match kind {
                    RatchetKind::Handshake => 1,
                    RatchetKind::Application => 2,
                });
                ratchet.encode(w)?;
            }
            Ok(())
        })
    }
}

impl Decode for SecretTree {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let cs = read_suite(r)?;
        let at = r.position();
        let leaves = r.u32()?;
        let size =
            TreeSize::new(leaves).ok_or_else(|| r.invalid_at(at, format!("{leaves} leaves")))?;
        let config = RatchetConfig::decode(r)?;
        let nodes = r.vl_vec(|r| Ok((r.u32()?, read_secret(r)?)))?;
        let ratchets = r.vl_vec(|r| {
            let leaf = r.u32()?;
            let at = r.position();
            let kind = match r.u8()? {
                1 => RatchetKind::Handshake,
                2 => RatchetKind::Application,
                other => return Err(r.invalid_at(at, format!("ratchet kind {other}"))),
            };
            Ok(((leaf, kind), HashRatchet::decode(r)?))
        })?;
        Ok(SecretTree {
            cs,
            size,
            leaves,
            nodes: nodes.into_iter().collect(),
            ratchets: ratchets.into_iter().collect(),
            config,
        })
    }
}
