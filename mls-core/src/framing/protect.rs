//! Message protection (RFC 9420 §6.1–§6.3): content signatures, the
//! membership tag of PublicMessage, and PrivateMessage encryption with
//! sender data, reuse guard and padding.

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};
use crate::crypto::{
    CipherSuite, CryptoError, CryptoProvider, SignaturePrivateKey, SignaturePublicKey,
    sign_with_label, verify_with_label,
};
use crate::messages::PROTOCOL_VERSION_MLS10;
use crate::schedule::{RatchetKind, ScheduleError, SecretTree, sender_data_key_nonce};

use super::{
    AuthenticatedContent, AuthenticatedContentRef, CONTENT_TYPE_APPLICATION, CONTENT_TYPE_COMMIT,
    Content, FramedContent, FramedContentAuthData, PrivateMessage, PublicMessage, Sender,
    SenderData, WIRE_FORMAT_PRIVATE_MESSAGE, WIRE_FORMAT_PUBLIC_MESSAGE,
};

/// Why protecting or unprotecting a message failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    #[error("signature on the framed content does not verify")]
    BadSignature,
    #[error("membership tag does not verify")]
    BadMembershipTag,
    #[error("a member's PublicMessage has no membership tag")]
    MissingMembershipTag,
    #[error("application messages must be sent as PrivateMessage (RFC 9420 §6.2)")]
    ApplicationAsPublic,
    #[error("only members send PrivateMessage (RFC 9420 §6.3)")]
    PrivateFromNonMember,
    #[error("sender data does not decrypt")]
    SenderDataDecrypt,
    #[error("content does not decrypt")]
    ContentDecrypt,
    #[error("padding holds a non-zero byte at offset {0}")]
    NonZeroPadding(usize),
    #[error("decrypted {what} is malformed: {error}")]
    Malformed {
        what: &'static str,
        error: DecodeError,
    },
    #[error("a commit's confirmation tag is missing")]
    MissingConfirmationTag,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// `FramedContentTBS` (§6.1): version, wire format, content, and the group
/// context when the sender is a member or a new member committing.
pub fn framed_content_tbs(
    wire_format: u16,
    content: &FramedContent,
    group_context: &[u8],
) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.u16(PROTOCOL_VERSION_MLS10);
    w.u16(wire_format);
    content.encode(&mut w)?;
    if matches!(content.sender, Sender::Member(_) | Sender::NewMemberCommit) {
        w.raw(group_context);
    }
    Ok(w.into_bytes())
}

/// The `wire_format || FramedContent` part of a [`framed_content_tbs`]
/// output: after the 2-byte version, before the group context the sender
/// type adds.
pub fn framed_in_tbs<'a>(tbs: &'a [u8], sender: Sender, group_context: &[u8]) -> Option<&'a [u8]> {
    let context = if matches!(sender, Sender::Member(_) | Sender::NewMemberCommit) {
        group_context.len()
    } else {
        0
    };
    tbs.get(2..tbs.len().checked_sub(context)?)
}

/// Signs framed content: `SignWithLabel(., "FramedContentTBS", FramedContentTBS)`.
/// For commits the confirmation tag is added by the caller afterwards.
pub fn sign_content<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    wire_format: u16,
    content: FramedContent,
    group_context: &[u8],
    signature_key: &SignaturePrivateKey,
) -> Result<AuthenticatedContent, FramingError> {
    let tbs = framed_content_tbs(wire_format, &content, group_context)?;
    let signature = sign_with_label(p, cs, signature_key, b"FramedContentTBS", &tbs)?;
    Ok(AuthenticatedContent {
        wire_format,
        content,
        auth: FramedContentAuthData {
            signature: VlBytes(signature),
            confirmation_tag: None,
        },
    })
}

/// Verifies the content signature with the sender's key.
pub fn verify_content<'a, P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    content: impl Into<AuthenticatedContentRef<'a>>,
    group_context: &[u8],
    public_key: &SignaturePublicKey,
) -> Result<(), FramingError> {
    let content = content.into();
    let tbs = framed_content_tbs(content.wire_format, content.content, group_context)?;
    verify_content_tbs(p, cs, &tbs, content.auth.signature.as_slice(), public_key)
}

/// [`verify_content`] of an already encoded `FramedContentTBS`.
pub fn verify_content_tbs<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    tbs: &[u8],
    signature: &[u8],
    public_key: &SignaturePublicKey,
) -> Result<(), FramingError> {
    verify_with_label(p, cs, public_key, b"FramedContentTBS", tbs, signature)
        .map_err(|_| FramingError::BadSignature)
}

/// `membership_tag = MAC(membership_key, AuthenticatedContentTBM)` (§6.2).
pub fn membership_tag<'a, P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    membership_key: &[u8],
    content: impl Into<AuthenticatedContentRef<'a>>,
    group_context: &[u8],
) -> Result<Vec<u8>, FramingError> {
    let content = content.into();
    let tbs = framed_content_tbs(content.wire_format, content.content, group_context)?;
    membership_tag_of_tbs(p, cs, membership_key, &tbs, content.auth)
}

/// `AuthenticatedContentTBM` is `FramedContentTBS || FramedContentAuthData`.
fn membership_tag_of_tbs<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    membership_key: &[u8],
    tbs: &[u8],
    auth: &FramedContentAuthData,
) -> Result<Vec<u8>, FramingError> {
    let mut w = Writer::with_capacity(tbs.len() + 2 * cs.hash_len() + 80);
    w.raw(tbs);
    auth.encode(&mut w)?;
    Ok(p.hmac(cs, membership_key, w.as_bytes()))
}

impl PublicMessage {
    /// Frames signed content as a PublicMessage, adding the membership tag
    /// for member senders. Application content is refused (§6.2).
    pub fn protect<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        content: AuthenticatedContent,
        membership_key: &[u8],
        group_context: &[u8],
    ) -> Result<Self, FramingError> {
        if content.content.content.content_type() == CONTENT_TYPE_APPLICATION {
            return Err(FramingError::ApplicationAsPublic);
        }
        let membership_tag = match content.content.sender {
            Sender::Member(_) => Some(VlBytes(membership_tag(
                p,
                cs,
                membership_key,
                &content,
                group_context,
            )?)),
            _ => None,
        };
        Ok(PublicMessage {
            content: content.content,
            auth: content.auth,
            membership_tag,
        })
    }

    /// The content with its wire format, for verification and transcripts.
    pub fn authenticated_content(&self) -> AuthenticatedContent {
        self.view().to_owned_content()
    }

    /// The signed content, borrowed.
    pub fn view(&self) -> AuthenticatedContentRef<'_> {
        AuthenticatedContentRef {
            wire_format: WIRE_FORMAT_PUBLIC_MESSAGE,
            content: &self.content,
            auth: &self.auth,
            framed: None,
        }
    }

    /// Checks the membership tag of a member's message (§6.2); messages from
    /// other senders carry none.
    pub fn verify_membership_tag<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        membership_key: &[u8],
        group_context: &[u8],
    ) -> Result<(), FramingError> {
        if !matches!(self.content.sender, Sender::Member(_)) {
            return Ok(());
        }
        let tbs = framed_content_tbs(WIRE_FORMAT_PUBLIC_MESSAGE, &self.content, group_context)?;
        self.verify_membership_tag_tbs(p, cs, membership_key, &tbs)
    }

    /// [`PublicMessage::verify_membership_tag`] with the message's
    /// `FramedContentTBS` already encoded (the signature check uses it too).
    pub fn verify_membership_tag_tbs<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        membership_key: &[u8],
        tbs: &[u8],
    ) -> Result<(), FramingError> {
        if !matches!(self.content.sender, Sender::Member(_)) {
            return Ok(());
        }
        let tag = self
            .membership_tag
            .as_ref()
            .ok_or(FramingError::MissingMembershipTag)?;
        let expected = membership_tag_of_tbs(p, cs, membership_key, tbs, &self.auth)?;
        if subtle::ConstantTimeEq::ct_eq(expected.as_slice(), tag.as_slice()).into() {
            Ok(())
        } else {
            Err(FramingError::BadMembershipTag)
        }
    }
}

/// `PrivateContentAAD` (§6.3.1).
fn content_aad(
    group_id: &[u8],
    epoch: u64,
    content_type: u8,
    authenticated_data: &[u8],
) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.vl_bytes(group_id)?;
    w.u64(epoch);
    w.u8(content_type);
    w.vl_bytes(authenticated_data)?;
    Ok(w.into_bytes())
}

/// `SenderDataAAD` (§6.3.2).
fn sender_data_aad(group_id: &[u8], epoch: u64, content_type: u8) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.vl_bytes(group_id)?;
    w.u64(epoch);
    w.u8(content_type);
    Ok(w.into_bytes())
}

fn ratchet_kind(content_type: u8) -> RatchetKind {
    if content_type == CONTENT_TYPE_APPLICATION {
        RatchetKind::Application
    } else {
        RatchetKind::Handshake
    }
}

/// XORs the reuse guard into the first four bytes of the nonce (§6.3.1).
fn guarded_nonce(nonce: &[u8], reuse_guard: &[u8; 4]) -> Vec<u8> {
    let mut out = nonce.to_vec();
    for (b, g) in out.iter_mut().zip(reuse_guard) {
        *b ^= g;
    }
    out
}

/// What decrypting a PrivateMessage yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprotected {
    pub content: AuthenticatedContent,
    pub generation: u32,
    pub reuse_guard: [u8; 4],
    /// The decrypted `PrivateMessageContent` (content, auth, padding) as
    /// it came out of the AEAD, for inspection; zeroized when dropped.
    pub plaintext: crate::crypto::Secret,
}

impl PrivateMessage {
    /// Encrypts signed content from a member (§6.3): content under the
    /// sender's next ratchet key with a random reuse guard, then the sender
    /// data under the sender data key. `padding` zero bytes are appended.
    pub fn protect<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        content: &AuthenticatedContent,
        secret_tree: &mut SecretTree,
        sender_data_secret: &[u8],
        padding: usize,
    ) -> Result<Self, FramingError> {
        let Sender::Member(leaf) = content.content.sender else {
            return Err(FramingError::PrivateFromNonMember);
        };
        if content.content.content.content_type() == CONTENT_TYPE_COMMIT
            && content.auth.confirmation_tag.is_none()
        {
            return Err(FramingError::MissingConfirmationTag);
        }
        let fc = &content.content;
        let content_type = fc.content.content_type();
        let kind = ratchet_kind(content_type);
        let mut reuse_guard = [0u8; 4];
        reuse_guard.copy_from_slice(p.random_bytes(4)?.get(..4).unwrap_or(&[0; 4]));

        let mut plaintext = Writer::new();
        fc.content.encode_body(&mut plaintext)?;
        content.auth.encode(&mut plaintext)?;
        let mut plaintext = plaintext.into_bytes();
        plaintext.resize(plaintext.len() + padding, 0);
        secret_tree.charge(p, leaf, kind, plaintext.len() as u64)?;
        let key_nonce = secret_tree.ratchet(p, leaf, kind)?.next(p)?;

        let aad = content_aad(
            fc.group_id.as_slice(),
            fc.epoch,
            content_type,
            fc.authenticated_data.as_slice(),
        )?;
        let nonce = guarded_nonce(key_nonce.nonce.as_bytes(), &reuse_guard);
        let ciphertext = p.aead_seal(cs, key_nonce.key.as_bytes(), &nonce, &aad, &plaintext)?;

        let sender_data = SenderData {
            leaf_index: leaf,
            generation: key_nonce.generation,
            reuse_guard,
        };
        let (sd_key, sd_nonce) = sender_data_key_nonce(p, cs, sender_data_secret, &ciphertext)?;
        let sd_aad = sender_data_aad(fc.group_id.as_slice(), fc.epoch, content_type)?;
        let encrypted_sender_data = p.aead_seal(
            cs,
            sd_key.as_bytes(),
            sd_nonce.as_bytes(),
            &sd_aad,
            &sender_data.to_bytes()?,
        )?;
        Ok(PrivateMessage {
            group_id: fc.group_id.clone(),
            epoch: fc.epoch,
            content_type,
            authenticated_data: fc.authenticated_data.clone(),
            encrypted_sender_data: VlBytes(encrypted_sender_data),
            ciphertext: VlBytes(ciphertext),
        })
    }

    /// Decrypts the sender data only (§6.3.2).
    pub fn sender_data<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        sender_data_secret: &[u8],
    ) -> Result<SenderData, FramingError> {
        let (key, nonce) =
            sender_data_key_nonce(p, cs, sender_data_secret, self.ciphertext.as_slice())?;
        let aad = sender_data_aad(self.group_id.as_slice(), self.epoch, self.content_type)?;
        let plain = p
            .aead_open(
                cs,
                key.as_bytes(),
                nonce.as_bytes(),
                &aad,
                self.encrypted_sender_data.as_slice(),
            )
            .map_err(|_| FramingError::SenderDataDecrypt)?;
        SenderData::decode_exact(&plain).map_err(|error| FramingError::Malformed {
            what: "sender data",
            error,
        })
    }

    /// Decrypts sender data and content (§6.3). The signature is *not*
    /// checked here: the caller knows the sender's key.
    pub fn unprotect<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        secret_tree: &mut SecretTree,
        sender_data_secret: &[u8],
    ) -> Result<Unprotected, FramingError> {
        let sd = self.sender_data(p, cs, sender_data_secret)?;
        let key_nonce = secret_tree.key_nonce(
            p,
            sd.leaf_index,
            ratchet_kind(self.content_type),
            sd.generation,
        )?;
        let aad = content_aad(
            self.group_id.as_slice(),
            self.epoch,
            self.content_type,
            self.authenticated_data.as_slice(),
        )?;
        let nonce = guarded_nonce(key_nonce.nonce.as_bytes(), &sd.reuse_guard);
        let plain = p
            .aead_open(
                cs,
                key_nonce.key.as_bytes(),
                &nonce,
                &aad,
                self.ciphertext.as_slice(),
            )
            .map_err(|_| FramingError::ContentDecrypt)?;
        secret_tree.charge(
            p,
            sd.leaf_index,
            ratchet_kind(self.content_type),
            plain.len() as u64,
        )?;

        let mut r = Reader::new(&plain);
        let malformed = |error| FramingError::Malformed {
            what: "PrivateMessageContent",
            error,
        };
        let body = Content::decode_body(self.content_type, &mut r).map_err(malformed)?;
        let auth = r
            .field("auth", |r| {
                FramedContentAuthData::decode_for(self.content_type, r)
            })
            .map_err(malformed)?;
        let rest_at = r.position();
        let rest = r.bytes(r.remaining()).map_err(malformed)?;
        if let Some(i) = rest.iter().position(|b| *b != 0) {
            return Err(FramingError::NonZeroPadding(rest_at + i));
        }
        Ok(Unprotected {
            content: AuthenticatedContent {
                wire_format: WIRE_FORMAT_PRIVATE_MESSAGE,
                content: FramedContent {
                    group_id: self.group_id.clone(),
                    epoch: self.epoch,
                    sender: Sender::Member(sd.leaf_index),
                    authenticated_data: self.authenticated_data.clone(),
                    content: body,
                },
                auth,
            },
            generation: sd.generation,
            reuse_guard: sd.reuse_guard,
            plaintext: crate::crypto::Secret::new(plain),
        })
    }
}
