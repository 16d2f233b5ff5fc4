//! The certificates of an X.509 credential broken down: subject, issuer,
//! validity (UTC, marked against now) and public key algorithm, each
//! covering its bytes inside the DER. The values come from
//! [`crate::credential::certificate_summary`], the parser credential
//! validation uses; a certificate it refuses (another key algorithm, a
//! structure error) is still shown as far as `x509-parser` reads it, with
//! the reason.

use std::ops::Range;

use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer as _;

use super::Field;
use super::times::{Bound, time_value};
use crate::credential::certificate_summary;

/// What the children of one certificate say.
struct Shown {
    subject: String,
    issuer: String,
    not_before: i64,
    not_after: i64,
    algorithm: String,
}

/// Where the parts of a certificate are, relative to its first byte.
struct Ranges {
    subject: Range<usize>,
    issuer: Range<usize>,
    not_before: Range<usize>,
    not_after: Range<usize>,
    public_key: Range<usize>,
}

/// How many nodes [`certificate_fields`] makes at most.
pub(super) const CERT_FIELDS: usize = 5;

/// The children of a certificate whose DER is `der`, at offset `base` of
/// the input, position `index` of its chain, under `path`.
pub(super) fn certificate_fields(
    der: &[u8],
    base: usize,
    index: usize,
    path: &str,
    now: i64,
) -> Vec<Field> {
    let parsed = match X509Certificate::from_der(der) {
        Ok((_, cert)) => cert,
        Err(e) => {
            return vec![Field {
                label: "certificate".into(),
                path: format!("{path}.certificate"),
                type_name: "X.509".into(),
                value: Some(format!("not a DER X.509 certificate: {e}")),
                start: base,
                end: base + der.len(),
                ..Field::default()
            }];
        }
    };
    let shown = match certificate_summary(der, index) {
        Ok(s) => Shown {
            subject: s.subject,
            issuer: s.issuer,
            not_before: s.not_before,
            not_after: s.not_after,
            algorithm: s.algorithm.name().to_owned(),
        },
        Err(why) => Shown {
            subject: parsed.subject().to_string(),
            issuer: parsed.issuer().to_string(),
            not_before: parsed.validity().not_before.timestamp(),
            not_after: parsed.validity().not_after.timestamp(),
            algorithm: format!(
                "{} ({why})",
                parsed.public_key().algorithm.algorithm.to_id_string()
            ),
        },
    };
    let whole = 0..der.len();
    let ranges = ranges(der, &parsed).unwrap_or(Ranges {
        subject: whole.clone(),
        issuer: whole.clone(),
        not_before: whole.clone(),
        not_after: whole.clone(),
        public_key: whole,
    });
    let field = |label: &str, type_name: &str, value: String, r: Range<usize>| Field {
        label: label.into(),
        path: format!("{path}.{label}"),
        type_name: type_name.into(),
        value: Some(value),
        start: base + r.start,
        end: base + r.end,
        ..Field::default()
    };
    let time = |unix: i64, bound| time_value(&unix.to_string(), unix, bound, now);
    vec![
        field("issuer", "Name", shown.issuer, ranges.issuer),
        field(
            "not_before",
            "Time",
            time(shown.not_before, Bound::NotBefore),
            ranges.not_before,
        ),
        field(
            "not_after",
            "Time",
            time(shown.not_after, Bound::NotAfter),
            ranges.not_after,
        ),
        field("subject", "Name", shown.subject, ranges.subject),
        field(
            "public_key_algorithm",
            "SubjectPublicKeyInfo",
            shown.algorithm,
            ranges.public_key,
        ),
    ]
}

/// Where `part` (a sub-slice of `der`) is in `der`.
fn offset_in(der: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(der.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= der.len()).then_some(start..end)
}

/// A DER element's header at `at`: its size and the content's length
/// (short and long definite forms).
fn der_header(der: &[u8], at: usize) -> Option<(usize, usize)> {
    let first = *der.get(at.checked_add(1)?)?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let bytes = der.get(at + 2..at + 2 + n)?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Some((2 + n, len))
}

/// The ranges of the parts, from the raw slices `x509-parser` keeps; the
/// two times are the elements of the Validity between issuer and subject.
fn ranges(der: &[u8], cert: &X509Certificate<'_>) -> Option<Ranges> {
    let tbs = &cert.tbs_certificate;
    let subject = offset_in(der, tbs.subject.as_raw())?;
    let issuer = offset_in(der, tbs.issuer.as_raw())?;
    let public_key = offset_in(der, tbs.subject_pki.raw)?;
    // Validity ::= SEQUENCE { notBefore Time, notAfter Time }
    let validity = issuer.end;
    let (seq_header, _) = der_header(der, validity)?;
    let nb = validity + seq_header;
    let (h, len) = der_header(der, nb)?;
    let not_before = nb..nb + h + len;
    let (h, len) = der_header(der, not_before.end)?;
    let not_after = not_before.end..not_before.end + h + len;
    (not_after.end <= subject.start).then_some(Ranges {
        subject,
        issuer,
        not_before,
        not_after,
        public_key,
    })
}
