//! Times in the field tree: unix seconds as UTC dates, marked "expired" or
//! "not yet valid" against the time of the dissection.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::time::{UtcTime, format_utc};

/// Which end of a validity period a time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bound {
    NotBefore,
    NotAfter,
}

impl Bound {
    /// The bound a field of this name is (`not_before`, `not_after`).
    pub(super) fn of_label(label: &str) -> Option<Self> {
        match label {
            "not_before" => Some(Bound::NotBefore),
            "not_after" => Some(Bound::NotAfter),
            _ => None,
        }
    }
}

/// Now, in seconds since 1970.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `1796679600 (2026-12-07 21:40:00 UTC, expired)`: the raw value, the
/// date and, relative to `now`, whether the period has not started yet or
/// is over.
pub(super) fn time_value(raw: &str, unix: i64, bound: Bound, now: i64) -> String {
    let date = if UtcTime::from_unix(unix).is_some() {
        format_utc(unix)
    } else if unix > 0 {
        "after the year 9999".to_owned()
    } else {
        "before the year 0".to_owned()
    };
    let mark = match bound {
        Bound::NotBefore if unix > now => Some("not yet valid"),
        Bound::NotAfter if unix < now => Some("expired"),
        _ => None,
    };
    match mark {
        Some(mark) => format!("{raw} ({date}, {mark})"),
        None => format!("{raw} ({date})"),
    }
}
