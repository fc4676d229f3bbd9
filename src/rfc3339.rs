//! RFC 3339 times (UTC), written and read with plain calendar arithmetic: the page needs
//! nothing more, and a date library's formatting machinery weighs more than this whole module.

use std::ops::Range;

const DAY: i64 = 86_400;

/// The civil date of a day number (days since 1970-01-01), after H. Hinnant's
/// `civil_from_days`, valid for the whole proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number of a civil date (`days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `2026-06-01T12:00:00Z`; `None` outside the years 0000–9999, which RFC 3339 cannot write.
pub fn format(time: i64) -> Option<String> {
    let (year, month, day) = civil_from_days(time.div_euclid(DAY));
    let second = time.rem_euclid(DAY);
    (0..=9999).contains(&year).then(|| {
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            second / 3600,
            second / 60 % 60,
            second % 60
        )
    })
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (the fraction is dropped) to seconds since
/// the Unix epoch. Every field is range-checked; anything else is `None`.
pub fn parse(text: &str) -> Option<i64> {
    let number = |range: Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let at = |index: usize, allowed: &[u8]| {
        text.as_bytes()
            .get(index)
            .is_some_and(|b| allowed.contains(b))
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = number(text.len() - 5..text.len() - 3)?;
            let minutes = number(text.len() - 2..text.len())?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second - offset)
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
        assert_eq!(format(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(format(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(
            format(253_402_300_799).as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert_eq!(format(253_402_300_800), None);
        assert_eq!(format(i64::MAX), None);
        assert_eq!(format(i64::MIN), None);
        assert_eq!(parse("2026-06-01T12:00:00Z"), Some(1_780_315_200));
        assert_eq!(parse("2026-06-01t14:00:00.123+02:00"), Some(1_780_315_200));
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
            "2026-06-31T00:00:00Z",
            "2026-06-01T24:00:00Z",
            "2026-06-01T12:60:00Z",
            "2026-06-01T12:00:00.Z",
            "2026-06-01T12:00:00+2:00",
            "2026-06-01T12:00:00+24:00",
            "+026-06-01T12:00:00Z",
            "2026-06-01T12:00:00Zjunk",
            "２０２６-06-01T12:00:00Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = days_from_civil(1900, 1, 1);
        for day in start..start + 146_097 {
            let time = day * DAY + 45_296;
            assert_eq!(parse(&format(time).unwrap()), Some(time));
        }
    }
}
