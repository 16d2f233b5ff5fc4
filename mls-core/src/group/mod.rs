//! Group operations (RFC 9420 §10–§12): key packages, the group state
//! machine with staged commits, Welcome and GroupInfo.

mod error;
mod external;
mod key_package;
mod proposals;
mod state;
mod welcome;

pub use error::GroupError;
pub use external::{external_proposal, new_member_proposal};
pub use key_package::{
    KeyPackageBundle, check_lifetime, default_capabilities, key_package_ref, now, sign_leaf_node,
    validate_key_package, validate_leaf_capabilities,
};
pub use proposals::SentProposal;
pub use state::{
    CommitOutput, CommitSummary, Group, GroupConfig, IncomingHandshake, Received, StagedCommit,
    added_key_packages,
};
pub use welcome::{
    WelcomeError, decrypt_group_info, decrypt_group_secrets, encrypt_group_info,
    encrypt_group_secrets, find_secrets, group_info_tbs, prepare_group_secrets_info,
    sign_group_info, verify_group_info, welcome_key_nonce,
};

#[cfg(test)]
mod tests;
