//! Group context, group info, welcome and group secrets (RFC 9420 §8.1, §12.4.3).

use crate::codec::VlBytes;

use super::{Extension, HpkeCiphertextWire, PreSharedKeyId};

crate::wire_struct! {
    /// `GroupContext` (§8.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GroupContext {
        pub version: u16,
        pub cipher_suite: u16,
        pub group_id: VlBytes,
        pub epoch: u64,
        pub tree_hash: VlBytes,
        pub confirmed_transcript_hash: VlBytes,
        pub extensions: Vec<Extension>,
    }
}

crate::wire_struct! {
    /// `GroupInfo` (§12.4.3).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GroupInfo {
        pub group_context: GroupContext,
        pub extensions: Vec<Extension>,
        pub confirmation_tag: VlBytes,
        pub signer: u32,
        pub signature: VlBytes,
    }
}

crate::wire_struct! {
    /// `PathSecret` (§12.4.3.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PathSecret {
        pub path_secret: VlBytes,
    }
}

crate::wire_struct! {
    /// `GroupSecrets` (§12.4.3.1): what a Welcome encrypts to each new member.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GroupSecrets {
        pub joiner_secret: VlBytes,
        pub path_secret: Option<PathSecret>,
        pub psks: Vec<PreSharedKeyId>,
    }
}

crate::wire_struct! {
    /// `EncryptedGroupSecrets` (§12.4.3.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EncryptedGroupSecrets {
        pub new_member: VlBytes,
        pub encrypted_group_secrets: HpkeCiphertextWire,
    }
}

crate::wire_struct! {
    /// `Welcome` (§12.4.3.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Welcome {
        pub cipher_suite: u16,
        pub secrets: Vec<EncryptedGroupSecrets>,
        pub encrypted_group_info: VlBytes,
    }
}
