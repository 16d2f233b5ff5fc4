//! Group operations (RFC 9420 §10–§12): key packages, the group state
//! machine with staged commits, Welcome and GroupInfo.
//!
//! The `Group` type is in `group.rs`; each flow adds its methods in its own
//! file: `create`, `commit` (§12.4), `process` (§12.4.2), `join`
//! (§12.4.3.1), `external_commit` (§12.4.3.2), `external_proposal`
//! (§12.1.8), `resumption` (§11.2, §11.3), `application` (sending),
//! `serialize`; `epoch` moves a group to its next epoch; `past_epochs`
//! keeps the last epochs' secret trees for late application messages
//! (§6.3).

mod application;
mod commit;
mod create;
mod epoch;
mod error;
mod external_commit;
mod external_proposal;
#[allow(clippy::module_inception)]
mod group;
mod join;
mod key_package;
mod past_epochs;
mod process;
mod proposals;
mod reading;
mod resumption;
mod serialize;
mod transcript;
mod update_path;
mod welcome;

pub use application::PendingProposalView;
pub use commit::added_key_packages;
pub use epoch::{CommitOutput, CommitSummary, StagedCommit};
pub use error::{
    CapabilityError, ExternalCommitError, GroupError, JoinError, KeyPackageError, MissingPsk,
    PathError, PolicyError, ProposalError, SenderError,
};
pub use external_proposal::{external_proposal, new_member_proposal};
pub use group::{Group, GroupConfig, IncomingHandshake};
pub use key_package::{
    KeyPackageBundle, check_lifetime, default_capabilities, key_package_ref, now, sign_leaf_node,
    validate_key_package, validate_leaf_capabilities,
};
pub use process::Received;
pub use proposals::SentProposal;
pub use reading::{Check, MessageReading};
pub use transcript::{confirmation_tag, confirmed_transcript_hash, interim_transcript_hash};
pub use welcome::{
    WelcomeError, decrypt_group_info, decrypt_group_secrets, encrypt_group_info,
    encrypt_group_secrets, find_secrets, group_info_tbs, prepare_group_secrets_info,
    sign_group_info, verify_group_info, welcome_key_nonce,
};

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod interop_tests;
#[cfg(test)]
mod past_epochs_tests;
#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod tests;
