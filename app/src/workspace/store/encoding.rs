//! The file encoding of the display values stored with each history and
//! pending row ([`Summary`], member lists, changed tree nodes): the
//! project's own codec, a version byte, then TLS-style fields.

use mls_core::codec::{DecodeError, EncodeError, Reader, Writer};

use crate::workspace::summary::{EpochCause, MemberEntry, Summary};

impl EpochCause {
    fn code(self) -> u8 {
        match self {
            EpochCause::Created => 0,
            EpochCause::Welcome => 1,
            EpochCause::ExternalJoin => 2,
            EpochCause::Commit => 3,
            EpochCause::ExternalCommit => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => EpochCause::Created,
            1 => EpochCause::Welcome,
            2 => EpochCause::ExternalJoin,
            3 => EpochCause::Commit,
            4 => EpochCause::ExternalCommit,
            _ => return None,
        })
    }
}

impl MemberEntry {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u32(self.leaf);
        w.u16(self.credential_type);
        w.vl_bytes(self.identity.as_bytes())
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(MemberEntry {
            leaf: r.u32()?,
            credential_type: r.u16()?,
            identity: read_string(r)?,
        })
    }
}

impl Summary {
    /// The encoding stored in the file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut w = Writer::new();
        w.u8(1);
        w.u8(self.cause.code());
        w.optional(self.committer.as_ref(), |w, c| {
            w.u32(*c);
            Ok(())
        })?;
        for list in [&self.added, &self.removed, &self.updated] {
            write_members(&mut w, list)?;
        }
        w.vl_nested(|w| {
            for p in &self.psks {
                w.vl_bytes(p.as_bytes())?;
            }
            Ok(())
        })?;
        w.optional(self.extensions.as_ref(), |w, e| {
            w.vl_nested(|w| {
                for t in e {
                    w.u16(*t);
                }
                Ok(())
            })
        })?;
        w.u8(u8::from(self.has_path));
        w.optional(self.reinit.as_ref(), |w, r| w.vl_bytes(r.as_bytes()))?;
        w.u8(u8::from(self.self_removed));
        Ok(w.into_bytes())
    }

    /// Reads [`Summary::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        read_version(&mut r, "summary format")?;
        let at = r.position();
        let cause = EpochCause::from_code(r.u8()?)
            .ok_or_else(|| r.invalid_at(at, "unknown epoch cause"))?;
        let committer = r.optional(|r| r.u32())?;
        let added = read_members(&mut r)?;
        let removed = read_members(&mut r)?;
        let updated = read_members(&mut r)?;
        let psks = r.vl_vec(read_string)?;
        let extensions = r.optional(|r| r.vl_vec(|r| r.u16()))?;
        let has_path = read_bool(&mut r)?;
        let reinit = r.optional(read_string)?;
        let self_removed = read_bool(&mut r)?;
        r.finish()?;
        Ok(Summary {
            cause,
            committer,
            added,
            removed,
            updated,
            psks,
            extensions,
            has_path,
            reinit,
            self_removed,
        })
    }
}

/// Reads the version byte (1) that starts an encoding.
fn read_version(r: &mut Reader<'_>, what: &str) -> Result<(), DecodeError> {
    let at = r.position();
    let version = r.u8()?;
    if version != 1 {
        return Err(r.invalid_at(at, format!("{what} {version}")));
    }
    Ok(())
}

fn read_string(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let at = r.position();
    let bytes = r.vl_bytes()?;
    String::from_utf8(bytes.to_vec()).map_err(|_| r.invalid_at(at, "text is not UTF-8"))
}

fn read_bool(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    let at = r.position();
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(r.invalid_at(at, format!("boolean {v}"))),
    }
}

fn write_members(w: &mut Writer, list: &[MemberEntry]) -> Result<(), EncodeError> {
    w.vl_nested(|w| {
        for m in list {
            m.encode(w)?;
        }
        Ok(())
    })
}

fn read_members(r: &mut Reader<'_>) -> Result<Vec<MemberEntry>, DecodeError> {
    r.vl_vec(MemberEntry::decode)
}

/// Encodes a member list (the `members` columns).
pub(super) fn members_to_bytes(list: &[MemberEntry]) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.u8(1);
    write_members(&mut w, list)?;
    Ok(w.into_bytes())
}

/// Reads [`members_to_bytes`].
pub(super) fn members_from_bytes(bytes: &[u8]) -> Result<Vec<MemberEntry>, DecodeError> {
    let mut r = Reader::new(bytes);
    read_version(&mut r, "member list format")?;
    let list = read_members(&mut r)?;
    r.finish()?;
    Ok(list)
}

/// Encodes a list of node indices (the `changed_nodes` column).
pub(super) fn nodes_to_bytes(nodes: &[u32]) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.vl_nested(|w| {
        for n in nodes {
            w.u32(*n);
        }
        Ok(())
    })?;
    Ok(w.into_bytes())
}

/// Reads [`nodes_to_bytes`].
pub(super) fn nodes_from_bytes(bytes: &[u8]) -> Result<Vec<u32>, DecodeError> {
    let mut r = Reader::new(bytes);
    let nodes = r.vl_vec(|r| r.u32())?;
    r.finish()?;
    Ok(nodes)
}
