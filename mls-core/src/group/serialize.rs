//! The group state as bytes and back.

use crate::codec::Encode;
use crate::crypto::{CipherSuite, CryptoProvider, Secret, SignaturePrivateKey};
use crate::framing::Sender;
use crate::messages::{GroupContext, Proposal, RatchetTree};
use crate::schedule::{EpochSecrets, SecretTree};
use crate::tree::{Tree, TreeKemPrivate};

use super::error::GroupError;
use super::group::{Group, GroupConfig, IncomingHandshake, PendingProposal};
use super::past_epochs::PastEpoch;
use super::proposals::SentProposal;

// ---- persistence ----

/// Leading bytes of a serialised group state, and its format version.
const STATE_MAGIC: &[u8; 4] = b"MLSG";
/// Version 2 appends `max_past_epochs` and the kept past epochs to the
/// fields of version 1; version 1 states still load (no past epochs kept).
const STATE_VERSION: u16 = 2;

fn write_secret(w: &mut crate::codec::Writer, s: &Secret) -> Result<(), crate::codec::EncodeError> {
    w.vl_bytes(s.as_bytes())
}

fn read_secret(r: &mut crate::codec::Reader<'_>) -> Result<Secret, crate::codec::DecodeError> {
    Ok(Secret::new(r.vl_bytes_owned()?))
}

impl Group {
    /// The whole state as bytes (secrets included: store them as key
    /// material). Equal states give equal bytes.
    pub fn to_bytes(&self) -> Result<Secret, GroupError> {
        use crate::codec::Writer;
        let mut w = Writer::for_secrets(4096);
        w.raw(STATE_MAGIC);
        w.u16(STATE_VERSION);
        w.u16(self.cs.id());
        self.context.encode(&mut w)?;
        self.tree.to_wire().encode(&mut w)?;
        w.u32(self.tree.leaf_count());
        self.private.encode(&mut w)?;
        write_secret(&mut w, &self.signer.0)?;
        w.vl_bytes(&self.interim_transcript_hash)?;
        let s = &self.secrets;
        for secret in [
            &s.sender_data_secret,
            &s.encryption_secret,
            &s.exporter_secret,
            &s.external_secret,
            &s.confirmation_key,
            &s.membership_key,
            &s.resumption_psk,
            &s.epoch_authenticator,
            &s.init_secret,
        ] {
            write_secret(&mut w, secret)?;
        }
        self.secret_tree.encode(&mut w)?;
        w.vl_nested(|w| {
            for q in &self.pending {
                w.vl_bytes(&q.reference)?;
                q.proposal.proposal.encode(w)?;
                q.proposal.sender.encode(w)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (public, key) in &self.update_keys {
                w.vl_bytes(public)?;
                write_secret(w, &key.0)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (id, psk) in &self.external_psks {
                w.vl_bytes(id)?;
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (epoch, psk) in &self.resumption_psks {
                w.u64(*epoch);
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for ((group_id, epoch), psk) in &self.foreign_psks {
                w.vl_bytes(group_id)?;
                w.u64(*epoch);
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.optional(self.reinit.as_ref(), |w, r| r.encode(w))?;
        let c = &self.config;
        w.u8(u8::from(c.encrypt_handshake));
        w.u8(match c.incoming_handshake {
            IncomingHandshake::Mixed => 0,
            IncomingHandshake::PlaintextOnly => 1,
            IncomingHandshake::CiphertextOnly => 2,
        });
        w.u32(u32::try_from(c.padding).unwrap_or(u32::MAX));
        w.u8(u8::from(c.ratchet_tree_extension));
        w.u32(u32::try_from(c.resumption_epochs).unwrap_or(u32::MAX));
        c.ratchet.encode(&mut w)?;
        w.u8(u8::from(c.accept_external_commits));
        w.u8(u8::from(c.accept_external_proposals));
        w.u32(u32::try_from(c.max_past_epochs).unwrap_or(u32::MAX));
        w.vl_nested(|w| {
            for past in &self.past_epochs {
                past.encode(w)?;
            }
            Ok(())
        })?;
        Ok(Secret::new(w.into_bytes()))
    }

    /// Reads a state written by [`Group::to_bytes`]. The tree is checked
    /// against the stored tree hash.
    pub fn from_bytes<P: CryptoProvider + ?Sized>(p: &P, bytes: &[u8]) -> Result<Self, GroupError> {
        use crate::codec::{Decode, Reader};
        use crate::schedule::RatchetConfig;
        let malformed = |error| GroupError::Malformed {
            what: "group state",
            error,
        };
        let mut r = Reader::new(bytes);
        let bool8 = |r: &mut Reader<'_>| -> Result<bool, crate::codec::DecodeError> {
            let at = r.position();
            match r.u8()? {
                0 => Ok(false),
                1 => Ok(true),
                v => Err(r.invalid_at(at, format!("boolean {v}"))),
            }
        };
        let state = (|| -> Result<Group, crate::codec::DecodeError> {
            let at = r.position();
            if r.bytes(4)? != STATE_MAGIC {
                return Err(r.invalid_at(at, "not an MLS Inspector group state"));
            }
            let at = r.position();
            let version = r.u16()?;
            if version != 1 && version != STATE_VERSION {
                return Err(r.invalid_at(at, format!("state format version {version}")));
            }
            let at = r.position();
            let suite = r.u16()?;
            let cs = CipherSuite::from_u16(suite)
                .ok_or_else(|| r.invalid_at(at, format!("cipher suite {suite}")))?;
            let context = r.field("context", GroupContext::decode)?;
            let wire = r.field("tree", RatchetTree::decode)?;
            let at = r.position();
            let leaves = r.u32()?;
            let mut tree =
                Tree::from_wire(cs, &wire).map_err(|e| r.invalid_at(at, e.to_string()))?;
            if tree.leaf_count() != leaves {
                return Err(r.invalid_at(
                    at,
                    format!("{leaves} leaves, the tree has {}", tree.leaf_count()),
                ));
            }
            let tree_hash = tree
                .root_hash(p)
                .map_err(|e| r.invalid_at(at, e.to_string()))?;
            if tree_hash != context.tree_hash.0 {
                return Err(r.invalid_at(at, "the tree does not match the context's tree hash"));
            }
            let private = r.field("private", TreeKemPrivate::decode)?;
            let signer = SignaturePrivateKey::new(read_secret(&mut r)?);
            let interim_transcript_hash = r.vl_bytes_owned()?;
            let secrets = EpochSecrets {
                sender_data_secret: read_secret(&mut r)?,
                encryption_secret: read_secret(&mut r)?,
                exporter_secret: read_secret(&mut r)?,
                external_secret: read_secret(&mut r)?,
                confirmation_key: read_secret(&mut r)?,
                membership_key: read_secret(&mut r)?,
                resumption_psk: read_secret(&mut r)?,
                epoch_authenticator: read_secret(&mut r)?,
                init_secret: read_secret(&mut r)?,
            };
            let secret_tree = r.field("secret_tree", SecretTree::decode)?;
            let pending = r.field("pending", |r| {
                r.vl_vec(|r| {
                    Ok(PendingProposal {
                        reference: r.vl_bytes_owned()?,
                        proposal: SentProposal {
                            proposal: Proposal::decode(r)?,
                            sender: Sender::decode(r)?,
                        },
                    })
                })
            })?;
            let update_keys = r.vl_vec(|r| {
                Ok((
                    r.vl_bytes_owned()?,
                    crate::crypto::HpkePrivateKey(read_secret(r)?),
                ))
            })?;
            let external_psks = r.vl_vec(|r| Ok((r.vl_bytes_owned()?, read_secret(r)?)))?;
            let resumption_psks = r.vl_vec(|r| Ok((r.u64()?, read_secret(r)?)))?;
            let foreign_psks =
                r.vl_vec(|r| Ok(((r.vl_bytes_owned()?, r.u64()?), read_secret(r)?)))?;
            let reinit = r.optional(crate::messages::ReInit::decode)?;
            let mut config = GroupConfig {
                encrypt_handshake: bool8(&mut r)?,
                incoming_handshake: {
                    let at = r.position();
                    match r.u8()? {
                        0 => IncomingHandshake::Mixed,
                        1 => IncomingHandshake::PlaintextOnly,
                        2 => IncomingHandshake::CiphertextOnly,
                        v => return Err(r.invalid_at(at, format!("handshake policy {v}"))),
                    }
                },
                padding: r.u32()? as usize,
                ratchet_tree_extension: bool8(&mut r)?,
                resumption_epochs: r.u32()? as usize,
                ratchet: RatchetConfig::decode(&mut r)?,
                accept_external_commits: bool8(&mut r)?,
                accept_external_proposals: bool8(&mut r)?,
                ..GroupConfig::default()
            };
            let mut past_epochs = Vec::new();
            if version >= 2 {
                config.max_past_epochs = r.u32()? as usize;
                past_epochs = r.field("past_epochs", |r| r.vl_vec(PastEpoch::decode))?;
            }
            r.finish()?;
            Ok(Group {
                cs,
                context,
                tree,
                private,
                signer,
                interim_transcript_hash,
                secrets,
                secret_tree,
                pending,
                update_keys,
                external_psks: external_psks.into_iter().collect(),
                resumption_psks: resumption_psks.into_iter().collect(),
                foreign_psks: foreign_psks.into_iter().collect(),
                reinit,
                past_epochs,
                config,
            })
        })()
        .map_err(malformed)?;
        Ok(state)
    }
}
