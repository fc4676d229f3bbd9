//! Navigation over the ASN.1 containers (PKCS#7, PKCS#8, PKCS#12, PKCS#1, SEC1) with
//! der-parser's ASN.1 layer (asn1-rs): elements are read as `Any` (BER, so that containers
//! written with indefinite lengths open too) and inspected by tag. Certificates and CRLs are
//! never read here: x509-parser reads them (src/read/certificate.rs).

pub(crate) use der_parser::asn1_rs::{Any, Class, Tag};
use der_parser::asn1_rs::{FromBer, Oid, oid};

/// One element: parsed, and its encoding (header included), to hand to other decoders.
#[derive(Clone, Debug)]
pub(crate) struct Element<'a> {
    pub(crate) any: Any<'a>,
    pub(crate) raw: &'a [u8],
}

impl<'a> std::ops::Deref for Element<'a> {
    type Target = Any<'a>;

    fn deref(&self) -> &Any<'a> {
        &self.any
    }
}

/// Reads one element from the front of `input`, and what follows it.
pub(crate) fn first(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (rest, any) = Any::from_ber(input).ok()?;
    let raw = input.get(..input.len() - rest.len())?;
    Some((Element { any, raw }, rest))
}

/// Reads exactly one element spanning all of `input`.
pub(crate) fn whole(input: &[u8]) -> Option<Element<'_>> {
    match first(input)? {
        (element, []) => Some(element),
        _ => None,
    }
}

/// The elements inside a constructed value; `None` if any of them is malformed.
pub(crate) fn children<'a>(any: &Any<'a>) -> Option<Vec<Element<'a>>> {
    if !any.header.is_constructed() {
        return None;
    }
    let mut rest = any.data;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (element, next) = first(rest)?;
        out.push(element);
        rest = next;
    }
    Some(out)
}

/// The elements of a SEQUENCE read from the whole of `input`.
pub(crate) fn sequence(input: &[u8]) -> Option<Vec<Element<'_>>> {
    let element = whole(input)?;
    is_universal(&element, Tag::Sequence).then_some(())?;
    children(&element)
}

pub(crate) fn is_universal(any: &Any<'_>, tag: Tag) -> bool {
    any.class() == Class::Universal && any.tag() == tag
}

pub(crate) fn is_context(any: &Any<'_>, number: u32) -> bool {
    any.class() == Class::ContextSpecific && any.tag() == Tag(number)
}

/// An OBJECT IDENTIFIER in dotted form.
pub(crate) fn oid(any: &Any<'_>) -> Option<String> {
    is_universal(any, Tag::Oid).then(|| dotted(&Oid::new(any.data.into())))
}

/// The OIDs every certificate carries (extensions, key and signature algorithms, curves),
/// encoded, with their dotted form: found by their bytes, not written arc by arc (writing them
/// was 8 % of reading the system store, callgrind). A test checks each against [`dotted`]'s
/// general path.
const WELL_KNOWN: &[(&[u8], &str)] = &[
    (&oid!(raw 2.5.29.14), "2.5.29.14"),
    (&oid!(raw 2.5.29.15), "2.5.29.15"),
    (&oid!(raw 2.5.29.17), "2.5.29.17"),
    (&oid!(raw 2.5.29.19), "2.5.29.19"),
    (&oid!(raw 2.5.29.31), "2.5.29.31"),
    (&oid!(raw 2.5.29.32), "2.5.29.32"),
    (&oid!(raw 2.5.29.35), "2.5.29.35"),
    (&oid!(raw 2.5.29.37), "2.5.29.37"),
    (&oid!(raw 1.3.6.1.5.5.7.1.1), "1.3.6.1.5.5.7.1.1"),
    (&oid!(raw 1.2.840.113549.1.1.1), "1.2.840.113549.1.1.1"),
    (&oid!(raw 1.2.840.113549.1.1.5), "1.2.840.113549.1.1.5"),
    (&oid!(raw 1.2.840.113549.1.1.11), "1.2.840.113549.1.1.11"),
    (&oid!(raw 1.2.840.113549.1.1.12), "1.2.840.113549.1.1.12"),
    (&oid!(raw 1.2.840.113549.1.1.13), "1.2.840.113549.1.1.13"),
    (&oid!(raw 1.2.840.10045.2.1), "1.2.840.10045.2.1"),
    (&oid!(raw 1.2.840.10045.4.3.2), "1.2.840.10045.4.3.2"),
    (&oid!(raw 1.2.840.10045.4.3.3), "1.2.840.10045.4.3.3"),
    (&oid!(raw 1.2.840.10045.3.1.7), "1.2.840.10045.3.1.7"),
    (&oid!(raw 1.3.132.0.34), "1.3.132.0.34"),
];

/// An OID in dotted form, "2.5.4.3": asn1-rs' `to_id_string` (its arcs as it reads them),
/// written into one string instead of one string per arc joined (that helper was a tenth of
/// reading a trust store: every name attribute and extension is named by its OID).
pub fn dotted(oid: &Oid<'_>) -> String {
    use std::fmt::Write as _;
    if let Some((_, known)) = WELL_KNOWN
        .iter()
        .find(|(bytes, _)| *bytes == oid.as_bytes())
    {
        return (*known).to_owned();
    }
    let Some(arcs) = oid.iter() else {
        return oid.to_id_string();
    };
    let mut out = String::with_capacity(oid.as_bytes().len() * 3);
    for (i, arc) in arcs.enumerate() {
        if i > 0 {
            out.push('.');
        }
        let _ = write!(out, "{arc}");
    }
    out
}

/// The contents of an OCTET STRING, primitive or constructed (BER pieces are joined).
pub(crate) fn octets(any: &Any<'_>) -> Option<Vec<u8>> {
    if !is_universal(any, Tag::OctetString) {
        return None;
    }
    if !any.header.is_constructed() {
        return Some(any.data.to_vec());
    }
    let mut out = Vec::new();
    for piece in children(any)? {
        out.extend(octets(&piece)?);
    }
    Some(out)
}

/// The unsigned value of a small non-negative INTEGER.
pub(crate) fn small_uint(any: &Any<'_>) -> Option<u64> {
    if !is_universal(any, Tag::Integer) || any.data.first().is_none_or(|b| b & 0x80 != 0) {
        return None;
    }
    let value = unsigned(any.data);
    if value.len() > 8 {
        return None;
    }
    Some(value.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// The `[number] EXPLICIT` content: the one element inside a context-specific wrapper.
pub(crate) fn explicit<'a>(any: &Any<'a>, number: u32) -> Option<Element<'a>> {
    if !is_context(any, number) {
        return None;
    }
    match children(any)?.as_slice() {
        [inner] => Some(inner.clone()),
        _ => None,
    }
}

/// An INTEGER's contents without needless leading bytes (a 0x00 before a byte below 0x80, a
/// 0xFF before one from 0x80): its value in DER's minimal form, as BigInteger compares.
pub(crate) fn integer_minimal(mut contents: &[u8]) -> &[u8] {
    while let [first, next, ..] = contents
        && ((*first == 0 && next & 0x80 == 0) || (*first == 0xff && next & 0x80 != 0))
    {
        contents = contents.get(1..).unwrap_or_default();
    }
    contents
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

/// The DER of a parsed ANY (header rebuilt: the value's tag and a definite length).
pub(crate) fn any_der(any: &Any<'_>) -> Vec<u8> {
    let mut header = Vec::new();
    let tag = any.tag().0;
    let class = (any.class() as u8) << 6;
    let constructed = if any.header.is_constructed() { 0x20 } else { 0 };
    header.push(class | constructed | u8::try_from(tag).unwrap_or(0x1f));
    let length = any.data.len();
    if length < 0x80 {
        header.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        header.push(0x80 | bytes.len() as u8);
        header.extend(bytes);
    }
    header.extend_from_slice(any.data);
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_oids_are_written_as_their_arcs() {
        for (bytes, known) in WELL_KNOWN {
            let oid = Oid::new((*bytes).into());
            assert_eq!(oid.to_id_string(), *known);
            assert_eq!(dotted(&oid), *known);
        }
    }

    #[test]
    fn an_oid_is_written_as_asn1_rs_writes_it() {
        for arcs in [
            &[2, 5, 4, 3][..],
            &[1, 2, 840, 113_549, 1, 9, 1],
            &[0, 9, 2342, 19_200_300, 100, 1, 25],
            &[2, 16, 840, 1, 101, 3, 4, 2, 1],
            &[1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3],
            &[1, 2, u64::MAX],
        ] {
            let oid = Oid::from(arcs).unwrap();
            assert_eq!(dotted(&oid), oid.to_id_string());
        }
        // An arc beyond 64 bits: asn1-rs' own form.
        let huge = Oid::new(
            vec![
                0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
            ]
            .into(),
        );
        assert_eq!(dotted(&huge), huge.to_id_string());
    }

    #[test]
    fn reads_nested_elements_and_refuses_truncation() {
        let input = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        let parts = sequence(&input).unwrap();
        assert_eq!(small_uint(&parts[0]), Some(5));
        assert_eq!(octets(&parts[1]), Some(vec![0xaa]));
        assert!(sequence(&input[..7]).is_none());
        assert!(sequence(&[]).is_none());
    }

    #[test]
    fn indefinite_lengths_open() {
        // SEQUENCE (indefinite) { INTEGER 1 } end-of-contents
        let input = [0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00];
        let parts = sequence(&input).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(small_uint(&parts[0]), Some(1));
    }

    #[test]
    fn measures_integers() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[0x00]), 0);
    }
}
