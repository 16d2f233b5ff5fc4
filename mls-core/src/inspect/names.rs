//! Names for the code points of the IANA registries (RFC 9420 §17), used to
//! label enum values in the field tree.

use crate::crypto::CipherSuite;
use crate::messages::extension_type_name;

pub fn protocol_version(v: u64) -> Option<&'static str> {
    (v == 1).then_some("mls10")
}

pub fn wire_format(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "mls_public_message",
        2 => "mls_private_message",
        3 => "mls_welcome",
        4 => "mls_group_info",
        5 => "mls_key_package",
        _ => return None,
    })
}

pub fn cipher_suite(v: u64) -> Option<&'static str> {
    u16::try_from(v)
        .ok()
        .and_then(CipherSuite::from_u16)
        .map(CipherSuite::name)
}

pub fn content_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "application",
        2 => "proposal",
        3 => "commit",
        _ => return None,
    })
}

pub fn sender_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "member",
        2 => "external",
        3 => "new_member_proposal",
        4 => "new_member_commit",
        _ => return None,
    })
}

pub fn proposal_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "add",
        2 => "update",
        3 => "remove",
        4 => "psk",
        5 => "reinit",
        6 => "external_init",
        7 => "group_context_extensions",
        _ => return None,
    })
}

pub fn credential_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "basic",
        2 => "x509",
        _ => return None,
    })
}

/// `last_resort` (IANA MLS extension types registry, from the MLS
/// extensions draft): a key package extension with no data.
pub const EXT_LAST_RESORT: u16 = 0x000a;

pub fn extension_type(v: u64) -> Option<&'static str> {
    let t = u16::try_from(v).ok()?;
    extension_type_name(t).or_else(|| (t == EXT_LAST_RESORT).then_some("last_resort"))
}

pub fn node_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "leaf",
        2 => "parent",
        _ => return None,
    })
}

pub fn leaf_node_source(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "key_package",
        2 => "update",
        3 => "commit",
        _ => return None,
    })
}

pub fn psk_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "external",
        2 => "resumption",
        _ => return None,
    })
}

pub fn resumption_usage(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "application",
        2 => "reinit",
        3 => "branch",
        _ => return None,
    })
}

pub fn proposal_or_ref_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "proposal",
        2 => "reference",
        _ => return None,
    })
}

/// The name table for an integer field, chosen by the field's name (or, for
/// vector elements, the vector's name).
pub fn for_field(field: &str, parent: Option<&str>) -> Option<fn(u64) -> Option<&'static str>> {
    let table: fn(u64) -> Option<&'static str> = match field {
        "version" => protocol_version,
        "wire_format" => wire_format,
        "cipher_suite" => cipher_suite,
        "content_type" => content_type,
        "sender_type" => sender_type,
        "proposal_type" => proposal_type,
        "credential_type" => credential_type,
        "extension_type" => extension_type,
        "node_type" => node_type,
        "leaf_node_source" => leaf_node_source,
        "psktype" => psk_type,
        "usage" => resumption_usage,
        "type" if parent.is_some() => proposal_or_ref_type,
        _ => return None,
    };
    Some(table)
}

/// The name table for the elements of a `uint16` list, by the list's name
/// (Capabilities and RequiredCapabilities).
pub fn for_list(list: &str) -> Option<fn(u64) -> Option<&'static str>> {
    let table: fn(u64) -> Option<&'static str> = match list {
        "versions" => protocol_version,
        "cipher_suites" => cipher_suite,
        "extensions" | "extension_types" => extension_type,
        "proposals" | "proposal_types" => proposal_type,
        "credentials" | "credential_types" => credential_type,
        _ => return None,
    };
    Some(table)
}

/// The structure a named field holds, for the field tree's type column.
pub fn struct_name(field: &str) -> Option<&'static str> {
    Some(match field {
        "public_message" => "PublicMessage",
        "private_message" => "PrivateMessage",
        "welcome" => "Welcome",
        "group_info" => "GroupInfo",
        "key_package" => "KeyPackage",
        "leaf_node" => "LeafNode",
        "parent_node" => "ParentNode",
        "credential" => "Credential",
        "capabilities" => "Capabilities",
        "lifetime" => "Lifetime",
        "group_context" => "GroupContext",
        "content" => "FramedContent",
        "auth" => "FramedContentAuthData",
        "sender" => "Sender",
        "proposal" => "Proposal",
        "commit" => "Commit",
        "path" => "optional<UpdatePath>",
        "psk" => "PreSharedKeyID",
        "reinit" => "ReInit",
        "encrypted_group_secrets" => "HPKECiphertext",
        "path_secret" => "optional<PathSecret>",
        _ => return None,
    })
}
