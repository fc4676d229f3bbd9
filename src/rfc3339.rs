//! RFC 3339 times (UTC), written and read by the `time` crate.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `2026-06-01T12:00:00Z`; `None` outside the years 0000–9999, which RFC 3339 cannot write.
pub fn format(time: i64) -> Option<String> {
    let moment = OffsetDateTime::from_unix_timestamp(time).ok()?;
    if !(0..=9999).contains(&moment.year()) {
        return None;
    }
    moment.format(&Rfc3339).ok()
}

/// Reads an RFC 3339 time with any offset (`2026-06-01T14:00:00+02:00`), to seconds since the
/// epoch; fractions of a second are dropped.
pub fn parse(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_times() {
        assert_eq!(format(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            format(1_780_315_200).as_deref(),
            Some("2026-06-01T12:00:00Z")
        );
        assert_eq!(format(253_402_300_800), None);
        assert_eq!(format(i64::MAX), None);
        assert_eq!(format(i64::MIN), None);
        assert_eq!(parse("2026-06-01T12:00:00Z"), Some(1_780_315_200));
        assert_eq!(parse("2026-06-01T14:00:00.123+02:00"), Some(1_780_315_200));
        assert_eq!(parse("2026-06-01T07:30:00-04:30"), Some(1_780_315_200));
    }

    #[test]
    fn malformed_times_are_refused() {
        for text in [
            "",
            "2026-06-01",
            "2026-06-01T12:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-06-01T24:00:00Z",
            "2026-06-01T12:00:00Zjunk",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
