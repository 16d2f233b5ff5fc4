//! Message framing (RFC 9420 §6): MLSMessage and its five wire formats,
//! PublicMessage, PrivateMessage, FramedContent, AuthenticatedContent and
//! sender data.

mod protect;

pub use protect::{
    FramingError, Unprotected, framed_content_tbs, framed_in_tbs, membership_tag, sign_content,
    verify_content, verify_content_tbs,
};

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};
use crate::messages::{Commit, GroupInfo, KeyPackage, PROTOCOL_VERSION_MLS10, Proposal, Welcome};

pub const WIRE_FORMAT_PUBLIC_MESSAGE: u16 = 1;
pub const WIRE_FORMAT_PRIVATE_MESSAGE: u16 = 2;
pub const WIRE_FORMAT_WELCOME: u16 = 3;
pub const WIRE_FORMAT_GROUP_INFO: u16 = 4;
pub const WIRE_FORMAT_KEY_PACKAGE: u16 = 5;

pub const CONTENT_TYPE_APPLICATION: u8 = 1;
pub const CONTENT_TYPE_PROPOSAL: u8 = 2;
pub const CONTENT_TYPE_COMMIT: u8 = 3;

/// Who sent a message (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Member(u32),
    External(u32),
    NewMemberProposal,
    NewMemberCommit,
}

impl Decode for Sender {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        Ok(match r.field("sender_type", u8::decode)? {
            1 => Sender::Member(r.field("leaf_index", u32::decode)?),
            2 => Sender::External(r.field("sender_index", u32::decode)?),
            3 => Sender::NewMemberProposal,
            4 => Sender::NewMemberCommit,
            other => return Err(r.invalid_at(at, format!("sender_type {other} is not 1 to 4"))),
        })
    }
}

impl Encode for Sender {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self {
            Sender::Member(i) => {
                w.u8(1);
                w.u32(*i);
            }
            Sender::External(i) => {
                w.u8(2);
                w.u32(*i);
            }
            Sender::NewMemberProposal => w.u8(3),
            Sender::NewMemberCommit => w.u8(4),
        }
        Ok(())
    }
}

/// The content of a framed message, by content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Application(VlBytes),
    Proposal(Proposal),
    Commit(Commit),
}

impl Content {
    pub fn content_type(&self) -> u8 {
        match self {
            Content::Application(_) => CONTENT_TYPE_APPLICATION,
            Content::Proposal(_) => CONTENT_TYPE_PROPOSAL,
            Content::Commit(_) => CONTENT_TYPE_COMMIT,
        }
    }

    /// Reads a content type byte, rejecting the reserved 0 and unknown values.
    pub fn decode_type(r: &mut Reader<'_>) -> Result<u8, DecodeError> {
        let at = r.position();
        let t = r.field("content_type", u8::decode)?;
        if (CONTENT_TYPE_APPLICATION..=CONTENT_TYPE_COMMIT).contains(&t) {
            Ok(t)
        } else {
            Err(r.invalid_at(at, format!("content_type {t} is not 1 to 3")))
        }
    }

    /// Decodes the body for an already-read content type.
    pub fn decode_body(content_type: u8, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match content_type {
            CONTENT_TYPE_APPLICATION => {
                Content::Application(r.field("application_data", VlBytes::decode)?)
            }
            CONTENT_TYPE_PROPOSAL => Content::Proposal(r.field("proposal", Proposal::decode)?),
            CONTENT_TYPE_COMMIT => Content::Commit(r.field("commit", Commit::decode)?),
            other => {
                return Err(
                    r.invalid_at(r.position(), format!("content_type {other} is not 1 to 3"))
                );
            }
        })
    }

    /// Encodes the body without the content type.
    pub fn encode_body(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self {
            Content::Application(data) => data.encode(w),
            Content::Proposal(p) => p.encode(w),
            Content::Commit(c) => c.encode(w),
        }
    }
}

/// `FramedContent` (§6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramedContent {
    pub group_id: VlBytes,
    pub epoch: u64,
    pub sender: Sender,
    pub authenticated_data: VlBytes,
    pub content: Content,
}

impl Decode for FramedContent {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let group_id = r.field("group_id", VlBytes::decode)?;
        let epoch = r.field("epoch", u64::decode)?;
        let sender = r.field("sender", Sender::decode)?;
        let authenticated_data = r.field("authenticated_data", VlBytes::decode)?;
        let content_type = Content::decode_type(r)?;
        let content = Content::decode_body(content_type, r)?;
        Ok(FramedContent {
            group_id,
            epoch,
            sender,
            authenticated_data,
            content,
        })
    }
}

impl Encode for FramedContent {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.group_id.encode(w)?;
        w.u64(self.epoch);
        self.sender.encode(w)?;
        self.authenticated_data.encode(w)?;
        w.u8(self.content.content_type());
        self.content.encode_body(w)
    }
}

/// `FramedContentAuthData` (§6.1): the confirmation tag is present exactly
/// for commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramedContentAuthData {
    pub signature: VlBytes,
    pub confirmation_tag: Option<VlBytes>,
}

impl FramedContentAuthData {
    pub fn decode_for(content_type: u8, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let signature = r.field("signature", VlBytes::decode)?;
        let confirmation_tag = if content_type == CONTENT_TYPE_COMMIT {
            Some(r.field("confirmation_tag", VlBytes::decode)?)
        } else {
            None
        };
        Ok(FramedContentAuthData {
            signature,
            confirmation_tag,
        })
    }
}

impl Encode for FramedContentAuthData {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.signature.encode(w)?;
        if let Some(tag) = &self.confirmation_tag {
            tag.encode(w)?;
        }
        Ok(())
    }
}

/// `PublicMessage` (§6.2): the membership tag is present exactly when the
/// sender is a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMessage {
    pub content: FramedContent,
    pub auth: FramedContentAuthData,
    pub membership_tag: Option<VlBytes>,
}

impl Decode for PublicMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let content = r.field("content", FramedContent::decode)?;
        let content_type = content.content.content_type();
        let auth = r.field("auth", |r| {
            FramedContentAuthData::decode_for(content_type, r)
        })?;
        let membership_tag = match content.sender {
            Sender::Member(_) => Some(r.field("membership_tag", VlBytes::decode)?),
            _ => None,
        };
        Ok(PublicMessage {
            content,
            auth,
            membership_tag,
        })
    }
}

impl Encode for PublicMessage {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.content.encode(w)?;
        self.auth.encode(w)?;
        if let Some(tag) = &self.membership_tag {
            tag.encode(w)?;
        }
        Ok(())
    }
}

/// `PrivateMessage` (§6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateMessage {
    pub group_id: VlBytes,
    pub epoch: u64,
    pub content_type: u8,
    pub authenticated_data: VlBytes,
    pub encrypted_sender_data: VlBytes,
    pub ciphertext: VlBytes,
}

impl Decode for PrivateMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(PrivateMessage {
            group_id: r.field("group_id", VlBytes::decode)?,
            epoch: r.field("epoch", u64::decode)?,
            content_type: Content::decode_type(r)?,
            authenticated_data: r.field("authenticated_data", VlBytes::decode)?,
            encrypted_sender_data: r.field("encrypted_sender_data", VlBytes::decode)?,
            ciphertext: r.field("ciphertext", VlBytes::decode)?,
        })
    }
}

impl Encode for PrivateMessage {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.group_id.encode(w)?;
        w.u64(self.epoch);
        w.u8(self.content_type);
        self.authenticated_data.encode(w)?;
        self.encrypted_sender_data.encode(w)?;
        self.ciphertext.encode(w)
    }
}

/// The body of an `MLSMessage`, by wire format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MlsMessageBody {
    PublicMessage(PublicMessage),
    PrivateMessage(PrivateMessage),
    Welcome(Welcome),
    GroupInfo(GroupInfo),
    KeyPackage(KeyPackage),
}

impl MlsMessageBody {
    pub fn wire_format(&self) -> u16 {
        match self {
            MlsMessageBody::PublicMessage(_) => WIRE_FORMAT_PUBLIC_MESSAGE,
            MlsMessageBody::PrivateMessage(_) => WIRE_FORMAT_PRIVATE_MESSAGE,
            MlsMessageBody::Welcome(_) => WIRE_FORMAT_WELCOME,
            MlsMessageBody::GroupInfo(_) => WIRE_FORMAT_GROUP_INFO,
            MlsMessageBody::KeyPackage(_) => WIRE_FORMAT_KEY_PACKAGE,
        }
    }
}

/// `MLSMessage` (§6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlsMessage {
    pub version: u16,
    pub body: MlsMessageBody,
}

impl MlsMessage {
    pub fn new(body: MlsMessageBody) -> Self {
        MlsMessage {
            version: PROTOCOL_VERSION_MLS10,
            body,
        }
    }
}

impl Decode for MlsMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        let version = r.field("version", u16::decode)?;
        if version != PROTOCOL_VERSION_MLS10 {
            return Err(r.invalid_at(at, format!("protocol version {version} is not mls10 (1)")));
        }
        let at = r.position();
        let body = match r.field("wire_format", u16::decode)? {
            WIRE_FORMAT_PUBLIC_MESSAGE => {
                MlsMessageBody::PublicMessage(r.field("public_message", PublicMessage::decode)?)
            }
            WIRE_FORMAT_PRIVATE_MESSAGE => {
                MlsMessageBody::PrivateMessage(r.field("private_message", PrivateMessage::decode)?)
            }
            WIRE_FORMAT_WELCOME => MlsMessageBody::Welcome(r.field("welcome", Welcome::decode)?),
            WIRE_FORMAT_GROUP_INFO => {
                MlsMessageBody::GroupInfo(r.field("group_info", GroupInfo::decode)?)
            }
            WIRE_FORMAT_KEY_PACKAGE => {
                MlsMessageBody::KeyPackage(r.field("key_package", KeyPackage::decode)?)
            }
            other => return Err(r.invalid_at(at, format!("wire_format {other} is not 1 to 5"))),
        };
        Ok(MlsMessage { version, body })
    }
}

impl Encode for MlsMessage {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u16(self.version);
        w.u16(self.body.wire_format());
        match &self.body {
            MlsMessageBody::PublicMessage(m) => m.encode(w),
            MlsMessageBody::PrivateMessage(m) => m.encode(w),
            MlsMessageBody::Welcome(m) => m.encode(w),
            MlsMessageBody::GroupInfo(m) => m.encode(w),
            MlsMessageBody::KeyPackage(m) => m.encode(w),
        }
    }
}

/// `AuthenticatedContent` (§6.1): what transcript hashes and signatures cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedContent {
    pub wire_format: u16,
    pub content: FramedContent,
    pub auth: FramedContentAuthData,
}

impl Decode for AuthenticatedContent {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let wire_format = r.field("wire_format", u16::decode)?;
        let content = r.field("content", FramedContent::decode)?;
        let content_type = content.content.content_type();
        let auth = r.field("auth", |r| {
            FramedContentAuthData::decode_for(content_type, r)
        })?;
        Ok(AuthenticatedContent {
            wire_format,
            content,
            auth,
        })
    }
}

impl Encode for AuthenticatedContent {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.view().encode(w)
    }
}

impl AuthenticatedContent {
    /// This content borrowed, as the receiving functions take it.
    pub fn view(&self) -> AuthenticatedContentRef<'_> {
        AuthenticatedContentRef {
            wire_format: self.wire_format,
            content: &self.content,
            auth: &self.auth,
            framed: None,
        }
    }
}

/// An [`AuthenticatedContent`] borrowed from where it lies (a received
/// PublicMessage's fields, or a decrypted one), so that a commit of
/// thousands of path ciphertexts is processed without copying it; with
/// `framed`, the bytes of `wire_format || FramedContent` where the receiver
/// has encoded them already (for the signature), so that the transcript hash
/// does not encode them again.
#[derive(Debug, Clone, Copy)]
pub struct AuthenticatedContentRef<'a> {
    pub wire_format: u16,
    pub content: &'a FramedContent,
    pub auth: &'a FramedContentAuthData,
    /// `wire_format || FramedContent` as encoded, when known.
    pub framed: Option<&'a [u8]>,
}

impl AuthenticatedContentRef<'_> {
    /// An owned copy.
    pub fn to_owned_content(&self) -> AuthenticatedContent {
        AuthenticatedContent {
            wire_format: self.wire_format,
            content: self.content.clone(),
            auth: self.auth.clone(),
        }
    }
}

impl<'a> From<&'a AuthenticatedContent> for AuthenticatedContentRef<'a> {
    fn from(content: &'a AuthenticatedContent) -> Self {
        content.view()
    }
}

impl Encode for AuthenticatedContentRef<'_> {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self.framed {
            Some(framed) => w.raw(framed),
            None => {
                w.u16(self.wire_format);
                self.content.encode(w)?;
            }
        }
        self.auth.encode(w)
    }
}

/// `SenderData` (§6.3.2): the plaintext of `encrypted_sender_data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderData {
    pub leaf_index: u32,
    pub generation: u32,
    pub reuse_guard: [u8; 4],
}

impl Decode for SenderData {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SenderData {
            leaf_index: r.field("leaf_index", u32::decode)?,
            generation: r.field("generation", u32::decode)?,
            reuse_guard: r.field("reuse_guard", |r| r.array::<4>())?,
        })
    }
}

impl Encode for SenderData {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u32(self.leaf_index);
        w.u32(self.generation);
        w.raw(&self.reuse_guard);
        Ok(())
    }
}
