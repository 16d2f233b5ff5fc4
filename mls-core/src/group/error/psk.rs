//! A PSK that is not available (RFC 9420 §8.4).

use crate::messages::{PreSharedKeyId, Psk};

/// The PSK named by a PreSharedKeyID that this member does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissingPsk {
    /// §8.4: an external PSK, by id.
    #[error("external {}", hex::encode(.psk_id))]
    External { psk_id: Vec<u8> },
    /// §8.4: a resumption PSK of a group's epoch.
    #[error(
        "resumption (usage {usage}) of group {} epoch {epoch}",
        hex::encode(.group_id)
    )]
    Resumption {
        usage: u8,
        group_id: Vec<u8>,
        epoch: u64,
    },
}

impl From<&PreSharedKeyId> for MissingPsk {
    fn from(id: &PreSharedKeyId) -> Self {
        match &id.psk {
            Psk::External { psk_id } => MissingPsk::External {
                psk_id: psk_id.0.clone(),
            },
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            } => MissingPsk::Resumption {
                usage: *usage,
                group_id: psk_group_id.0.clone(),
                epoch: *psk_epoch,
            },
        }
    }
}
