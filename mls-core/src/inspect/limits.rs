//! What a dissection may take: the largest input it decodes, and how many
//! fields it puts in the tree. Both keep memory bounded by the input (a
//! field tree costs a few hundred bytes per field, and a hostile input can
//! hold one field per byte).

use std::fmt;

/// Bounds on a dissection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DissectLimits {
    /// Inputs longer than this many bytes are refused without decoding.
    pub max_input: usize,
    /// At most this many decoded fields are put in the tree; past it the
    /// rest of the input is still decoded and checked, and a marker node
    /// (label [`OMITTED_LABEL`]) stands for what is not shown.
    pub max_fields: usize,
}

pub use super::build::{OMITTED_LABEL, OMITTED_TYPE};

impl DissectLimits {
    /// 64 MiB.
    pub const DEFAULT_MAX_INPUT: usize = 64 << 20;
    /// A field costs about 250 bytes: 100,000 fields are ~25 MB.
    pub const DEFAULT_MAX_FIELDS: usize = 100_000;
}

impl Default for DissectLimits {
    fn default() -> Self {
        DissectLimits {
            max_input: Self::DEFAULT_MAX_INPUT,
            max_fields: Self::DEFAULT_MAX_FIELDS,
        }
    }
}

/// An input the dissector refuses to decode: longer than
/// [`DissectLimits::max_input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "not decoded: the input is {} bytes, more than the {} the dissector takes",
    .len,
    size_text(*.max)
)]
pub struct TooLarge {
    pub len: usize,
    pub max: usize,
}

/// A field tree cut at [`DissectLimits::max_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncation {
    /// Fields in the tree (details such as length headers included).
    pub shown: usize,
    /// Decoded (and checked) fields left out of it.
    pub omitted: usize,
    /// Details (length headers, the contents of extensions and
    /// certificates) not broken down for lack of room.
    pub details: usize,
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.omitted > 0 {
            write!(
                f,
                "showing the first {} fields: {} more were decoded and checked but are not shown",
                self.shown, self.omitted
            )?;
        } else {
            write!(f, "showing {} fields", self.shown)?;
        }
        if self.details > 0 {
            write!(
                f,
                "{} the details of {} more (length headers, extension and certificate \
                 contents) are not broken down",
                if self.omitted > 0 { ";" } else { ":" },
                self.details
            )?;
        }
        Ok(())
    }
}

/// `64 MiB`, `1 KiB`, else `N bytes`.
pub fn size_text(n: usize) -> String {
    const KIB: usize = 1 << 10;
    const MIB: usize = 1 << 20;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// `1048576`, `1024KiB`, `64MiB`, `1GiB` (also `K`, `M`, `G`, `KB`, `MB`,
/// `GB`: binary multiples all) → bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: usize = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 1048576, 512KiB, 64MiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => return Err(format!("unknown size unit {other:?} (use KiB, MiB or GiB)")),
    };
    number
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}
