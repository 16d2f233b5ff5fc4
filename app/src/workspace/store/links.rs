//! The `group_reinits` and `group_links` tables: which groups a merged
//! ReInit closed (RFC 9420 §11.2), and which group a re-initialised or
//! branched group resumes (§11.2, §11.3). Display data: the group states
//! themselves carry the ReInit and the resumption PSKs.

use std::collections::BTreeMap;

use rusqlite::{Transaction, params};

use super::{GroupKey, Result, Store, get_parsed, get_u64, int};

/// The ReInit that closed a group: the successor's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReInitMark {
    /// The new group id.
    pub new_group_id: Vec<u8>,
    /// The new cipher suite.
    pub cipher_suite: u16,
    /// The new protocol version.
    pub version: u16,
}

/// How a group resumes another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// It re-initialises the parent (§11.2).
    ReInit,
    /// It was branched from the parent (§11.3).
    Branch,
}

impl LinkKind {
    /// The name stored in the file (and shown): `reinit`, `branch`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::ReInit => "reinit",
            LinkKind::Branch => "branch",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "reinit" => Some(LinkKind::ReInit),
            "branch" => Some(LinkKind::Branch),
            _ => None,
        }
    }
}

/// The group a resumed group was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLink {
    /// Re-init or branch.
    pub kind: LinkKind,
    /// The parent's group id.
    pub parent_group_id: Vec<u8>,
    /// The parent's epoch whose resumption PSK the new group used.
    pub parent_epoch: u64,
}

/// Records the ReInit that closed `key`, inside a transaction.
pub(super) fn insert_reinit(tx: &Transaction<'_>, key: GroupKey, mark: &ReInitMark) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO group_reinits (group_ref, new_group_id, cipher_suite, version) \
         VALUES (?1, ?2, ?3, ?4)",
        params![key.0, mark.new_group_id, mark.cipher_suite, mark.version],
    )?;
    Ok(())
}

impl Store {
    /// Every closed group's ReInit, by group.
    pub fn reinit_marks(&self) -> Result<BTreeMap<GroupKey, ReInitMark>> {
        Ok(self
            .query_all(
                "SELECT group_ref, new_group_id, cipher_suite, version FROM group_reinits",
                [],
                |r| {
                    Ok((
                        GroupKey(r.get(0)?),
                        ReInitMark {
                            new_group_id: r.get(1)?,
                            cipher_suite: r.get(2)?,
                            version: r.get(3)?,
                        },
                    ))
                },
            )?
            .into_iter()
            .collect())
    }

    /// Every resumed group's link, by group.
    pub fn links(&self) -> Result<BTreeMap<GroupKey, GroupLink>> {
        Ok(self
            .query_all(
                "SELECT group_ref, kind, parent_group_id, parent_epoch FROM group_links",
                [],
                |r| {
                    Ok((
                        GroupKey(r.get(0)?),
                        GroupLink {
                            kind: get_parsed(r, 1, LinkKind::parse)?,
                            parent_group_id: r.get(2)?,
                            parent_epoch: get_u64(r, 3)?,
                        },
                    ))
                },
            )?
            .into_iter()
            .collect())
    }
}

/// Records how `key` resumes another group, on `conn` (a transaction, or
/// the file).
pub(super) fn put_link(conn: &rusqlite::Connection, key: GroupKey, link: &GroupLink) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO group_links (group_ref, kind, parent_group_id, parent_epoch) \
         VALUES (?1, ?2, ?3, ?4)",
        params![
            key.0,
            link.kind.as_str(),
            link.parent_group_id,
            int(link.parent_epoch)?
        ],
    )?;
    Ok(())
}
