//! `message-protection.json`: PublicMessage and PrivateMessage protection of
//! a proposal, a commit and application data (RFC 9420 §6).

use crate::codec::{Decode, Encode, VlBytes};
use crate::crypto::{CipherSuite, RustCrypto, Secret, SignaturePrivateKey, SignaturePublicKey};
use crate::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessage, MlsMessageBody, PrivateMessage,
    PublicMessage, Sender, WIRE_FORMAT_PRIVATE_MESSAGE, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content,
    verify_content,
};
use crate::messages::{Commit, GroupContext, PROTOCOL_VERSION_MLS10, Proposal};
use crate::schedule::SecretTree;

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

struct Setup {
    cs: CipherSuite,
    group_id: Vec<u8>,
    epoch: u64,
    context: Vec<u8>,
    signature_priv: SignaturePrivateKey,
    signature_pub: SignaturePublicKey,
    encryption_secret: Vec<u8>,
    sender_data_secret: Vec<u8>,
    membership_key: Vec<u8>,
}

impl Setup {
    fn tree(&self) -> Result<SecretTree, String> {
        SecretTree::new(self.cs, Secret::new(self.encryption_secret.clone()), 2)
            .map_err(|e| e.to_string())
    }
}

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let group_id = case.get("group_id")?.hex()?;
    let epoch = case.get("epoch")?.u64()?;
    let context = GroupContext {
        version: PROTOCOL_VERSION_MLS10,
        cipher_suite: cs.id(),
        group_id: VlBytes(group_id.clone()),
        epoch,
        tree_hash: VlBytes(case.get("tree_hash")?.hex()?),
        confirmed_transcript_hash: VlBytes(case.get("confirmed_transcript_hash")?.hex()?),
        extensions: Vec::new(),
    }
    .to_bytes()
    .map_err(|e| e.to_string())?;
    let s = Setup {
        cs,
        group_id,
        epoch,
        context,
        signature_priv: SignaturePrivateKey::new(case.get("signature_priv")?.hex()?.into()),
        signature_pub: SignaturePublicKey(case.get("signature_pub")?.hex()?),
        encryption_secret: case.get("encryption_secret")?.hex()?,
        sender_data_secret: case.get("sender_data_secret")?.hex()?,
        membership_key: case.get("membership_key")?.hex()?,
    };

    let proposal = case.get("proposal")?.hex()?;
    let content = Content::Proposal(
        Proposal::decode_exact(&proposal).map_err(|e| format!("proposal does not decode: {e}"))?,
    );
    check_public(
        &s,
        "proposal_pub",
        &case.get("proposal_pub")?.hex()?,
        &content,
    )?;
    check_private(
        &s,
        "proposal_priv",
        &case.get("proposal_priv")?.hex()?,
        &content,
    )?;

    let commit = case.get("commit")?.hex()?;
    let content = Content::Commit(
        Commit::decode_exact(&commit).map_err(|e| format!("commit does not decode: {e}"))?,
    );
    check_public(&s, "commit_pub", &case.get("commit_pub")?.hex()?, &content)?;
    check_private(
        &s,
        "commit_priv",
        &case.get("commit_priv")?.hex()?,
        &content,
    )?;

    let content = Content::Application(VlBytes(case.get("application")?.hex()?));
    check_private(
        &s,
        "application_priv",
        &case.get("application_priv")?.hex()?,
        &content,
    )?;
    let signed = sign(&s, &content, WIRE_FORMAT_PUBLIC_MESSAGE, None)?;
    if PublicMessage::protect(&RustCrypto, cs, signed, &s.membership_key, &s.context).is_ok() {
        return Err("application: protecting as a PublicMessage succeeded, it must fail".into());
    }
    Ok(())
}

fn sign(
    s: &Setup,
    content: &Content,
    wire_format: u16,
    confirmation_tag: Option<VlBytes>,
) -> Result<AuthenticatedContent, String> {
    let framed = FramedContent {
        group_id: VlBytes(s.group_id.clone()),
        epoch: s.epoch,
        sender: Sender::Member(1),
        authenticated_data: VlBytes::default(),
        content: content.clone(),
    };
    let mut signed = sign_content(
        &RustCrypto,
        s.cs,
        wire_format,
        framed,
        &s.context,
        &s.signature_priv,
    )
    .map_err(|e| format!("signing: {e}"))?;
    if matches!(content, Content::Commit(_)) {
        signed.auth.confirmation_tag =
            confirmation_tag.or_else(|| Some(VlBytes(vec![0; s.cs.hash_len()])));
    }
    Ok(signed)
}

fn check_public(s: &Setup, name: &str, bytes: &[u8], expected: &Content) -> Result<(), String> {
    let p = RustCrypto;
    let MlsMessageBody::PublicMessage(public) = decode(bytes, name)? else {
        return Err(format!("{name} is not a PublicMessage"));
    };
    let verify = |m: &PublicMessage, what: &str| -> Result<(), String> {
        m.verify_membership_tag(&p, s.cs, &s.membership_key, &s.context)
            .map_err(|e| format!("{what}: {e}"))?;
        verify_content(
            &p,
            s.cs,
            &m.authenticated_content(),
            &s.context,
            &s.signature_pub,
        )
        .map_err(|e| format!("{what}: {e}"))
    };
    verify(&public, name)?;
    if &public.content.content != expected {
        return Err(format!("{name}: the content differs from the raw value"));
    }

    let signed = sign(
        s,
        expected,
        WIRE_FORMAT_PUBLIC_MESSAGE,
        public.auth.confirmation_tag.clone(),
    )?;
    let ours = PublicMessage::protect(&p, s.cs, signed, &s.membership_key, &s.context)
        .map_err(|e| format!("{name}: protecting: {e}"))?;
    let MlsMessageBody::PublicMessage(reparsed) =
        round_trip(MlsMessageBody::PublicMessage(ours), name)?
    else {
        return Err(format!("{name}: our message is not a PublicMessage"));
    };
    verify(&reparsed, &format!("{name}: our own message"))
}

fn check_private(s: &Setup, name: &str, bytes: &[u8], expected: &Content) -> Result<(), String> {
    let p = RustCrypto;
    let MlsMessageBody::PrivateMessage(private) = decode(bytes, name)? else {
        return Err(format!("{name} is not a PrivateMessage"));
    };
    let open = |m: &PrivateMessage, what: &str| -> Result<AuthenticatedContent, String> {
        let out = m
            .unprotect(&p, s.cs, &mut s.tree()?, &s.sender_data_secret)
            .map_err(|e| format!("{what}: {e}"))?;
        verify_content(&p, s.cs, &out.content, &s.context, &s.signature_pub)
            .map_err(|e| format!("{what}: {e}"))?;
        if &out.content.content.content != expected {
            return Err(format!(
                "{what}: the decrypted content differs from the raw value"
            ));
        }
        Ok(out.content)
    };
    let theirs = open(&private, name)?;

    let signed = sign(
        s,
        expected,
        WIRE_FORMAT_PRIVATE_MESSAGE,
        theirs.auth.confirmation_tag.clone(),
    )?;
    let ours = PrivateMessage::protect(&p, s.cs, &signed, &mut s.tree()?, &s.sender_data_secret, 7)
        .map_err(|e| format!("{name}: protecting: {e}"))?;
    let MlsMessageBody::PrivateMessage(reparsed) =
        round_trip(MlsMessageBody::PrivateMessage(ours), name)?
    else {
        return Err(format!("{name}: our message is not a PrivateMessage"));
    };
    let reopened = open(&reparsed, &format!("{name}: our own message"))?;
    expect_eq(
        &format!("{name}: our own message's signature"),
        signed.auth.signature.as_slice(),
        reopened.auth.signature.as_slice(),
    )
}

/// The vector's message `name`, decoded.
fn decode(bytes: &[u8], name: &str) -> Result<MlsMessageBody, String> {
    let message =
        MlsMessage::decode_exact(bytes).map_err(|e| format!("{name} does not decode: {e}"))?;
    Ok(message.body)
}

/// Our message encoded as it goes on the wire and decoded again.
fn round_trip(body: MlsMessageBody, name: &str) -> Result<MlsMessageBody, String> {
    let wire = MlsMessage::new(body)
        .to_bytes()
        .map_err(|e| e.to_string())?;
    let message =
        MlsMessage::decode_exact(&wire).map_err(|e| format!("{name}: our message: {e}"))?;
    Ok(message.body)
}
