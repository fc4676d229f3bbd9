//! Distinguished names: how people see them, and how each stack compares them.
//!
//! Names are read by x509-parser ([`X509Name`]). From one parsed name come:
//! - [`display`]: the attributes in the certificate's own order, `O=Example\, Inc., CN=alice`,
//!   with RFC 4514 escaping (separators and specials inside values are escaped, controls and
//!   invisible characters written as `\XX`), so that two different names never look alike;
//! - OpenSSL's printed forms (`s_client`'s one-line CA names, nginx's `$ssl_client_s_dn`) are
//!   in [`crate::read::openssl_names`];
//! - [`OpensslCanonical`]: OpenSSL's canonical form (`x509_name_canon` in crypto/x509/x_name.c),
//!   by which `X509_NAME_cmp` matches an issuer to a subject: string values converted to UTF-8,
//!   ASCII lower-cased, leading and trailing white space dropped and inner runs collapsed;
//! - [`java_canonical`]: `X500Principal`'s canonical RFC 2253 form (sun.security.x509.AVA
//!   `toRFC2253CanonicalString`, without its NFKD step), by which JSSE's PKIX matches names.
//!
//! rustls-webpki and Go compare the encoded bytes (`subject_raw`, `issuer_raw`).

use x509_parser::der_parser::asn1_rs::{Any, Class, Oid, Tag, oid};
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// Short names of distinguished-name attributes, as OpenSSL prints them, with their OIDs
/// encoded (as names carry them) and dotted. `Email` is the one-line form's `emailAddress`.
const ATTRIBUTE_NAMES: &[(&[u8], &str, &str)] = &[
    (&oid!(raw 2.5.4.3), "2.5.4.3", "CN"),
    (&oid!(raw 2.5.4.6), "2.5.4.6", "C"),
    (&oid!(raw 2.5.4.7), "2.5.4.7", "L"),
    (&oid!(raw 2.5.4.8), "2.5.4.8", "ST"),
    (&oid!(raw 2.5.4.9), "2.5.4.9", "street"),
    (&oid!(raw 2.5.4.10), "2.5.4.10", "O"),
    (&oid!(raw 2.5.4.11), "2.5.4.11", "OU"),
    (&oid!(raw 2.5.4.5), "2.5.4.5", "serialNumber"),
    (&oid!(raw 2.5.4.4), "2.5.4.4", "SN"),
    (&oid!(raw 2.5.4.42), "2.5.4.42", "GN"),
    (&oid!(raw 2.5.4.12), "2.5.4.12", "title"),
    (&oid!(raw 2.5.4.17), "2.5.4.17", "postalCode"),
    (&oid!(raw 2.5.4.46), "2.5.4.46", "dnQualifier"),
    (&oid!(raw 2.5.4.65), "2.5.4.65", "pseudonym"),
    (&oid!(raw 2.5.4.97), "2.5.4.97", "organizationIdentifier"),
    (
        &oid!(raw 1.2.840.113549.1.9.1),
        "1.2.840.113549.1.9.1",
        "Email",
    ),
    (
        &oid!(raw 0.9.2342.19200300.100.1.25),
        "0.9.2342.19200300.100.1.25",
        "DC",
    ),
    (
        &oid!(raw 0.9.2342.19200300.100.1.1),
        "0.9.2342.19200300.100.1.1",
        "UID",
    ),
];

/// The attribute types RFC 2253 names by keyword; Java writes every other type as its OID and
/// its value as `#hex`.
const RFC2253_KEYWORDS: &[&str] = &[
    "2.5.4.3",
    "2.5.4.6",
    "2.5.4.7",
    "2.5.4.8",
    "2.5.4.9",
    "2.5.4.10",
    "2.5.4.11",
    "0.9.2342.19200300.100.1.25",
    "0.9.2342.19200300.100.1.1",
];

/// The dotted form and short name of a well-known attribute type, found by its encoded OID
/// (no text is made for the types names are made of).
fn known_attribute(oid: &Oid<'_>) -> Option<(&'static str, &'static str)> {
    ATTRIBUTE_NAMES
        .iter()
        .find(|(encoded, ..)| *encoded == oid.as_bytes())
        .map(|&(_, dotted, name)| (dotted, name))
}

/// The short name of an attribute type, or its dotted OID.
fn attribute_label(oid: &Oid<'_>) -> std::borrow::Cow<'static, str> {
    match known_attribute(oid) {
        Some((_, name)) => name.into(),
        None => crate::read::asn1::dotted(oid).into(),
    }
}

/// The value of a string attribute as text, the way OpenSSL's `ASN1_STRING_to_UTF8` converts
/// it: UTF8String as UTF-8, BMPString as UTF-16, UniversalString as UTF-32, and the single-byte
/// types (Printable, IA5, Visible, Teletex, Numeric) byte by byte. `None` when the value is not
/// a string type or its bytes do not decode.
pub fn string_value(value: &Any<'_>) -> Option<String> {
    let data = value.data;
    match value.tag() {
        Tag::Utf8String => String::from_utf8(data.to_vec()).ok(),
        Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::TeletexString
        | Tag::NumericString => Some(data.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString if data.len().is_multiple_of(2) => char::decode_utf16(
            data.chunks_exact(2)
                .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
                .map(u16::from_be_bytes),
        )
        .collect::<Result<String, _>>()
        .ok(),
        Tag::UniversalString if data.len().is_multiple_of(4) => data
            .chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok())
            .map(|c| char::from_u32(u32::from_be_bytes(c)))
            .collect(),
        _ => None,
    }
}

/// What is wrong with a name's values for Go's parser (`parseASN1String` in
/// crypto/x509/parser.go, which checks the six string types it decodes and keeps any other
/// value raw): a UTF8String that is not UTF-8, a PrintableString with other characters (Go
/// lets `*` and `&` pass), an IA5String beyond ASCII, a NumericString with other than digits
/// and spaces, a BMPString of odd length or with surrogates or non-characters. `None` when
/// every value is valid.
pub fn invalid_value(name: &X509Name<'_>) -> Option<String> {
    let printable = |b: &u8| b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(b);
    let bmp_ok = |data: &[u8]| {
        data.len().is_multiple_of(2)
            && data.chunks_exact(2).all(|pair| {
                let unit = u16::from_be_bytes([
                    pair.first().copied().unwrap_or(0),
                    pair.get(1).copied().unwrap_or(0),
                ]);
                !matches!(unit, 0xfffe | 0xffff | 0xfdd0..=0xfdef | 0xd800..=0xdfff)
            })
    };
    for attribute in name.iter_attributes() {
        let value = attribute.attr_value();
        let data = value.data;
        let problem = match value.tag() {
            Tag::Utf8String if std::str::from_utf8(data).is_err() => {
                "a UTF8String that is not UTF-8"
            }
            Tag::PrintableString if !data.iter().all(printable) => {
                "a PrintableString with characters outside its set"
            }
            Tag::Ia5String if !data.is_ascii() => "an IA5String with non-ASCII bytes",
            Tag::NumericString if !data.iter().all(|b| b.is_ascii_digit() || *b == b' ') => {
                "a NumericString with other than digits"
            }
            Tag::BmpString if !bmp_ok(data) => "a BMPString that is not UCS-2",
            _ => continue,
        };
        let label = attribute_label(attribute.attr_type());
        return Some(format!("{problem} in its {label} attribute"));
    }
    None
}

/// The class and tag number of every attribute value of a name.
pub fn value_tags(name: &X509Name<'_>) -> Vec<(Class, u32)> {
    name.iter_attributes()
        .map(|a| (a.attr_value().class(), a.attr_value().tag().0))
        .collect()
}

/// Parses a DER Name (a certificate's `subject_raw`), the whole input.
pub fn parse(raw: &[u8]) -> Option<X509Name<'_>> {
    match X509Name::from_der(raw) {
        Ok(([], name)) => Some(name),
        _ => None,
    }
}

/// Upper-case hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    super::certificate::upper_hex(bytes, "")
}

/// Characters that could make displayed text mislead a reader: controls (C0, DEL, C1), line
/// and paragraph separators, and the invisible format characters (Unicode category Cf: bidi
/// overrides and isolates, zero-width characters, tags).
pub fn is_deceptive(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
            | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// One attribute value with RFC 4514 escapes (section 2.4), every deceptive character as the
/// `\XX` escapes of its UTF-8 bytes.
fn escape_rfc4514(text: &str) -> String {
    let count = text.chars().count();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == count && c == ' ');
        if edge || matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\' | '=') {
            out.push('\\');
            out.push(c);
        } else if is_deceptive(c) || c == '\0' {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("\\{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes one attribute as `type=value` to `out`.
fn write_attribute(attribute: &AttributeTypeAndValue<'_>, out: &mut String) {
    let value = attribute.attr_value();
    out.push_str(&attribute_label(attribute.attr_type()));
    out.push('=');
    match string_value(value) {
        Some(text) => out.push_str(&escape_rfc4514(&text)),
        None => {
            out.push('#');
            out.push_str(&hex(&super::asn1::any_der(value)));
        }
    }
}

/// The name for people: RDNs in the certificate's order joined by `, `, the attributes of a
/// multi-valued RDN by ` + `, values escaped as RFC 4514 says. (Written into one string: made
/// for every certificate read.)
pub fn display(name: &X509Name<'_>) -> String {
    let mut out = String::with_capacity(name.as_raw().len());
    for (i, rdn) in name.iter_rdn().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        for (j, attribute) in rdn.iter().enumerate() {
            if j > 0 {
                out.push_str(" + ");
            }
            write_attribute(attribute, &mut out);
        }
    }
    out
}

/// [`display`] of a DER Name; `#hex` when it does not parse.
pub fn display_raw(raw: &[u8]) -> String {
    parse(raw).map_or_else(|| format!("#{}", hex(raw)), |name| display(&name))
}

/// The attribute type servers most often take a client's name from (`commonName`).
pub const COMMON_NAME: &str = "2.5.4.3";
/// PKCS#9 emailAddress, which name constraints on e-mail addresses also bind.
pub const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// The values of every attribute of type `oid` (dotted) in the DER name `raw`, as their bytes
/// and in the name's order, as servers read them (`X509_NAME_ENTRY_get_data`, Go's
/// `pkix.Name`); none when the name does not parse.
pub fn attribute_values<'a>(raw: &'a [u8], oid: &str) -> Vec<&'a [u8]> {
    parse(raw).map_or_else(Vec::new, |name| {
        name.iter_attributes()
            .filter(|a| crate::read::asn1::dotted(a.attr_type()) == oid)
            .map(|a| a.attr_value().data)
            .collect()
    })
}

/// The first common name, as text.
pub fn common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name()
        .next()
        .and_then(|cn| string_value(cn.attr_value()))
}

/// OpenSSL's canonical form of a name, compared for equality only: each RDN a set of
/// attributes (so their order inside a multi-valued RDN does not matter), string values
/// converted to UTF-8, white space trimmed and collapsed, ASCII upper case folded. `None` when
/// a string value does not convert (OpenSSL then fails to decode the name).
///
/// One byte string, as OpenSSL's own canonical encoding is: each RDN its attribute count, then
/// its attributes sorted, each its type, value tag and canonical value, lengths before bytes.
/// Every RDN delimits itself, so one name's RDNs begin another's exactly when its bytes begin
/// the other's. (Nested vectors were a dozen allocations a name.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpensslCanonical(Vec<u8>);

/// One attribute of an RDN being made canonical: type, value tag and canonical value.
type CanonicalAttribute<'a> = (&'a [u8], u32, std::borrow::Cow<'a, [u8]>);

/// The string types OpenSSL canonicalises (`ASN1_MASK_CANON`); NumericString and the rest are
/// compared as they are.
fn openssl_canonicalises(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Utf8String
            | Tag::BmpString
            | Tag::UniversalString
            | Tag::PrintableString
            | Tag::TeletexString
            | Tag::Ia5String
            | Tag::VisibleString
    )
}

/// `asn1_string_canon`: trims and collapses ASCII white space, lower-cases ASCII letters,
/// copies every other byte.
fn openssl_canonical_string(text: &str) -> Vec<u8> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    let mut out = Vec::with_capacity(end.saturating_sub(start));
    let mut previous_space = false;
    for &byte in bytes.get(start..end).unwrap_or_default() {
        if is_space(byte) {
            if !previous_space {
                out.push(b' ');
            }
            previous_space = true;
        } else {
            out.push(byte.to_ascii_lowercase());
            previous_space = false;
        }
    }
    out
}

impl OpensslCanonical {
    /// Whether the name begins with every RDN of `base`, as OpenSSL's `nc_dn` decides a
    /// directoryName constraint: the base's canonical encoding a prefix of the name's.
    pub fn within(&self, base: &Self) -> bool {
        self.0.starts_with(&base.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn of(name: &X509Name<'_>) -> Option<Self> {
        fn length(out: &mut Vec<u8>, length: usize) {
            out.extend_from_slice(&u32::try_from(length).unwrap_or(u32::MAX).to_le_bytes());
        }
        let mut out = Vec::with_capacity(name.as_raw().len() + 32);
        let mut attributes: Vec<CanonicalAttribute<'_>> = Vec::new();
        for rdn in name.iter_rdn() {
            attributes.clear();
            for attribute in rdn.iter() {
                let value = attribute.attr_value();
                let kind = attribute.attr_type().as_bytes();
                attributes.push(if openssl_canonicalises(value.tag()) {
                    let text = string_value(value)?;
                    (
                        kind,
                        Tag::Utf8String.0,
                        openssl_canonical_string(&text).into(),
                    )
                } else {
                    (kind, value.tag().0, value.data.into())
                });
            }
            attributes.sort();
            length(&mut out, attributes.len());
            for (kind, tag, value) in &attributes {
                length(&mut out, kind.len());
                out.extend_from_slice(kind);
                out.extend_from_slice(&tag.to_le_bytes());
                length(&mut out, value.len());
                out.extend_from_slice(value);
            }
        }
        Some(Self(out))
    }
}

/// `X500Principal`'s canonical form (RFC 2253 canonical, as sun.security.x509.AVA writes it):
/// keyword types with PrintableString or UTF8String values as escaped text, inner white space
/// collapsed and the ends trimmed; every other value as `#` and the hex of its DER; the whole
/// upper-cased and lower-cased; the attributes of a multi-valued RDN sorted.
///
/// Java then also applies Unicode NFKD normalisation. That step is left out: its tables would
/// add 55 KB (gzipped) to the engine, a sixth of it, and it matters only for two names that
/// differ by precomposed against decomposed (or compatibility) characters. Such names are
/// matched here as OpenSSL and Go match them: as different.
pub fn java_canonical(name: &X509Name<'_>) -> String {
    // One string written in place (the attributes of a multi-valued RDN apart, to be sorted):
    // a string per attribute, value and case mapping was a tenth of reading a trust store.
    let mut out = String::with_capacity(name.as_raw().len());
    let mut several = Vec::new();
    for (i, rdn) in name.iter_rdn().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut attributes = rdn.iter();
        match (attributes.next(), attributes.next()) {
            (Some(only), None) => java_canonical_attribute(only, &mut out),
            _ => {
                several.clear();
                several.extend(rdn.iter().map(|attribute| {
                    let mut one = String::new();
                    java_canonical_attribute(attribute, &mut one);
                    one
                }));
                several.sort();
                out.push_str(&several.join("+"));
            }
        }
    }
    out
}

/// One attribute, `type=value`, in Java's canonical form, appended to `out`.
fn java_canonical_attribute(attribute: &AttributeTypeAndValue<'_>, out: &mut String) {
    let start = out.len();
    let known = known_attribute(attribute.attr_type());
    let value = attribute.attr_value();
    let keyword = known.is_some_and(|(dotted, _)| RFC2253_KEYWORDS.contains(&dotted));
    match known {
        Some((_, name)) if keyword => out.push_str(name),
        _ => out.push_str(&crate::read::asn1::dotted(attribute.attr_type())),
    }
    out.push('=');
    let text = match (keyword, value.tag()) {
        (true, Tag::PrintableString | Tag::Utf8String) => string_value(value),
        _ => None,
    };
    match text {
        Some(text) => java_canonical_string(&text, out),
        None => {
            out.push('#');
            out.push_str(&hex(&super::asn1::any_der(value)).to_ascii_lowercase());
        }
    }
    // Java's toUpperCase().toLowerCase(); for ASCII, which most names are, in place without
    // the Unicode case mappings.
    let written = out.get(start..).unwrap_or_default();
    if written.is_ascii() {
        if let Some(written) = out.get_mut(start..) {
            written.make_ascii_lowercase();
        }
    } else {
        let mapped = written.to_uppercase().to_lowercase();
        out.truncate(start);
        out.push_str(&mapped);
    }
}

/// AVA's escaping and white-space rules for a string value, appended to `out`.
fn java_canonical_string(text: &str, out: &mut String) {
    const ESCAPEES: &str = ",+<>;\"\\";
    let printable = |c: char| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c);
    let start = out.len();
    let mut previous_white = false;
    for (i, c) in text.chars().enumerate() {
        if printable(c) || ESCAPEES.contains(c) || (i == 0 && c == '#') {
            if (i == 0 && c == '#') || ESCAPEES.contains(c) {
                out.push('\\');
            }
            if c.is_whitespace() {
                if previous_white {
                    continue;
                }
                previous_white = true;
            } else {
                previous_white = false;
            }
            out.push(c);
        } else {
            previous_white = false;
            out.push(c);
        }
    }
    // String.trim(): every character up to U+0020 at either end.
    let written = out.get(start..).unwrap_or_default();
    let after_start = written.trim_start_matches(|c: char| c <= ' ');
    let skip = written.len() - after_start.len();
    let kept = after_start.trim_end_matches(|c: char| c <= ' ').len();
    out.truncate(start + skip + kept);
    out.drain(start..start + skip);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SEQUENCE { SET { SEQUENCE { OID, value } } ... }` from (OID bytes, tag, value) triples,
    /// one RDN each.
    fn name(attributes: &[(&[u8], u8, &[u8])]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag, content.len() as u8];
            out.extend_from_slice(content);
            out
        }
        let rdns: Vec<u8> = attributes
            .iter()
            .flat_map(|(oid, tag, value)| {
                let mut ava = tlv(0x06, oid);
                ava.extend(tlv(*tag, value));
                tlv(0x31, &tlv(0x30, &ava))
            })
            .collect();
        tlv(0x30, &rdns)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];

    #[test]
    fn each_known_attribute_is_its_dotted_oid() {
        for (encoded, dotted, _) in ATTRIBUTE_NAMES {
            let oid = Oid::new(std::borrow::Cow::Borrowed(encoded));
            assert_eq!(crate::read::asn1::dotted(&oid), *dotted);
        }
    }

    #[test]
    fn a_comma_inside_a_value_is_escaped_so_names_never_look_alike() {
        let one = name(&[(O, 0x0c, b"Example, CN=Issuing CA")]);
        let two = name(&[(O, 0x0c, b"Example"), (CN, 0x0c, b"Issuing CA")]);
        assert_eq!(display_raw(&one), "O=Example\\, CN\\=Issuing CA");
        assert_eq!(display_raw(&two), "O=Example, CN=Issuing CA");
    }

    #[test]
    fn control_and_bidi_characters_are_shown_as_hex_escapes() {
        let raw = name(&[(CN, 0x0c, "a\u{1b}[31m\nb\u{202e}c".as_bytes())]);
        let shown = display_raw(&raw);
        assert_eq!(shown, "CN=a\\1B[31m\\0Ab\\E2\\80\\AEc");
        assert!(!shown.chars().any(is_deceptive));
    }

    #[test]
    fn openssl_canonical_form_ignores_case_spacing_and_string_type() {
        let printable = parse_owned(&name(&[(CN, 0x13, b"Example CA")]));
        let utf8 = parse_owned(&name(&[(CN, 0x0c, b"  example   ca ")]));
        let other = parse_owned(&name(&[(CN, 0x0c, b"Example CB")]));
        assert_eq!(printable, utf8);
        assert_ne!(printable, other);
    }

    fn parse_owned(raw: &[u8]) -> Option<OpensslCanonical> {
        OpensslCanonical::of(&parse(raw).unwrap())
    }

    #[test]
    fn java_canonical_form_keeps_ia5_and_bmp_values_as_hex() {
        let canonical = |raw: Vec<u8>| java_canonical(&parse(&raw).unwrap());
        assert_eq!(
            canonical(name(&[(CN, 0x13, b"Example  CA")])),
            canonical(name(&[(CN, 0x0c, b"example ca")]))
        );
        assert_ne!(
            canonical(name(&[(CN, 0x16, b"Example CA")])),
            canonical(name(&[(CN, 0x0c, b"Example CA")]))
        );
        assert_eq!(canonical(name(&[(CN, 0x16, b"A")])), "cn=#160141");
    }
}
