//! Joining by Welcome (RFC 9420 §12.4.3.1).

use std::collections::BTreeMap;

use crate::codec::Encode;
use crate::credential::IdentityProvider;
use crate::crypto::{CipherSuite, CryptoProvider, Secret, SignaturePublicKey};
use crate::messages::{
    ExtensionValue, GroupInfo, PROTOCOL_VERSION_MLS10, Psk, RatchetTree, Welcome,
};
use crate::schedule::{JoinerSecrets, SecretTree};
use crate::tree::{Tree, TreeError, TreeKemPrivate, math, next_path_secret, node_key_pair};

use super::error::{GroupError, JoinError, MissingPsk};
use super::group::{Group, GroupConfig, combine_psks};
use super::key_package::KeyPackageBundle;
use super::transcript::{confirmation_tag, interim_transcript_hash};
use super::welcome::{decrypt_group_info, decrypt_group_secrets, find_secrets, verify_group_info};

impl Group {
    /// Joins from a Welcome (§12.4.3.1) with the key package bundle it was
    /// made for. The ratchet tree comes from the GroupInfo's extension or,
    /// if absent there, from `ratchet_tree`. External PSKs named by the
    /// Welcome must be in `external_psks`.
    pub fn join<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        ratchet_tree: Option<&RatchetTree>,
        external_psks: BTreeMap<Vec<u8>, Secret>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        Self::join_inner(
            p,
            welcome,
            bundle,
            ratchet_tree,
            external_psks,
            None,
            config,
        )
    }

    pub(super) fn join_inner<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        ratchet_tree: Option<&RatchetTree>,
        external_psks: BTreeMap<Vec<u8>, Secret>,
        resumption: Option<&Resumed>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let kp = &bundle.key_package;
        let cs = CipherSuite::from_u16(kp.cipher_suite)
            .ok_or(GroupError::UnsupportedCipherSuite(kp.cipher_suite))?;
        let entry = find_secrets(p, cs, welcome, kp)?;
        let secrets = decrypt_group_secrets(
            p,
            cs,
            &bundle.init_private,
            entry,
            welcome.encrypted_group_info.as_slice(),
        )?;

        // PSKs: only external ones can be known to a new member here.
        let mut keys = Vec::new();
        for id in &secrets.psks {
            match &id.psk {
                Psk::External { psk_id } => keys.push(
                    external_psks
                        .get(psk_id.as_slice())
                        .ok_or_else(|| MissingPsk::from(id))?,
                ),
                Psk::Resumption {
                    usage,
                    psk_group_id,
                    psk_epoch,
                } => match resumption {
                    Some(r)
                        if *usage == r.usage
                            && psk_group_id.as_slice() == r.group_id.as_slice()
                            && *psk_epoch == r.epoch =>
                    {
                        keys.push(&r.psk)
                    }
                    _ => return Err(MissingPsk::from(id).into()),
                },
            }
        }
        if let Some(r) = resumption {
            let carried = secrets.psks.iter().any(|id| {
                matches!(&id.psk, Psk::Resumption { usage, psk_group_id, psk_epoch }
                    if *usage == r.usage && psk_group_id.as_slice() == r.group_id.as_slice() && *psk_epoch == r.epoch)
            });
            if !carried {
                return Err(JoinError::NoResumptionPsk {
                    usage: r.usage,
                    group_id: r.group_id.clone(),
                    epoch: r.epoch,
                }
                .into());
            }
        }
        let psk = combine_psks(p, cs, &secrets.psks, &keys)?;
        let joiner = JoinerSecrets::from_joiner(
            p,
            cs,
            Secret::new(secrets.joiner_secret.0.clone()),
            Some(psk.as_bytes()),
        )?;
        let info = decrypt_group_info(
            p,
            cs,
            &joiner.welcome_secret,
            welcome.encrypted_group_info.as_slice(),
        )?;
        if info.group_context.cipher_suite != cs.id() {
            return Err(JoinError::CipherSuite {
                group_info: info.group_context.cipher_suite,
                key_package: cs.id(),
            }
            .into());
        }
        if info.group_context.version != PROTOCOL_VERSION_MLS10 {
            return Err(JoinError::Version {
                version: info.group_context.version,
            }
            .into());
        }

        let tree = verified_tree(p, cs, &info, ratchet_tree, config.identity.as_ref())?;

        let me = tree
            .members()
            .find(|(_, l)| *l == &kp.leaf_node)
            .map(|(i, _)| i)
            .ok_or(JoinError::LeafNotInTree)?;
        let mut private = TreeKemPrivate::new(me, bundle.encryption_private.clone());
        if let Some(ps) = &secrets.path_secret {
            let my_node = math::leaf_to_node(me).unwrap_or_default();
            let signer_node = math::leaf_to_node(info.signer).unwrap_or_default();
            let ancestor = math::common_ancestor(my_node, signer_node);
            let mut secret = Secret::new(ps.path_secret.0.clone());
            let mut nodes = vec![ancestor];
            nodes.extend(math::direct_path(ancestor, tree.size()).unwrap_or_default());
            for node in nodes {
                let Some(parent) = tree.parent(node) else {
                    continue;
                };
                let (sk, pk) = node_key_pair(p, cs, &secret)?;
                if pk.0 != parent.encryption_key.0 {
                    return Err(JoinError::PathSecretMismatch { node }.into());
                }
                private.insert(node, sk);
                secret = next_path_secret(p, cs, &secret)?;
            }
        }
        private.check_consistency(p, &tree)?;

        let context_bytes = info.group_context.to_bytes()?;
        let epoch_secrets = joiner.epoch(p, cs, &context_bytes)?;
        let tag = confirmation_tag(
            p,
            cs,
            epoch_secrets.confirmation_key.as_bytes(),
            info.group_context.confirmed_transcript_hash.as_slice(),
        );
        if tag != info.confirmation_tag.0 {
            return Err(GroupError::BadConfirmationTag);
        }
        let interim = interim_transcript_hash(
            p,
            cs,
            info.group_context.confirmed_transcript_hash.as_slice(),
            &tag,
        )?;
        let secret_tree = SecretTree::with_config(
            cs,
            epoch_secrets.encryption_secret.clone(),
            tree.leaf_count(),
            config.ratchet,
        )?;
        Ok(Group {
            cs,
            context: info.group_context,
            tree,
            private,
            signer: bundle.signature_private.clone(),
            interim_transcript_hash: interim,
            secrets: epoch_secrets,
            secret_tree,
            pending: Vec::new(),
            update_keys: Vec::new(),
            external_psks,
            resumption_psks: BTreeMap::new(),
            foreign_psks: BTreeMap::new(),
            reinit: None,
            past_epochs: Vec::new(),
            config,
        })
    }
}

/// The ratchet tree of a GroupInfo (its extension, else `supplied`),
/// checked as a joiner must (§12.4.3.1): the GroupInfo signature by the
/// signer's leaf, the tree hash, and the tree's integrity.
pub(super) fn verified_tree<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    info: &GroupInfo,
    supplied: Option<&RatchetTree>,
    identity: &dyn IdentityProvider,
) -> Result<Tree, GroupError> {
    let from_extension = info.extensions.iter().find_map(|e| match e.value() {
        Ok(ExtensionValue::RatchetTree(t)) => Some(t),
        _ => None,
    });
    let wire = from_extension
        .or_else(|| supplied.cloned())
        .ok_or(JoinError::NoRatchetTree)?;
    let mut tree = Tree::from_wire(cs, &wire)?;
    let signer_leaf = tree
        .leaf(info.signer)
        .ok_or(JoinError::SignerBlank { leaf: info.signer })?;
    verify_group_info(
        p,
        cs,
        info,
        &SignaturePublicKey(signer_leaf.signature_key.0.clone()),
    )?;
    tree.fill_hashes(p)?;
    if tree.root_hash(p)? != info.group_context.tree_hash.0 {
        return Err(JoinError::TreeHashMismatch.into());
    }
    let group_id = info.group_context.group_id.0.clone();
    // The leaf signatures (batched, one batch per thread) and the checks of
    // each leaf on its own run side by side; the errors are reported in
    // the order of §12.4.3.1: tree shape, keys, parent hashes, signatures,
    // then each leaf's capabilities and credential.
    let now = super::key_package::now();
    let (structure, (signatures, leaves)) = rayon::join(
        || -> Result<(), TreeError> {
            tree.verify_unmerged_leaves()?;
            tree.verify_unique_keys()
        },
        || {
            rayon::join(
                || tree.verify_leaf_signatures(p, &group_id),
                || -> Result<(), GroupError> {
                    for (leaf, node) in tree.members() {
                        super::key_package::validate_leaf_capabilities(node)
                            .map_err(|error| JoinError::LeafCapabilities { leaf, error })?;
                        identity
                            .validate(cs, &node.credential, node.signature_key.as_slice(), now)
                            .map_err(|error| JoinError::Credential { leaf, error })?;
                    }
                    Ok(())
                },
            )
        },
    );
    structure?;
    tree.verify_parent_hashes(p)?;
    signatures?;
    leaves?;
    Ok(tree)
}

/// A resumption PSK that links a new group to an old one.
#[derive(Debug, Clone)]
pub(super) struct Resumed {
    pub(super) usage: u8,
    pub(super) group_id: Vec<u8>,
    pub(super) epoch: u64,
    pub(super) psk: Secret,
}
