//! The compact form in which a [`Report`] crosses from the Web Worker to the page.
//!
//! The page only has to read what the worker wrote with the same build, so the format is as
//! plain as it gets: fields in declaration order, integers as LEB128, strings and lists
//! length-prefixed, enums as their position. Reading JSON back would pull serde_json's
//! deserializer and every `Deserialize` impl into the page (33 KB gzipped, measured); this is a
//! few hundred lines of straight code. A round-trip test over the whole scenario suite keeps
//! it honest. Reading never panics: a short or corrupt buffer gives `None`.

use crate::certificate::Side;
use crate::decode::Location;
use crate::diagnosis::{Code, Severity};
use crate::profiles::{Profile, Usage};
use crate::report::{
    CertificateEntry, CrlEntry, ExtensionEntry, Finding, InputSummary, KeyEntry, Link, LinkState,
    LogLine, ProfileResult, Report, Role, Validity, Verdict,
};
use crate::request::{CertificateRequest, ClientStack};

/// A value that can be written to and read back from the wire.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn take(input: &mut &[u8]) -> Option<Self>;
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        let mut value = *self;
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = input.split_first()?;
            *input = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

impl Wire for u8 {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        Some(byte)
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out);
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        usize::try_from(u64::take(input)?).ok()
    }
}

impl Wire for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        u64::from(*self).put(out);
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        u32::try_from(u64::take(input)?).ok()
    }
}

impl Wire for i64 {
    fn put(&self, out: &mut Vec<u8>) {
        // Zig-zag, so that times before 1970 stay short.
        (((*self << 1) ^ (*self >> 63)) as u64).put(out);
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let raw = u64::take(input)?;
        Some(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        match u64::take(input)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let length = usize::take(input)?;
        if input.len() < length {
            return None;
        }
        let (bytes, rest) = input.split_at(length);
        *input = rest;
        String::from_utf8(bytes.to_vec()).ok()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        for item in self {
            item.put(out);
        }
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let length = usize::take(input)?;
        // Every item takes at least one byte: a corrupt length cannot make us allocate more.
        if length > input.len() {
            return None;
        }
        (0..length).map(|_| T::take(input)).collect()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.put(out);
            }
        }
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        match bool::take(input)? {
            false => Some(None),
            true => T::take(input).map(Some),
        }
    }
}

/// Structs: every field, in order.
macro_rules! wire_struct {
    ($($name:ident { $($field:ident),* $(,)? })*) => {$(
        impl Wire for $name {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$field.put(out);)*
            }

            fn take(input: &mut &[u8]) -> Option<Self> {
                Some(Self { $($field: Wire::take(input)?,)* })
            }
        }
    )*};
}

/// Field-less enums: their position in a list of every variant.
macro_rules! wire_enum {
    ($($name:ident = $all:expr;)*) => {$(
        impl Wire for $name {
            fn put(&self, out: &mut Vec<u8>) {
                let all: &[$name] = &$all;
                all.iter().position(|v| v == self).unwrap_or(0).put(out);
            }

            fn take(input: &mut &[u8]) -> Option<Self> {
                let all: &[$name] = &$all;
                all.get(usize::take(input)?).copied()
            }
        }
    )*};
}

wire_enum! {
    Verdict = [Verdict::Accepted, Verdict::Rejected, Verdict::Incomplete];
    Role = [Role::Client, Role::Intermediate, Role::Anchor, Role::Trusted, Role::Unused];
    Validity = [Validity::Valid, Validity::Expired, Validity::NotYetValid];
    LinkState = [LinkState::Verified, LinkState::SignatureFails, LinkState::NameMatchOnly];
    Side = [Side::Client, Side::Trust];
    Usage = [Usage::Client, Usage::Server];
    Profile = Profile::ALL;
    Severity = [Severity::Error, Severity::Incomplete, Severity::Warning, Severity::Info];
}

impl Wire for Code {
    fn put(&self, out: &mut Vec<u8>) {
        Code::ALL
            .iter()
            .position(|c| c == self)
            .unwrap_or(0)
            .put(out);
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        Code::ALL.get(usize::take(input)?).copied()
    }
}

wire_struct! {
    Location { source, block, line, entry }
    Link { subject, issuer, state, in_chain }
    ProfileResult { name, verdict, findings, reported }
    LogLine { printed_by, line }
    Finding { code, severity, certificate, profiles, title, detail, remedy, location, log_lines }
    ExtensionEntry { name, oid, critical, value }
    CrlEntry { issuer, this_update, next_update, revoked, source, expired, not_yet_valid, lists, der }
    KeyEntry { algorithm, matches_client_certificate, source }
    InputSummary { name, side, certificates, crls, private_keys, problems }
    CertificateEntry {
        index, role, side, subject, issuer, serial, not_before, not_after, sha256, sha1, key,
        signature_algorithm, version, is_ca, self_signed, validity, not_before_timestamp,
        not_after_timestamp, key_usage, extended_key_usage, subject_alt_names, extensions, source,
        pem,
    }
    Report {
        verdict, validation_time, validation_timestamp, usage, profiles, findings, chain, links,
        certificates, crls, private_keys, inputs, certificate_request, client_stacks,
    }
    CertificateRequest { ca_names, signature_algorithms, certificate_types }
    ClientStack { name, label, sends, why, codes }
}

/// A report answering request `id`, as bytes.
pub fn encode(id: u32, report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    id.put(&mut out);
    report.put(&mut out);
    out
}

/// The request id and report; `None` unless the bytes are exactly one encoded report.
pub fn decode(bytes: &[u8]) -> Option<(u32, Report)> {
    let mut input = bytes;
    let id = u32::take(&mut input)?;
    let report = Report::take(&mut input)?;
    input.is_empty().then_some((id, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_at_their_edges() {
        for value in [0i64, 1, -1, 63, -64, i64::MAX, i64::MIN, 1_780_315_200] {
            let mut out = Vec::new();
            value.put(&mut out);
            assert_eq!(i64::take(&mut out.as_slice()), Some(value));
        }
        let mut out = Vec::new();
        u64::MAX.put(&mut out);
        assert_eq!(u64::take(&mut out.as_slice()), Some(u64::MAX));
    }

    #[test]
    fn corrupt_input_is_refused_without_panic() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[0xff; 20]), None);
        // A huge list length in a tiny buffer.
        assert_eq!(Vec::<String>::take(&mut &[0xff, 0xff, 0x03][..]), None);
        assert_eq!(String::take(&mut &[2, 0xff, 0xfe][..]), None);
        assert_eq!(Verdict::take(&mut &[9][..]), None);
    }
}
