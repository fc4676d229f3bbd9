//! A minimal, panic-free DER reader: certificates and CRLs (src/certificate.rs), containers
//! (PKCS#7, PKCS#8, PKCS#12, keys). It supports single-byte tags and definite lengths and
//! nothing more, which is all these formats use.

/// Tag numbers used when sniffing containers.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const CONTEXT_0: u8 = 0xa0;
    pub(crate) const CONTEXT_1: u8 = 0xa1;
}

/// One tag-length-value element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    /// The whole element, header included.
    pub(crate) raw: &'a [u8],
}

/// Reads one element from the front of `input`, returning it and what follows.
pub(crate) fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // multi-byte tags are not used by the formats we sniff
    }
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (value, rest) = rest.split_at(length);
    let header = input.len() - rest.len() - length;
    let raw = input.get(..header + length)?;
    Some((Tlv { tag, value, raw }, rest))
}

/// Reads exactly one element that spans all of `input`.
pub(crate) fn read_all(input: &[u8]) -> Option<Tlv<'_>> {
    match read(input)? {
        (tlv, []) => Some(tlv),
        _ => None,
    }
}

/// Splits the contents of a constructed element into its children; `None` if any child is
/// malformed.
pub(crate) fn children(value: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (tlv, next) = read(rest)?;
        out.push(tlv);
        rest = next;
    }
    Some(out)
}

/// Formats an OBJECT IDENTIFIER's contents in dotted form.
pub(crate) fn oid_to_string(value: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut current: u64 = 0;
    for &b in value {
        current = current
            .saturating_mul(128)
            .saturating_add(u64::from(b & 0x7f));
        if b & 0x80 == 0 {
            parts.push(current);
            current = 0;
        }
    }
    let mut out = String::new();
    if let Some(&first) = parts.first() {
        let (a, b) = match first {
            0..=39 => (0, first),
            40..=79 => (1, first - 40),
            _ => (2, first - 80),
        };
        out = format!("{a}.{b}");
    }
    for part in parts.iter().skip(1) {
        out.push('.');
        out.push_str(&part.to_string());
    }
    out
}

/// Strips the leading zero bytes of an unsigned INTEGER's contents.
pub(crate) fn unsigned(value: &[u8]) -> &[u8] {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    value.get(start..).unwrap_or_default()
}

/// The bit length of an unsigned big-endian integer.
pub(crate) fn bit_length(value: &[u8]) -> usize {
    let value = unsigned(value);
    match value.first() {
        Some(&b) => (value.len() - 1) * 8 + (8 - b.leading_zeros() as usize),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (tlv, rest) = read(&[0x04, 0x02, 0xaa, 0xbb, 0x05]).unwrap();
        assert_eq!(tlv.tag, tag::OCTET_STRING);
        assert_eq!(tlv.value, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0x05]);

        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 128));
        let tlv = read_all(&long).unwrap();
        assert_eq!(tlv.value.len(), 128);
        assert_eq!(tlv.raw.len(), 131);
    }

    #[test]
    fn rejects_truncated_and_oversized_lengths() {
        assert!(read(&[0x30, 0x05, 0x01]).is_none());
        assert!(read(&[0x30, 0x85, 1, 2, 3, 4, 5]).is_none());
        assert!(read(&[0x30]).is_none());
        assert!(read(&[]).is_none());
        assert!(read(&[0x1f, 0x01, 0x00]).is_none());
    }

    #[test]
    fn formats_object_identifiers() {
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]),
            "1.2.840.113549.1.7.2"
        );
        assert_eq!(oid_to_string(&[0x55, 0x1d, 0x25]), "2.5.29.37");
    }

    #[test]
    fn measures_integers() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[0x00]), 0);
    }
}
