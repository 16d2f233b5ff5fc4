//! Key packages and leaf nodes (RFC 9420 §7.2, §10).

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};

use super::{Credential, Extension};

crate::wire_struct! {
    /// What a client supports (§7.2).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Capabilities {
        pub versions: Vec<u16>,
        pub cipher_suites: Vec<u16>,
        pub extensions: Vec<u16>,
        pub proposals: Vec<u16>,
        pub credentials: Vec<u16>,
    }
}

crate::wire_struct! {
    /// Validity interval of a key package's leaf, in seconds since the epoch.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Lifetime {
        pub not_before: u64,
        pub not_after: u64,
    }
}

pub const LEAF_SOURCE_KEY_PACKAGE: u8 = 1;
pub const LEAF_SOURCE_UPDATE: u8 = 2;
pub const LEAF_SOURCE_COMMIT: u8 = 3;

/// Where a leaf node came from, with the field that source carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafNodeSource {
    KeyPackage(Lifetime),
    Update,
    Commit { parent_hash: VlBytes },
}

impl LeafNodeSource {
    pub fn code(&self) -> u8 {
        match self {
            LeafNodeSource::KeyPackage(_) => LEAF_SOURCE_KEY_PACKAGE,
            LeafNodeSource::Update => LEAF_SOURCE_UPDATE,
            LeafNodeSource::Commit { .. } => LEAF_SOURCE_COMMIT,
        }
    }
}

/// A leaf of the ratchet tree (§7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafNode {
    pub encryption_key: VlBytes,
    pub signature_key: VlBytes,
    pub credential: Credential,
    pub capabilities: Capabilities,
    pub leaf_node_source: LeafNodeSource,
    pub extensions: Vec<Extension>,
    pub signature: VlBytes,
}

impl LeafNode {
    /// Encodes everything the signature covers except the group binding:
    /// the fields of `LeafNodeTBS` before `group_id`/`leaf_index` (§7.2).
    pub fn encode_tbs_fields(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.encryption_key.encode(w)?;
        self.signature_key.encode(w)?;
        self.credential.encode(w)?;
        self.capabilities.encode(w)?;
        w.u8(self.leaf_node_source.code());
        match &self.leaf_node_source {
            LeafNodeSource::KeyPackage(lifetime) => lifetime.encode(w)?,
            LeafNodeSource::Update => {}
            LeafNodeSource::Commit { parent_hash } => parent_hash.encode(w)?,
        }
        self.extensions.encode(w)
    }
}

impl Decode for LeafNode {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let encryption_key = r.field("encryption_key", VlBytes::decode)?;
        let signature_key = r.field("signature_key", VlBytes::decode)?;
        let credential = r.field("credential", Credential::decode)?;
        let capabilities = r.field("capabilities", Capabilities::decode)?;
        let at = r.position();
        let source = r.field("leaf_node_source", u8::decode)?;
        let leaf_node_source = match source {
            LEAF_SOURCE_KEY_PACKAGE => {
                LeafNodeSource::KeyPackage(r.field("lifetime", Lifetime::decode)?)
            }
            LEAF_SOURCE_UPDATE => LeafNodeSource::Update,
            LEAF_SOURCE_COMMIT => LeafNodeSource::Commit {
                parent_hash: r.field("parent_hash", VlBytes::decode)?,
            },
            other => {
                return Err(r.invalid_at(at, format!("leaf_node_source {other} is not 1, 2 or 3")));
            }
        };
        Ok(LeafNode {
            encryption_key,
            signature_key,
            credential,
            capabilities,
            leaf_node_source,
            extensions: r.field("extensions", Vec::decode)?,
            signature: r.field("signature", VlBytes::decode)?,
        })
    }
}

impl Encode for LeafNode {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.encode_tbs_fields(w)?;
        self.signature.encode(w)
    }
}

crate::wire_struct! {
    /// A key package (§10).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct KeyPackage {
        pub version: u16,
        pub cipher_suite: u16,
        pub init_key: VlBytes,
        pub leaf_node: LeafNode,
        pub extensions: Vec<Extension>,
        pub signature: VlBytes,
    }
}

impl KeyPackage {
    /// `KeyPackageTBS`: everything but the signature.
    pub fn tbs_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut w = Writer::new();
        w.u16(self.version);
        w.u16(self.cipher_suite);
        self.init_key.encode(&mut w)?;
        self.leaf_node.encode(&mut w)?;
        self.extensions.encode(&mut w)?;
        Ok(w.into_bytes())
    }
}
