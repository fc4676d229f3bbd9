//! The engine's own RFC 3339 reader and writer agree with the `time` crate.

#![cfg(not(target_arch = "wasm32"))]

use mtls_inspector::rfc3339;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[test]
fn agrees_with_the_time_crate() {
    // A stride that visits every second-of-day residue class over 0000–9999.
    let (first, last) = (-62_167_219_200i64, 253_402_300_799i64);
    let mut time = first;
    while time <= last {
        let ours = rfc3339::format(time).unwrap();
        let theirs = OffsetDateTime::from_unix_timestamp(time)
            .unwrap()
            .format(&Rfc3339)
            .unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(rfc3339::parse(&ours), Some(time));
        time += 9_999_991;
    }
    for text in [
        "2026-06-01T12:00:00+05:45",
        "1999-12-31T23:59:59.999999-08:00",
        "2000-02-29T00:00:00z",
    ] {
        let theirs = OffsetDateTime::parse(text, &Rfc3339)
            .unwrap()
            .unix_timestamp();
        assert_eq!(rfc3339::parse(text), Some(theirs), "{text}");
    }
}
