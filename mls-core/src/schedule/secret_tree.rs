//! The secret tree and its per-sender hash ratchets (RFC 9420 §9), and the
//! sender data key and nonce (§6.3.2).

use std::collections::HashMap;

use crate::crypto::{CipherSuite, CryptoProvider, Secret, derive_tree_secret, expand_with_label};
use crate::tree::math::{self, TreeSize};

use super::ScheduleError;

/// The two ratchets every leaf has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A hash ratchet (§9.1): `secret_[j+1] = DeriveTreeSecret(secret_[j], "secret", j, Nh)`.
/// Moving forward deletes the secrets behind it.
#[derive(Debug, Clone)]
pub struct HashRatchet {
    cs: CipherSuite,
    secret: Secret,
    generation: u32,
}

impl HashRatchet {
    pub fn new(cs: CipherSuite, secret: Secret) -> Self {
        HashRatchet {
            cs,
            secret,
            generation: 0,
        }
    }

    /// The next generation this ratchet can produce.
    pub fn generation(&self) -> u32 {
        self.generation
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
        self.generation =
            self.generation
                .checked_add(1)
                .ok_or(ScheduleError::GenerationConsumed {
                    leaf: 0,
                    requested: u32::MAX,
                    current: self.generation,
                })?;
        Ok(())
    }

    /// The key and nonce of `generation`, after which the ratchet stands at
    /// `generation + 1`. Generations behind the ratchet are gone.
    pub fn key_nonce<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        generation: u32,
    ) -> Result<KeyNonce, ScheduleError> {
        if generation < self.generation {
            return Err(ScheduleError::GenerationConsumed {
                leaf: 0,
                requested: generation,
                current: self.generation,
            });
        }
        while self.generation < generation {
            self.advance(p)?;
        }
        let cs = self.cs;
        let key = derive_tree_secret(
            p,
            cs,
            self.secret.as_bytes(),
            b"key",
            generation,
            len16("AEAD key length", cs.aead_key_len())?,
        )?;
        let nonce = derive_tree_secret(
            p,
            cs,
            self.secret.as_bytes(),
            b"nonce",
            generation,
            len16("AEAD nonce length", cs.aead_nonce_len())?,
        )?;
        self.advance(p)?;
        Ok(KeyNonce {
            key,
            nonce,
            generation,
        })
    }

    /// The key and nonce of the current generation, then advance.
    pub fn next<P: CryptoProvider + ?Sized>(&mut self, p: &P) -> Result<KeyNonce, ScheduleError> {
        self.key_nonce(p, self.generation)
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
    nodes: HashMap<u32, Secret>,
    ratchets: HashMap<(u32, RatchetKind), HashRatchet>,
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
        let size = TreeSize::covering(leaves).ok_or(ScheduleError::LeafOutOfRange {
            leaf: leaves,
            leaves: math::MAX_LEAVES,
        })?;
        let mut nodes = HashMap::new();
        nodes.insert(size.root(), encryption_secret);
        Ok(SecretTree {
            cs,
            size,
            leaves: size.leaves(),
            nodes,
            ratchets: HashMap::new(),
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
        let start = path.iter().position(|n| self.nodes.contains_key(n)).ok_or(
            ScheduleError::GenerationConsumed {
                leaf,
                requested: 0,
                current: u32::MAX,
            },
        )?;
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
                    .insert((leaf, k), HashRatchet::new(self.cs, s));
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
            .map_err(|e| match e {
                ScheduleError::GenerationConsumed {
                    requested, current, ..
                } => ScheduleError::GenerationConsumed {
                    leaf,
                    requested,
                    current,
                },
                other => other,
            })
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
