//! Unix times as UTC calendar text: the one date formatter of the project
//! (credential errors, the CLI and the window all use it).

/// Seconds since 1970 as a UTC date and time, or `None` outside the years
/// 0000..=9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

/// 0000-01-01 00:00:00 UTC.
const MIN: i64 = -62_167_219_200;
/// 9999-12-31 23:59:59 UTC.
const MAX: i64 = 253_402_300_799;

impl UtcTime {
    /// The calendar form of `unix` (Howard Hinnant's `civil_from_days`).
    pub fn from_unix(unix: i64) -> Option<Self> {
        if !(MIN..=MAX).contains(&unix) {
            return None;
        }
        let days = unix.div_euclid(86_400);
        let secs = unix.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Some(Self {
            year,
            month,
            day,
            hour: secs / 3_600,
            minute: secs / 60 % 60,
            second: secs % 60,
        })
    }
}

/// `YYYY-MM-DD hh:mm:ss UTC`; `N s since 1970` outside the years 0..=9999.
pub fn format_utc(unix: i64) -> String {
    match UtcTime::from_unix(unix) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        ),
        None => format!("{unix} s since 1970"),
    }
}

/// [`format_utc`] of unsigned seconds.
pub fn format_utc_u(unix: u64) -> String {
    format_utc(i64::try_from(unix).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DD hh:mm` (UTC, for compact lists); `N s since 1970` outside the
/// years 0..=9999.
pub fn format_utc_minutes(unix: i64) -> String {
    match UtcTime::from_unix(unix) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year, t.month, t.day, t.hour, t.minute
        ),
        None => format!("{unix} s since 1970"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_utc(MAX), "9999-12-31 23:59:59 UTC");
        assert_eq!(format_utc(MIN), "0000-01-01 00:00:00 UTC");
        assert_eq!(format_utc(MIN - 1), format!("{} s since 1970", MIN - 1));
        assert_eq!(format_utc(i64::MAX), format!("{} s since 1970", i64::MAX));
        assert_eq!(format_utc_u(u64::MAX), format!("{} s since 1970", i64::MAX));
        assert_eq!(format_utc_minutes(1_700_000_000), "2023-11-14 22:13");
    }
}
