//! Messages from outside the group (RFC 9420 §12.1.8): proposals by an
//! external sender listed in `external_senders`, and a new member's own
//! Add proposal: sending them, and receiving them as a member.

use crate::codec::VlBytes;
use crate::crypto::{CipherSuite, CryptoProvider, SignaturePrivateKey, SignaturePublicKey};
use crate::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessage, MlsMessageBody, PublicMessage,
    Sender, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content, verify_content,
};
use crate::messages::{ExtensionValue, GroupContext, KeyPackage, Proposal};

use super::error::{GroupError, PolicyError, ProposalError, SenderError};
use super::group::Group;
use super::process::Received;

fn frame<P: CryptoProvider + ?Sized>(
    p: &P,
    context: &GroupContext,
    sender: Sender,
    proposal: Proposal,
    signer: &SignaturePrivateKey,
) -> Result<MlsMessage, GroupError> {
    let cs = CipherSuite::from_u16(context.cipher_suite)
        .ok_or(GroupError::UnsupportedCipherSuite(context.cipher_suite))?;
    let framed = FramedContent {
        group_id: context.group_id.clone(),
        epoch: context.epoch,
        sender,
        authenticated_data: VlBytes::default(),
        content: Content::Proposal(proposal),
    };
    // §6.1: external and new-member senders sign without the group context.
    let content = sign_content(p, cs, WIRE_FORMAT_PUBLIC_MESSAGE, framed, &[], signer)?;
    Ok(MlsMessage::new(MlsMessageBody::PublicMessage(
        PublicMessage::protect(p, cs, content, &[], &[])?,
    )))
}

/// A proposal from the external sender at `sender_index` of the group's
/// `external_senders` extension, for the group and epoch of `context`.
pub fn external_proposal<P: CryptoProvider + ?Sized>(
    p: &P,
    context: &GroupContext,
    sender_index: u32,
    signer: &SignaturePrivateKey,
    proposal: Proposal,
) -> Result<MlsMessage, GroupError> {
    frame(p, context, Sender::External(sender_index), proposal, signer)
}

/// A new member's proposal to add itself with `key_package`, signed with
/// the key package's signature key (sender `new_member_proposal`).
pub fn new_member_proposal<P: CryptoProvider + ?Sized>(
    p: &P,
    context: &GroupContext,
    key_package: KeyPackage,
    signer: &SignaturePrivateKey,
) -> Result<MlsMessage, GroupError> {
    frame(
        p,
        context,
        Sender::NewMemberProposal,
        Proposal::Add { key_package },
        signer,
    )
}

impl Group {
    /// A proposal from an external sender listed in the group's
    /// `external_senders` extension, or a new member's own Add (§12.1.8):
    /// PublicMessage only, signed without the group context, and only of
    /// the types such senders may send.
    pub(super) fn receive_external_proposal<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        content: AuthenticatedContent,
        context: &[u8],
    ) -> Result<Received, GroupError> {
        let refuse = GroupError::InvalidProposals;
        if !self.config.accept_external_proposals {
            return Err(PolicyError::ExternalProposals.into());
        }
        if content.wire_format != WIRE_FORMAT_PUBLIC_MESSAGE {
            return Err(refuse(ProposalError::ExternalProposalNotPublic));
        }
        let Content::Proposal(proposal) = &content.content.content else {
            return Err(refuse(ProposalError::ExternalSenderNotProposal));
        };
        let key = match content.content.sender {
            Sender::External(index) => {
                let senders = self
                    .context
                    .extensions
                    .iter()
                    .find_map(|e| match e.value() {
                        Ok(ExtensionValue::ExternalSenders(list)) => Some(list),
                        _ => None,
                    });
                let sender = senders
                    .as_ref()
                    .and_then(|list| list.get(index as usize))
                    .ok_or(SenderError::NotListed(index))?;
                if !matches!(
                    proposal,
                    Proposal::Add { .. }
                        | Proposal::Remove { .. }
                        | Proposal::PreSharedKey { .. }
                        | Proposal::ReInit(_)
                        | Proposal::GroupContextExtensions { .. }
                ) {
                    return Err(refuse(ProposalError::ExternalProposalType {
                        proposal_type: proposal.proposal_type(),
                    }));
                }
                SignaturePublicKey(sender.signature_key.0.clone())
            }
            _ => {
                let Proposal::Add { key_package } = proposal else {
                    return Err(refuse(ProposalError::NewMemberNotAdd));
                };
                SignaturePublicKey(key_package.leaf_node.signature_key.0.clone())
            }
        };
        verify_content(p, self.cs, &content, context, &key)?;
        self.keep_proposal(p, content.view(), proposal)
    }
}
