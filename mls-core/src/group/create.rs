//! Creating a one-member group (RFC 9420 §11).

use std::collections::BTreeMap;

use crate::codec::VlBytes;
use crate::crypto::{CipherSuite, CryptoProvider, Secret};
use crate::messages::{Extension, GroupContext, PROTOCOL_VERSION_MLS10};
use crate::schedule::{EpochSecrets, SecretTree};
use crate::tree::{Tree, TreeKemPrivate};

use super::error::GroupError;
use super::group::{Group, GroupConfig};
use super::key_package::KeyPackageBundle;
use super::transcript::{confirmation_tag, interim_transcript_hash};

impl Group {
    /// Creates a one-member group (§11) with the creator's key package
    /// bundle as its first leaf.
    pub fn create<P: CryptoProvider + ?Sized>(
        p: &P,
        bundle: &KeyPackageBundle,
        group_id: Vec<u8>,
        extensions: Vec<Extension>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let cs = CipherSuite::from_u16(bundle.key_package.cipher_suite).ok_or(
            GroupError::UnsupportedCipherSuite(bundle.key_package.cipher_suite),
        )?;
        let mut tree = Tree::with_first_leaf(cs, bundle.key_package.leaf_node.clone());
        let context = GroupContext {
            version: PROTOCOL_VERSION_MLS10,
            cipher_suite: cs.id(),
            group_id: VlBytes(group_id),
            epoch: 0,
            tree_hash: VlBytes(tree.root_hash(p)?),
            confirmed_transcript_hash: VlBytes::default(),
            extensions,
        };
        let epoch_secret = Secret::new(p.random_bytes(cs.hash_len())?);
        let secrets = EpochSecrets::from_epoch_secret(p, cs, &epoch_secret)?;
        let tag = confirmation_tag(p, cs, secrets.confirmation_key.as_bytes(), &[]);
        let interim = interim_transcript_hash(p, cs, &[], &tag)?;
        let secret_tree =
            SecretTree::with_config(cs, secrets.encryption_secret.clone(), 1, config.ratchet)?;
        Ok(Group {
            cs,
            context,
            tree,
            private: TreeKemPrivate::new(0, bundle.encryption_private.clone()),
            signer: bundle.signature_private.clone(),
            interim_transcript_hash: interim,
            secrets,
            secret_tree,
            pending: Vec::new(),
            update_keys: Vec::new(),
            external_psks: BTreeMap::new(),
            resumption_psks: BTreeMap::new(),
            foreign_psks: BTreeMap::new(),
            reinit: None,
            past_epochs: Vec::new(),
            config,
        })
    }
}
