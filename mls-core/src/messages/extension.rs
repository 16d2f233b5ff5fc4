//! Extensions (RFC 9420 §13): kept as type + bytes on the wire; the five
//! RFC extensions parse into typed values on demand.

use crate::codec::{Decode, DecodeError, Encode, EncodeError, VlBytes};

pub const EXT_APPLICATION_ID: u16 = 1;
pub const EXT_RATCHET_TREE: u16 = 2;
pub const EXT_REQUIRED_CAPABILITIES: u16 = 3;
pub const EXT_EXTERNAL_PUB: u16 = 4;
pub const EXT_EXTERNAL_SENDERS: u16 = 5;

crate::wire_struct! {
    /// `struct { ExtensionType extension_type; opaque extension_data<V>; }`
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Extension {
        pub extension_type: u16,
        pub extension_data: VlBytes,
    }
}

crate::wire_struct! {
    /// `required_capabilities` (§11.1).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct RequiredCapabilities {
        pub extension_types: Vec<u16>,
        pub proposal_types: Vec<u16>,
        pub credential_types: Vec<u16>,
    }
}

crate::wire_struct! {
    /// `external_pub` (§12.4.3.2).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ExternalPub {
        pub external_pub: VlBytes,
    }
}

crate::wire_struct! {
    /// One entry of `external_senders` (§12.1.8.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ExternalSender {
        pub signature_key: VlBytes,
        pub credential: super::Credential,
    }
}

/// A typed view of an extension's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionValue {
    ApplicationId(VlBytes),
    RatchetTree(super::RatchetTree),
    RequiredCapabilities(RequiredCapabilities),
    ExternalPub(ExternalPub),
    ExternalSenders(Vec<ExternalSender>),
    Unknown,
}

impl Extension {
    pub fn new(extension_type: u16, value: &impl Encode) -> Result<Self, EncodeError> {
        Ok(Extension {
            extension_type,
            extension_data: VlBytes(value.to_bytes()?),
        })
    }

    /// Parses the data of the five RFC extensions; `Unknown` for others.
    pub fn value(&self) -> Result<ExtensionValue, DecodeError> {
        let data = self.extension_data.as_slice();
        Ok(match self.extension_type {
            EXT_APPLICATION_ID => ExtensionValue::ApplicationId(VlBytes::decode_exact(data)?),
            EXT_RATCHET_TREE => {
                ExtensionValue::RatchetTree(super::RatchetTree::decode_exact(data)?)
            }
            EXT_REQUIRED_CAPABILITIES => {
                ExtensionValue::RequiredCapabilities(RequiredCapabilities::decode_exact(data)?)
            }
            EXT_EXTERNAL_PUB => ExtensionValue::ExternalPub(ExternalPub::decode_exact(data)?),
            EXT_EXTERNAL_SENDERS => ExtensionValue::ExternalSenders(Vec::decode_exact(data)?),
            _ => ExtensionValue::Unknown,
        })
    }
}

/// Extension type names from the IANA registry (§17.3).
pub fn extension_type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        EXT_APPLICATION_ID => "application_id",
        EXT_RATCHET_TREE => "ratchet_tree",
        EXT_REQUIRED_CAPABILITIES => "required_capabilities",
        EXT_EXTERNAL_PUB => "external_pub",
        EXT_EXTERNAL_SENDERS => "external_senders",
        _ => return None,
    })
}

/// The first extension type that appears more than once in `list`, if any
/// (§13.4: a list of extensions MUST NOT hold two of the same type).
pub fn duplicate_extension_type(list: &[Extension]) -> Option<u16> {
    list.iter().enumerate().find_map(|(i, e)| {
        list.iter()
            .take(i)
            .any(|p| p.extension_type == e.extension_type)
            .then_some(e.extension_type)
    })
}
