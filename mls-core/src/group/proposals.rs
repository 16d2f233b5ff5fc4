//! Proposal list validation (RFC 9420 §12.2) and application (§12.3).

use crate::crypto::{CipherSuite, CryptoProvider};
use crate::framing::Sender;
use crate::messages::{
    Credential, EXT_REQUIRED_CAPABILITIES, Extension, ExtensionValue, KeyPackage, LeafNodeSource,
    PreSharedKeyId, Proposal, ReInit, RequiredCapabilities, duplicate_extension_type,
};
use crate::tree::{Tree, verify_leaf_signature};

use super::error::{CapabilityError, GroupError, ProposalError};
use super::key_package::{validate_key_packages, validate_leaf_capabilities};

/// A proposal with who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentProposal {
    pub proposal: Proposal,
    pub sender: Sender,
}

/// The outcome of applying a proposal list to a copy of the tree (the
/// tree itself is returned beside it).
#[derive(Debug, Clone)]
pub struct Applied {
    pub extensions: Vec<Extension>,
    pub extensions_changed: bool,
    pub added: Vec<(u32, KeyPackage)>,
    pub removed: Vec<(u32, Credential)>,
    pub updated: Vec<(u32, Credential)>,
    pub psks: Vec<PreSharedKeyId>,
    pub reinit: Option<ReInit>,
    pub path_required: bool,
}

fn invalid(error: ProposalError) -> GroupError {
    GroupError::InvalidProposals(error)
}

/// Validates and applies `list` (committed by leaf `committer`) to a copy of
/// `tree`, in the order of §12.3: group context extensions, updates,
/// removes, adds; PSKs and ReInit are collected.
#[allow(clippy::too_many_arguments)]
pub fn apply<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    tree: &Tree,
    group_id: &[u8],
    extensions: &[Extension],
    committer: u32,
    list: &[SentProposal],
    initial_psk_usage: Option<u8>,
    identity: &dyn crate::credential::IdentityProvider,
) -> Result<(Tree, Applied), GroupError> {
    let mut gce: Option<&Vec<Extension>> = None;
    let mut updates: Vec<(u32, &crate::messages::LeafNode)> = Vec::new();
    let mut removes: Vec<u32> = Vec::new();
    let mut adds: Vec<&KeyPackage> = Vec::new();
    let mut psks: Vec<PreSharedKeyId> = Vec::new();
    let mut reinit: Option<ReInit> = None;
    let mut path_required = list.is_empty();

    for item in list {
        match &item.proposal {
            Proposal::GroupContextExtensions { extensions } => {
                if gce.replace(extensions).is_some() {
                    return Err(invalid(ProposalError::MultipleGroupContextExtensions));
                }
                if let Some(t) = duplicate_extension_type(extensions) {
                    return Err(invalid(ProposalError::DuplicateExtension {
                        extension_type: t,
                    }));
                }
                path_required = true;
            }
            Proposal::Update { leaf_node } => {
                let Sender::Member(leaf) = item.sender else {
                    return Err(invalid(ProposalError::UpdateFromNonMember));
                };
                if leaf == committer {
                    return Err(invalid(ProposalError::UpdateFromCommitter));
                }
                updates.push((leaf, leaf_node));
                path_required = true;
            }
            Proposal::Remove { removed } => {
                if *removed == committer {
                    return Err(invalid(ProposalError::RemoveOfCommitter));
                }
                if tree.leaf(*removed).is_none() {
                    return Err(invalid(ProposalError::RemoveOfBlankLeaf { leaf: *removed }));
                }
                removes.push(*removed);
                path_required = true;
            }
            Proposal::Add { key_package } => adds.push(key_package),
            Proposal::PreSharedKey { psk } => {
                // §11.2, §11.3: reinit and branch PSKs only in the initial
                // commit of the new group they set up.
                if let crate::messages::Psk::Resumption { usage, .. } = &psk.psk
                    && *usage != crate::messages::RESUMPTION_APPLICATION
                    && initial_psk_usage != Some(*usage)
                {
                    return Err(invalid(ProposalError::ResumptionPskOutsideNewGroup {
                        usage: *usage,
                    }));
                }
                if psks.iter().any(|q| q.psk == psk.psk) {
                    return Err(invalid(ProposalError::DuplicatePsk));
                }
                if psk.psk_nonce.len() != cs.hash_len() {
                    return Err(invalid(ProposalError::PskNonceLength {
                        len: psk.psk_nonce.len(),
                        expected: cs.hash_len(),
                    }));
                }
                psks.push(psk.clone());
            }
            Proposal::ReInit(r) => {
                if list.len() != 1 {
                    return Err(invalid(ProposalError::ReInitNotAlone));
                }
                reinit = Some(r.clone());
            }
            Proposal::ExternalInit { .. } => {
                return Err(invalid(ProposalError::ExternalInitInMemberCommit));
            }
            Proposal::Unknown { proposal_type, .. } => {
                let unsupported = tree
                    .members()
                    .any(|(_, l)| !l.capabilities.proposals.contains(proposal_type));
                if unsupported {
                    return Err(invalid(ProposalError::UnsupportedProposalType {
                        proposal_type: *proposal_type,
                    }));
                }
            }
        }
    }

    // Key packages are validated independently of each other: in parallel,
    // their signatures in batches.
    validate_key_packages(p, cs, &adds, identity)?;

    // One Update or Remove per leaf.
    let mut touched: Vec<u32> = updates
        .iter()
        .map(|(l, _)| *l)
        .chain(removes.iter().copied())
        .collect();
    touched.sort_unstable();
    if let Some(leaf) = touched.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*a),
        _ => None,
    }) {
        return Err(invalid(ProposalError::LeafChangedTwice { leaf }));
    }

    let mut tree = tree.clone();
    let new_extensions = gce.cloned().unwrap_or_else(|| extensions.to_vec());
    let required = required_capabilities(&new_extensions)?;

    let mut updated = Vec::new();
    for (leaf, node) in &updates {
        let current = tree
            .leaf(*leaf)
            .ok_or_else(|| invalid(ProposalError::UpdateFromBlankLeaf { leaf: *leaf }))?;
        if !matches!(node.leaf_node_source, LeafNodeSource::Update) {
            return Err(invalid(ProposalError::UpdateSourceNotUpdate {
                leaf: *leaf,
            }));
        }
        if node.encryption_key == current.encryption_key {
            return Err(invalid(ProposalError::UpdateKeepsEncryptionKey {
                leaf: *leaf,
            }));
        }
        verify_leaf_signature(p, cs, node, group_id, *leaf)?;
        let capabilities =
            |error| invalid(ProposalError::UpdateCapabilities { leaf: *leaf, error });
        validate_leaf_capabilities(node).map_err(capabilities)?;
        identity.validate(
            cs,
            &node.credential,
            node.signature_key.as_slice(),
            super::key_package::now(),
        )?;
        identity.valid_successor(&current.credential, &node.credential)?;
        leaf_supports(node, &required, &new_extensions).map_err(capabilities)?;
        updated.push((*leaf, node.credential.clone()));
        tree.update_leaf(*leaf, (*node).clone())?;
    }

    let mut removed = Vec::new();
    for leaf in &removes {
        if let Some(l) = tree.leaf(*leaf) {
            removed.push((*leaf, l.credential.clone()));
        }
        tree.remove_leaf(*leaf)?;
    }

    let mut added = Vec::new();
    for (i, kp) in adds.iter().enumerate() {
        let key = &kp.leaf_node.signature_key;
        if adds
            .iter()
            .take(i)
            .any(|q| &q.leaf_node.signature_key == key)
        {
            return Err(invalid(ProposalError::DuplicateAdd));
        }
        if let Some((leaf, _)) = tree.members().find(|(_, l)| &l.signature_key == key) {
            return Err(invalid(ProposalError::AddOfMember { leaf }));
        }
        leaf_supports(&kp.leaf_node, &required, &new_extensions)
            .map_err(|error| invalid(ProposalError::AddCapabilities(error)))?;
        let leaf = tree.add_leaf(kp.leaf_node.clone())?;
        added.push((leaf, (*kp).clone()));
    }
    // The current tree's keys are unique (checked on join and on every
    // change); only new leaves can break that (§7.9.1, §12.2).
    if !adds.is_empty() || !updates.is_empty() {
        tree.verify_unique_keys()?;
    }
    if gce.is_some() {
        // New group context extensions must suit every member (§12.1.7).
        for (leaf, node) in tree.members() {
            leaf_supports(node, &required, &new_extensions).map_err(|error| {
                invalid(ProposalError::GroupContextExtensionsUnsupported { leaf, error })
            })?;
        }
    }

    Ok((
        tree,
        Applied {
            extensions_changed: gce.is_some(),
            extensions: new_extensions,
            added,
            removed,
            updated,
            psks,
            reinit,
            path_required,
        },
    ))
}

/// The `required_capabilities` among group context extensions, if any.
pub fn required_capabilities(extensions: &[Extension]) -> Result<RequiredCapabilities, GroupError> {
    for e in extensions {
        if e.extension_type == EXT_REQUIRED_CAPABILITIES {
            return match e.value() {
                Ok(ExtensionValue::RequiredCapabilities(r)) => Ok(r),
                Ok(_) => Ok(RequiredCapabilities::default()),
                Err(error) => Err(GroupError::Malformed {
                    what: "required_capabilities extension",
                    error,
                }),
            };
        }
    }
    Ok(RequiredCapabilities::default())
}

/// Whether a leaf supports the group's required capabilities and every
/// non-default group context extension (§11.1, §12.1.7).
pub fn leaf_supports(
    leaf: &crate::messages::LeafNode,
    required: &RequiredCapabilities,
    extensions: &[Extension],
) -> Result<(), CapabilityError> {
    let caps = &leaf.capabilities;
    let default_ext = |t: u16| (1..=5).contains(&t);
    let default_proposal = |t: u16| (1..=7).contains(&t);
    for t in required
        .extension_types
        .iter()
        .chain(extensions.iter().map(|e| &e.extension_type))
    {
        if !default_ext(*t) && !caps.extensions.contains(t) {
            return Err(CapabilityError::ExtensionUnsupported { extension_type: *t });
        }
    }
    for t in &required.proposal_types {
        if !default_proposal(*t) && !caps.proposals.contains(t) {
            return Err(CapabilityError::ProposalUnsupported { proposal_type: *t });
        }
    }
    for t in &required.credential_types {
        if !caps.credentials.contains(t) {
            return Err(CapabilityError::CredentialUnsupported {
                credential_type: *t,
            });
        }
    }
    Ok(())
}
