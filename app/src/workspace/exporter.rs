//! The exporter (RFC 9420 §8.5): `MLS-Exporter(label, context, length)`
//! of a group's current epoch, for applications that derive their own keys
//! from the group.

use mls_core::crypto::Secret;

use super::{GroupKey, P, Result, Workspace, WorkspaceError};

/// An exported secret and what it was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedSecret {
    /// The group row.
    pub group: GroupKey,
    /// The epoch whose exporter secret was used.
    pub epoch: u64,
    /// The label (UTF-8 text, used as its bytes).
    pub label: String,
    /// The context bytes.
    pub context: Vec<u8>,
    /// The output length in bytes.
    pub length: usize,
    /// The value: redacted in `Debug`, zeroized on drop.
    pub secret: Secret,
}

/// The longest output HKDF-Expand can give for a hash of `hash_len`
/// bytes: 255 × Nh (RFC 5869 §2.3).
pub fn max_export_length(hash_len: usize) -> usize {
    255 * hash_len
}

/// Checks an exporter length against the suite's hash length: not 0 and
/// at most 255 × Nh. The error is one line.
pub fn check_export_length(length: usize, hash_len: usize) -> std::result::Result<u16, String> {
    let max = max_export_length(hash_len);
    if length == 0 {
        return Err("the exporter length must be at least 1 byte".to_owned());
    }
    if length > max {
        return Err(format!(
            "the exporter length {length} is over {max} bytes, the most HKDF-Expand gives with this suite's hash (255 × {hash_len}, RFC 5869 §2.3)"
        ));
    }
    u16::try_from(length)
        .map_err(|_| format!("the exporter length {length} does not fit in 16 bits"))
}

impl Workspace {
    /// `MLS-Exporter(label, context, length)` (RFC 9420 §8.5) of group
    /// `key`'s current epoch; `length` defaults to the suite's hash length
    /// Nh. Refuses a length of 0 or over 255 × Nh, and a group this member
    /// was removed from. Changes nothing.
    pub fn export_secret(
        &self,
        key: GroupKey,
        label: &str,
        context: &[u8],
        length: Option<usize>,
    ) -> Result<ExportedSecret> {
        let loaded = self.load(key)?;
        let group = &loaded.group;
        let hash_len = group.cipher_suite().hash_len();
        let length = length.unwrap_or(hash_len);
        let n = check_export_length(length, hash_len).map_err(WorkspaceError::Invalid)?;
        let secret = group.export_secret(&P, label.as_bytes(), context, n)?;
        Ok(ExportedSecret {
            group: key,
            epoch: group.epoch(),
            label: label.to_owned(),
            context: context.to_vec(),
            length,
            secret,
        })
    }
}
