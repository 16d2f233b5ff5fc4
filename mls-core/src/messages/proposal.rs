//! Proposals and commits (RFC 9420 §12.1, §12.4).

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};

use super::{Extension, KeyPackage, LeafNode};

pub const PROPOSAL_ADD: u16 = 1;
pub const PROPOSAL_UPDATE: u16 = 2;
pub const PROPOSAL_REMOVE: u16 = 3;
pub const PROPOSAL_PSK: u16 = 4;
pub const PROPOSAL_REINIT: u16 = 5;
pub const PROPOSAL_EXTERNAL_INIT: u16 = 6;
pub const PROPOSAL_GROUP_CONTEXT_EXTENSIONS: u16 = 7;

pub const PSK_EXTERNAL: u8 = 1;
pub const PSK_RESUMPTION: u8 = 2;

pub const RESUMPTION_APPLICATION: u8 = 1;
pub const RESUMPTION_REINIT: u8 = 2;
pub const RESUMPTION_BRANCH: u8 = 3;

/// Which PSK a `PreSharedKeyID` names (§8.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Psk {
    External {
        psk_id: VlBytes,
    },
    Resumption {
        usage: u8,
        psk_group_id: VlBytes,
        psk_epoch: u64,
    },
}

/// `PreSharedKeyID` (§8.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreSharedKeyId {
    pub psk: Psk,
    pub psk_nonce: VlBytes,
}

impl Decode for PreSharedKeyId {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        let psk = match r.field("psktype", u8::decode)? {
            PSK_EXTERNAL => Psk::External {
                psk_id: r.field("psk_id", VlBytes::decode)?,
            },
            PSK_RESUMPTION => {
                let usage_at = r.position();
                let usage = r.field("usage", u8::decode)?;
                if !(RESUMPTION_APPLICATION..=RESUMPTION_BRANCH).contains(&usage) {
                    return Err(r.invalid_at(
                        usage_at,
                        format!("resumption usage {usage} is not 1, 2 or 3"),
                    ));
                }
                Psk::Resumption {
                    usage,
                    psk_group_id: r.field("psk_group_id", VlBytes::decode)?,
                    psk_epoch: r.field("psk_epoch", u64::decode)?,
                }
            }
            other => return Err(r.invalid_at(at, format!("psktype {other} is not 1 or 2"))),
        };
        Ok(PreSharedKeyId {
            psk,
            psk_nonce: r.field("psk_nonce", VlBytes::decode)?,
        })
    }
}

impl Encode for PreSharedKeyId {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match &self.psk {
            Psk::External { psk_id } => {
                w.u8(PSK_EXTERNAL);
                psk_id.encode(w)?;
            }
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            } => {
                w.u8(PSK_RESUMPTION);
                w.u8(*usage);
                psk_group_id.encode(w)?;
                w.u64(*psk_epoch);
            }
        }
        self.psk_nonce.encode(w)
    }
}

crate::wire_struct! {
    /// `ReInit` (§12.1.5).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReInit {
        pub group_id: VlBytes,
        pub version: u16,
        pub cipher_suite: u16,
        pub extensions: Vec<Extension>,
    }
}

/// A proposal (§12.1). Unknown proposal types are read as `opaque<V>` (the
/// convention for registered extensions of the type list) and kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    Add { key_package: KeyPackage },
    Update { leaf_node: LeafNode },
    Remove { removed: u32 },
    PreSharedKey { psk: PreSharedKeyId },
    ReInit(ReInit),
    ExternalInit { kem_output: VlBytes },
    GroupContextExtensions { extensions: Vec<Extension> },
    Unknown { proposal_type: u16, data: VlBytes },
}

impl Proposal {
    pub fn proposal_type(&self) -> u16 {
        match self {
            Proposal::Add { .. } => PROPOSAL_ADD,
            Proposal::Update { .. } => PROPOSAL_UPDATE,
            Proposal::Remove { .. } => PROPOSAL_REMOVE,
            Proposal::PreSharedKey { .. } => PROPOSAL_PSK,
            Proposal::ReInit(_) => PROPOSAL_REINIT,
            Proposal::ExternalInit { .. } => PROPOSAL_EXTERNAL_INIT,
            Proposal::GroupContextExtensions { .. } => PROPOSAL_GROUP_CONTEXT_EXTENSIONS,
            Proposal::Unknown { proposal_type, .. } => *proposal_type,
        }
    }

    /// Decodes the body that follows a proposal type.
    pub fn decode_body(proposal_type: u16, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match proposal_type {
            PROPOSAL_ADD => Proposal::Add {
                key_package: r.field("key_package", KeyPackage::decode)?,
            },
            PROPOSAL_UPDATE => Proposal::Update {
                leaf_node: r.field("leaf_node", LeafNode::decode)?,
            },
            PROPOSAL_REMOVE => Proposal::Remove {
                removed: r.field("removed", u32::decode)?,
            },
            PROPOSAL_PSK => Proposal::PreSharedKey {
                psk: r.field("psk", PreSharedKeyId::decode)?,
            },
            PROPOSAL_REINIT => Proposal::ReInit(r.field("reinit", ReInit::decode)?),
            PROPOSAL_EXTERNAL_INIT => Proposal::ExternalInit {
                kem_output: r.field("kem_output", VlBytes::decode)?,
            },
            PROPOSAL_GROUP_CONTEXT_EXTENSIONS => Proposal::GroupContextExtensions {
                extensions: r.field("extensions", Vec::decode)?,
            },
            other => Proposal::Unknown {
                proposal_type: other,
                data: r.field("data", VlBytes::decode)?,
            },
        })
    }

    /// Encodes the body without the type (the `Add`, `Update`, ... structs).
    pub fn encode_body(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self {
            Proposal::Add { key_package } => key_package.encode(w),
            Proposal::Update { leaf_node } => leaf_node.encode(w),
            Proposal::Remove { removed } => removed.encode(w),
            Proposal::PreSharedKey { psk } => psk.encode(w),
            Proposal::ReInit(reinit) => reinit.encode(w),
            Proposal::ExternalInit { kem_output } => kem_output.encode(w),
            Proposal::GroupContextExtensions { extensions } => extensions.encode(w),
            Proposal::Unknown { data, .. } => data.encode(w),
        }
    }
}

impl Decode for Proposal {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let proposal_type = r.field("proposal_type", u16::decode)?;
        Proposal::decode_body(proposal_type, r)
    }
}

impl Encode for Proposal {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u16(self.proposal_type());
        self.encode_body(w)
    }
}

/// A proposal carried in a commit by value or by reference (§12.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalOrRef {
    Proposal(Box<Proposal>),
    Reference(VlBytes),
}

impl Decode for ProposalOrRef {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        match r.field("type", u8::decode)? {
            1 => {
                let proposal = r.field("proposal", Proposal::decode)?;
                r.charge(std::mem::size_of::<Proposal>())?;
                Ok(ProposalOrRef::Proposal(Box::new(proposal)))
            }
            2 => Ok(ProposalOrRef::Reference(
                r.field("reference", VlBytes::decode)?,
            )),
            other => Err(r.invalid_at(at, format!("ProposalOrRefType {other} is not 1 or 2"))),
        }
    }
}

impl Encode for ProposalOrRef {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self {
            ProposalOrRef::Proposal(p) => {
                w.u8(1);
                p.encode(w)
            }
            ProposalOrRef::Reference(r) => {
                w.u8(2);
                r.encode(w)
            }
        }
    }
}

crate::wire_struct! {
    /// `HPKECiphertext` (§7.6).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct HpkeCiphertextWire {
        pub kem_output: VlBytes,
        pub ciphertext: VlBytes,
    }
}

crate::wire_struct! {
    /// One node of an update path (§7.6).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UpdatePathNode {
        pub encryption_key: VlBytes,
        pub encrypted_path_secret: Vec<HpkeCiphertextWire>,
    }
}

crate::wire_struct! {
    /// `UpdatePath` (§7.6).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UpdatePath {
        pub leaf_node: LeafNode,
        pub nodes: Vec<UpdatePathNode>,
    }
}

crate::wire_struct! {
    /// `Commit` (§12.4).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Commit {
        pub proposals: Vec<ProposalOrRef>,
        pub path: Option<UpdatePath>,
    }
}
