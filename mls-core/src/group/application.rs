//! Sending: application messages (RFC 9420 §6.3) and this member's own
//! proposals (§12.1).

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CryptoProvider, make_proposal_ref};
use crate::framing::{
    Content, MlsMessage, MlsMessageBody, PrivateMessage, Sender, WIRE_FORMAT_PRIVATE_MESSAGE,
};
use crate::messages::{LeafNodeSource, PreSharedKeyId, Proposal, Psk};

use super::error::{GroupError, MissingPsk};
use super::group::{Group, PendingProposal};
use super::proposals::SentProposal;

impl Group {
    /// Encrypts application data as a PrivateMessage (§6.3).
    pub fn send_application<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        data: &[u8],
        authenticated_data: &[u8],
    ) -> Result<MlsMessage, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let context = self.context_bytes()?;
        let content = self.sign_own(
            p,
            WIRE_FORMAT_PRIVATE_MESSAGE,
            Content::Application(VlBytes(data.to_vec())),
            authenticated_data,
            &context,
        )?;
        let message = PrivateMessage::protect(
            p,
            self.cs,
            &content,
            &mut self.secret_tree,
            self.secrets.sender_data_secret.as_bytes(),
            self.config.padding,
        )?;
        Ok(MlsMessage::new(MlsMessageBody::PrivateMessage(message)))
    }

    /// A signed Update proposal with a fresh encryption key, to be sent;
    /// returns the message (framed for this epoch).
    pub fn propose<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        proposal: Proposal,
    ) -> Result<MlsMessage, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let context = self.context_bytes()?;
        let wire_format = self.handshake_wire_format();
        let content = Content::Proposal(proposal.clone());
        let content = self.sign_own(p, wire_format, content, &[], &context)?;
        let reference = make_proposal_ref(p, self.cs, &content.to_bytes()?)?;
        let message = self.protect_handshake(p, content, &context)?;
        self.pending.push(PendingProposal {
            reference,
            proposal: SentProposal {
                proposal,
                sender: Sender::Member(self.own_leaf()),
            },
        });
        Ok(message)
    }

    /// Proposes to update this member's leaf with a fresh encryption key
    /// (§12.1.2). The new private key is kept until a commit applies it.
    pub fn propose_update<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
    ) -> Result<MlsMessage, GroupError> {
        let me = self.own_leaf();
        let mut leaf = self.tree.leaf(me).cloned().ok_or(GroupError::Removed)?;
        let (sk, pk) = p.hpke_generate_key_pair(self.cs)?;
        leaf.encryption_key = VlBytes(pk.0.clone());
        leaf.leaf_node_source = LeafNodeSource::Update;
        super::key_package::sign_leaf_node(
            p,
            self.cs,
            &mut leaf,
            &self.signer,
            self.group_id(),
            me,
        )?;
        let message = self.propose(p, Proposal::Update { leaf_node: leaf })?;
        self.update_keys.push((pk.0, sk));
        Ok(message)
    }

    /// A PreSharedKey proposal for an external PSK this member holds.
    pub fn external_psk_proposal<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        psk_id: &[u8],
    ) -> Result<Proposal, GroupError> {
        if !self.external_psks.contains_key(psk_id) {
            return Err(MissingPsk::External {
                psk_id: psk_id.to_vec(),
            }
            .into());
        }
        Ok(Proposal::PreSharedKey {
            psk: PreSharedKeyId {
                psk: Psk::External {
                    psk_id: VlBytes(psk_id.to_vec()),
                },
                psk_nonce: VlBytes(p.random_bytes(self.cs.hash_len())?),
            },
        })
    }

    /// A PreSharedKey proposal for this group's resumption PSK of `epoch`
    /// (the current one or a kept earlier one), usage `application`.
    pub fn resumption_psk_proposal<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        epoch: u64,
    ) -> Result<Proposal, GroupError> {
        let id = PreSharedKeyId {
            psk: Psk::Resumption {
                usage: crate::messages::RESUMPTION_APPLICATION,
                psk_group_id: self.context.group_id.clone(),
                psk_epoch: epoch,
            },
            psk_nonce: VlBytes(p.random_bytes(self.cs.hash_len())?),
        };
        self.resolve_psks(p, std::slice::from_ref(&id))?;
        Ok(Proposal::PreSharedKey { psk: id })
    }
}

/// A proposal kept for this epoch (sent or received), as listed by
/// [`Group::pending_proposals`].
#[derive(Debug, Clone, Copy)]
pub struct PendingProposalView<'a> {
    /// The `ProposalRef` (§5.2) a commit names it by.
    pub reference: &'a [u8],
    /// Who proposed it, and what.
    pub proposal: &'a SentProposal,
}

impl Group {
    /// The proposals kept this epoch (sent by this member or received), in
    /// the order they came: what [`Group::commit`] commits by reference
    /// (except this member's own Updates, which its path replaces).
    pub fn pending_proposals(&self) -> impl Iterator<Item = PendingProposalView<'_>> {
        self.pending.iter().map(|q| PendingProposalView {
            reference: q.reference.as_slice(),
            proposal: &q.proposal,
        })
    }

    /// Fails with [`MissingPsk`] (naming the PSK) unless this member holds
    /// the secret of every PSK in `ids` (§8.4).
    pub fn check_psks<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        ids: &[PreSharedKeyId],
    ) -> Result<(), GroupError> {
        self.resolve_psks(p, ids).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use super::*;
    use crate::crypto::{CipherSuite, RustCrypto};
    use crate::test_utils::groups::{pair, wire};

    /// The sender's and the receiver's lists agree (computed separately),
    /// survive serialisation, and a missing PSK is named.
    #[test]
    fn pending_proposals_on_both_sides_and_missing_psks() {
        let p = RustCrypto;
        let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
        let (mut alice, mut bob) = pair(cs, b"pending");
        let m = bob.propose_update(&p).unwrap();
        let received = match alice.process(&p, &wire(&m)).unwrap() {
            super::super::Received::Proposal { reference, .. } => reference,
            other => panic!("{other:?}"),
        };
        let list = |g: &Group| -> Vec<(Vec<u8>, Sender, u16)> {
            g.pending_proposals()
                .map(|v| {
                    (
                        v.reference.to_vec(),
                        v.proposal.sender,
                        v.proposal.proposal.proposal_type(),
                    )
                })
                .collect()
        };
        let on_bob = list(&bob);
        assert_eq!(on_bob, list(&alice));
        assert_eq!(on_bob.len(), 1);
        assert_eq!(on_bob[0].0, received);
        assert_eq!(on_bob[0].1, Sender::Member(bob.own_leaf()));
        let restored = Group::from_bytes(&p, alice.to_bytes().unwrap().as_bytes()).unwrap();
        assert_eq!(list(&restored), on_bob);

        let missing = PreSharedKeyId {
            psk: Psk::External {
                psk_id: VlBytes(vec![0x0c, 0x0d]),
            },
            psk_nonce: VlBytes(vec![0; cs.hash_len()]),
        };
        assert_eq!(
            alice.check_psks(&p, std::slice::from_ref(&missing)),
            Err(GroupError::MissingPsk(MissingPsk::External {
                psk_id: vec![0x0c, 0x0d]
            }))
        );
        alice.add_external_psk(vec![0x0c, 0x0d], crate::crypto::Secret::new(vec![7; 32]));
        assert_eq!(alice.check_psks(&p, &[missing]), Ok(()));
    }
}
