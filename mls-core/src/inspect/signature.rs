//! Signatures the dissector can check from a message alone.

use crate::crypto::{CipherSuite, CryptoProvider, SignaturePublicKey, verify_with_label};
use crate::framing::{
    Content, MlsMessageBody, PublicMessage, Sender, WIRE_FORMAT_PUBLIC_MESSAGE, framed_content_tbs,
};
use crate::group::verify_group_info;
use crate::messages::{
    ExtensionValue, GroupInfo, KeyPackage, LeafNode, LeafNodeSource, Node, Proposal,
};
use crate::tree::verify_leaf_signature;

use super::Decoded;

/// What became of one signature: three states, never two — a signature
/// that could not be checked is not a failed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureOutcome {
    /// It verifies.
    Verified,
    /// It was checked and does not verify: why.
    Failed(String),
    /// It cannot be checked from the bytes alone (the group context, the
    /// signer's key or the suite is missing): what is needed.
    NotCheckable(String),
}

/// One signature and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// What is signed, e.g. `KeyPackage signature (KeyPackageTBS)`.
    pub what: String,
    pub outcome: SignatureOutcome,
}

impl SignatureCheck {
    fn new(what: &str, result: Result<(), String>) -> Self {
        SignatureCheck {
            what: what.to_string(),
            outcome: match result {
                Ok(()) => SignatureOutcome::Verified,
                Err(why) => SignatureOutcome::Failed(why),
            },
        }
    }

    fn not_checkable(what: &str, why: impl Into<String>) -> Self {
        SignatureCheck {
            what: what.to_string(),
            outcome: SignatureOutcome::NotCheckable(why.into()),
        }
    }

    pub fn verified(&self) -> bool {
        self.outcome == SignatureOutcome::Verified
    }

    /// `verified`, `failed` or `not checkable`.
    pub fn status(&self) -> &'static str {
        match self.outcome {
            SignatureOutcome::Verified => "verified",
            SignatureOutcome::Failed(_) => "failed",
            SignatureOutcome::NotCheckable(_) => "not checkable",
        }
    }

    /// ✔, ✖ or ?.
    pub fn mark(&self) -> &'static str {
        match self.outcome {
            SignatureOutcome::Verified => "✔",
            SignatureOutcome::Failed(_) => "✖",
            SignatureOutcome::NotCheckable(_) => "?",
        }
    }

    /// Why it failed or cannot be checked.
    pub fn reason(&self) -> Option<&str> {
        match &self.outcome {
            SignatureOutcome::Verified => None,
            SignatureOutcome::Failed(why) | SignatureOutcome::NotCheckable(why) => Some(why),
        }
    }
}

fn suite(id: u16) -> Result<CipherSuite, String> {
    CipherSuite::from_u16(id).ok_or_else(|| format!("unknown cipher suite {id}: cannot check"))
}

pub(super) fn checks<P: CryptoProvider + ?Sized>(p: &P, decoded: &Decoded) -> Vec<SignatureCheck> {
    match decoded {
        Decoded::Message(m) => match &m.body {
            MlsMessageBody::KeyPackage(k) => key_package(p, k),
            MlsMessageBody::GroupInfo(g) => group_info(p, g),
            MlsMessageBody::PublicMessage(m) => public_message(p, m),
            MlsMessageBody::PrivateMessage(_) | MlsMessageBody::Welcome(_) => Vec::new(),
        },
        Decoded::KeyPackage(k) => key_package(p, k),
        Decoded::GroupInfo(g) => group_info(p, g),
        Decoded::Public(m) => public_message(p, m),
        Decoded::Leaf(l) => vec![leaf_node(p, l, None)],
        _ => Vec::new(),
    }
}

fn key_package<P: CryptoProvider + ?Sized>(p: &P, k: &KeyPackage) -> Vec<SignatureCheck> {
    let cs = match suite(k.cipher_suite) {
        Ok(cs) => cs,
        Err(e) => return vec![SignatureCheck::not_checkable("KeyPackage signature", e)],
    };
    let pk = SignaturePublicKey(k.leaf_node.signature_key.0.clone());
    let result = k.tbs_bytes().map_err(|e| e.to_string()).and_then(|tbs| {
        verify_with_label(p, cs, &pk, b"KeyPackageTBS", &tbs, k.signature.as_slice())
            .map_err(|e| format!("does not verify with the leaf's signature key ({e})"))
    });
    vec![
        SignatureCheck::new("KeyPackage signature (KeyPackageTBS)", result),
        leaf_node(p, &k.leaf_node, Some(cs)),
    ]
}

fn leaf_node<P: CryptoProvider + ?Sized>(
    p: &P,
    l: &LeafNode,
    cs: Option<CipherSuite>,
) -> SignatureCheck {
    let what = "LeafNode signature (LeafNodeTBS)";
    if !matches!(l.leaf_node_source, LeafNodeSource::KeyPackage(_)) {
        return SignatureCheck::not_checkable(
            what,
            "signed with the group id and leaf index: load the group to check it",
        );
    }
    let Some(cs) = cs else {
        // A bare LeafNode names no suite: try each and report the one that verifies.
        let found = CipherSuite::ALL
            .into_iter()
            .find(|cs| verify_leaf_signature(p, *cs, l, &[], 0).is_ok());
        return match found {
            Some(cs) => SignatureCheck::new(&format!("{what}, under {}", cs.name()), Ok(())),
            None => SignatureCheck::new(what, Err("does not verify under any cipher suite".into())),
        };
    };
    SignatureCheck::new(
        what,
        verify_leaf_signature(p, cs, l, &[], 0).map_err(|e| e.to_string()),
    )
}

fn group_info<P: CryptoProvider + ?Sized>(p: &P, g: &GroupInfo) -> Vec<SignatureCheck> {
    let what = "GroupInfo signature (GroupInfoTBS)";
    let cs = match suite(g.group_context.cipher_suite) {
        Ok(cs) => cs,
        Err(e) => return vec![SignatureCheck::not_checkable(what, e)],
    };
    let tree = g.extensions.iter().find_map(|e| match e.value() {
        Ok(ExtensionValue::RatchetTree(t)) => Some(t),
        _ => None,
    });
    let Some(tree) = tree else {
        return vec![SignatureCheck::not_checkable(
            what,
            "the signer's key is in the ratchet tree, which this GroupInfo does not carry",
        )];
    };
    let signer = usize::try_from(g.signer)
        .ok()
        .and_then(|i| i.checked_mul(2));
    let key = match signer.and_then(|n| tree.0.get(n)) {
        Some(Some(Node::Leaf(leaf))) => SignaturePublicKey(leaf.signature_key.0.clone()),
        _ => {
            return vec![SignatureCheck::not_checkable(
                what,
                format!(
                    "signer leaf {} is blank or outside the ratchet tree: no key to check with",
                    g.signer
                ),
            )];
        }
    };
    vec![SignatureCheck::new(
        what,
        verify_group_info(p, cs, g, &key).map_err(|e| e.to_string()),
    )]
}

fn public_message<P: CryptoProvider + ?Sized>(
    provider: &P,
    m: &PublicMessage,
) -> Vec<SignatureCheck> {
    let what = "PublicMessage signature (FramedContentTBS)";
    // Only a new member's Add proposal carries its own key and needs no
    // group context (§6.1: no context for new_member_proposal senders).
    let Sender::NewMemberProposal = m.content.sender else {
        return vec![SignatureCheck::not_checkable(
            what,
            "covers the group context: load the group to check it",
        )];
    };
    let Content::Proposal(Proposal::Add { key_package }) = &m.content.content else {
        return vec![SignatureCheck::new(
            what,
            Err("new_member_proposal without an Add".into()),
        )];
    };
    let result = suite(key_package.cipher_suite).and_then(|cs| {
        let tbs = framed_content_tbs(WIRE_FORMAT_PUBLIC_MESSAGE, &m.content, &[])
            .map_err(|e| e.to_string())?;
        let pk = SignaturePublicKey(key_package.leaf_node.signature_key.0.clone());
        verify_with_label(
            provider,
            cs,
            &pk,
            b"FramedContentTBS",
            &tbs,
            m.auth.signature.as_slice(),
        )
        .map_err(|e| format!("does not verify with the added key package's key ({e})"))
    });
    vec![SignatureCheck::new(what, result)]
}
