//! Messages from outside the group (RFC 9420 §12.1.8): proposals by an
//! external sender listed in `external_senders`, and a new member's own
//! Add proposal.

use crate::codec::VlBytes;
use crate::crypto::{CipherSuite, CryptoProvider, SignaturePrivateKey};
use crate::framing::{
    Content, FramedContent, MlsMessage, MlsMessageBody, PublicMessage, Sender,
    WIRE_FORMAT_PUBLIC_MESSAGE, sign_content,
};
use crate::messages::{GroupContext, KeyPackage, Proposal};

use super::GroupError;

fn frame<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    context: &GroupContext,
    sender: Sender,
    proposal: Proposal,
    signer: &SignaturePrivateKey,
) -> Result<MlsMessage, GroupError> {
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
    let cs = CipherSuite::from_u16(context.cipher_suite)
        .ok_or(GroupError::UnsupportedCipherSuite(context.cipher_suite))?;
    frame(
        p,
        cs,
        context,
        Sender::External(sender_index),
        proposal,
        signer,
    )
}

/// A new member's proposal to add itself with `key_package`, signed with
/// the key package's signature key (sender `new_member_proposal`).
pub fn new_member_proposal<P: CryptoProvider + ?Sized>(
    p: &P,
    context: &GroupContext,
    key_package: KeyPackage,
    signer: &SignaturePrivateKey,
) -> Result<MlsMessage, GroupError> {
    let cs = CipherSuite::from_u16(context.cipher_suite)
        .ok_or(GroupError::UnsupportedCipherSuite(context.cipher_suite))?;
    frame(
        p,
        cs,
        context,
        Sender::NewMemberProposal,
        Proposal::Add { key_package },
        signer,
    )
}
