//! Names as OpenSSL prints them, because servers pass OpenSSL's text on: nginx's
//! `$ssl_client_s_dn` is `X509_NAME_print_ex(XN_FLAG_RFC2253)` and its `_legacy` twin
//! `X509_NAME_oneline`; `s_client` lists CA names with `XN_FLAG_ONELINE`; PostgreSQL's
//! `clientname=DN` is RFC 2253 without the escaping of bytes above 0x7f.
//!
//! Written by hand because no crate prints OpenSSL's formats (they are not RFC 4514: UTF-8 is
//! escaped byte by byte, unknown attribute types are dumped as DER); the rules are those of
//! crypto/asn1/a_strex.c (`do_name_ex`, `do_print_ex`, `do_buf`, `do_esc_char`) and
//! crypto/x509/x509_obj.c (`X509_NAME_oneline`), checked against `openssl x509 -nameopt` and
//! a real nginx by the tests.

use x509_parser::der_parser::asn1_rs::{Any, Tag};
use x509_parser::x509::X509Name;

use crate::read::asn1::any_der;
use crate::read::names::parse;

/// OpenSSL's short names (`OBJ_nid2sn`) of the attribute types it knows in names. A type not
/// listed is printed as its dotted OID and, in the RFC 2253 form, its value as `#` and DER.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "street"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "title"),
    ("2.5.4.13", "description"),
    ("2.5.4.14", "searchGuide"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.16", "postalAddress"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.18", "postOfficeBox"),
    ("2.5.4.19", "physicalDeliveryOfficeName"),
    ("2.5.4.20", "telephoneNumber"),
    ("2.5.4.21", "telexNumber"),
    ("2.5.4.22", "teletexTerminalIdentifier"),
    ("2.5.4.23", "facsimileTelephoneNumber"),
    ("2.5.4.24", "x121Address"),
    ("2.5.4.25", "internationaliSDNNumber"),
    ("2.5.4.26", "registeredAddress"),
    ("2.5.4.27", "destinationIndicator"),
    ("2.5.4.28", "preferredDeliveryMethod"),
    ("2.5.4.29", "presentationAddress"),
    ("2.5.4.30", "supportedApplicationContext"),
    ("2.5.4.31", "member"),
    ("2.5.4.32", "owner"),
    ("2.5.4.33", "roleOccupant"),
    ("2.5.4.34", "seeAlso"),
    ("2.5.4.35", "userPassword"),
    ("2.5.4.36", "userCertificate"),
    ("2.5.4.37", "cACertificate"),
    ("2.5.4.38", "authorityRevocationList"),
    ("2.5.4.39", "certificateRevocationList"),
    ("2.5.4.40", "crossCertificatePair"),
    ("2.5.4.41", "name"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.45", "x500UniqueIdentifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.47", "enhancedSearchGuide"),
    ("2.5.4.48", "protocolInformation"),
    ("2.5.4.49", "distinguishedName"),
    ("2.5.4.50", "uniqueMember"),
    ("2.5.4.51", "houseIdentifier"),
    ("2.5.4.52", "supportedAlgorithms"),
    ("2.5.4.53", "deltaRevocationList"),
    ("2.5.4.54", "dmdName"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.72", "role"),
    ("2.5.4.97", "organizationIdentifier"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
    ("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
];

/// One of OpenSSL's ways to print a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameFormat {
    /// `XN_FLAG_RFC2253`: the last RDN first, `,` and `+`, RFC 2253 escapes, every byte above
    /// 0x7f of the UTF-8 as `\XX`, unknown types as `#DER` (nginx `$ssl_client_s_dn`,
    /// `openssl x509 -nameopt RFC2253`).
    Rfc2253,
    /// The same with UTF-8 kept as it is (`XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB`, as
    /// PostgreSQL prints a DN).
    Rfc2253Utf8,
    /// `XN_FLAG_ONELINE`: the certificate's order, `, ` and ` + `, `=` spaced, values needing
    /// escapes quoted instead (`s_client`'s CA names, `openssl x509 -subject`).
    Oneline,
    /// `X509_NAME_oneline`: `/C=FR/O=Example`, bytes outside printable ASCII as `\xXX`
    /// (nginx `$ssl_client_s_dn_legacy`).
    Legacy,
    /// PostgreSQL's `X509_NAME_to_cstring` (pg_stat_ssl, `ssl_client_dn()`): `/type=value`
    /// for every attribute in the certificate's order, each value with the RFC 2253 escapes
    /// but its UTF-8 kept.
    Postgres,
    /// HAProxy's `ssl_sock_get_dn_oneline` (`ssl_c_s_dn`): `/type=value` for every attribute
    /// in the certificate's order, each value's bytes as they are (no escapes at all).
    Raw,
}

/// `raw` (a DER Name) printed as OpenSSL prints it; `None` when it does not parse.
pub fn openssl_name(raw: &[u8], format: NameFormat) -> Option<String> {
    let name = parse(raw)?;
    Some(match format {
        NameFormat::Legacy => legacy(&name),
        NameFormat::Postgres => attributes(&name)
            .into_iter()
            .map(|(_, oid, value)| {
                let short = short_name(&oid).unwrap_or(&oid).to_owned();
                format!(
                    "/{short}={}",
                    print_value(value, NameFormat::Rfc2253Utf8, false)
                )
            })
            .collect(),
        NameFormat::Raw => attributes(&name)
            .into_iter()
            .map(|(_, oid, value)| {
                let short = short_name(&oid).unwrap_or(&oid).to_owned();
                format!("/{short}={}", String::from_utf8_lossy(value.data))
            })
            .collect(),
        _ => print_ex(&name, format),
    })
}

/// The attributes of a name in order, each with whether it starts a new RDN.
fn attributes<'a>(name: &'a X509Name<'a>) -> Vec<(bool, String, &'a Any<'a>)> {
    let mut out = Vec::new();
    for rdn in name.iter_rdn() {
        for (i, attribute) in rdn.iter().enumerate() {
            out.push((
                i == 0,
                crate::read::asn1::dotted(attribute.attr_type()),
                attribute.attr_value(),
            ));
        }
    }
    out
}

fn short_name(oid: &str) -> Option<&'static str> {
    SHORT_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// `X509_NAME_print_ex` (`do_name_ex`) with the flags of `format`.
fn print_ex(name: &X509Name<'_>, format: NameFormat) -> String {
    let mut entries = attributes(name);
    let reverse = format != NameFormat::Oneline;
    // A `+` joins an attribute to the one printed before it when both are in one RDN.
    let mut out = String::new();
    let count = entries.len();
    if reverse {
        // Reversed, an attribute continues an RDN when the one after it (in the certificate's
        // order) did not start a new one.
        let starts: Vec<bool> = entries.iter().map(|e| e.0).collect();
        entries.reverse();
        for (i, entry) in entries.iter_mut().enumerate() {
            let original = count - 1 - i;
            entry.0 = starts
                .get(original + 1)
                .is_none_or(|&next_starts| next_starts);
        }
    }
    let (rdn_separator, plus, equals) = match format {
        NameFormat::Oneline => (", ", " + ", " = "),
        _ => (",", "+", "="),
    };
    for (i, (starts, oid, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(if *starts { rdn_separator } else { plus });
        }
        let known = short_name(oid);
        out.push_str(known.unwrap_or(oid));
        out.push_str(equals);
        let dump = known.is_none() && format != NameFormat::Oneline;
        out.push_str(&print_value(value, format, dump));
    }
    out
}

/// Bytes per character of a string type for `do_print_ex` (`tag2nbyte`): `Some(0)` for
/// UTF8String, `None` for a value that is not a string (dumped).
fn bytes_per_char(tag: Tag) -> Option<usize> {
    match tag {
        Tag::Utf8String => Some(0),
        Tag::NumericString
        | Tag::PrintableString
        | Tag::TeletexString
        | Tag::Ia5String
        | Tag::UtcTime
        | Tag::GeneralizedTime
        | Tag::VisibleString => Some(1),
        Tag::UniversalString => Some(4),
        Tag::BmpString => Some(2),
        _ => None,
    }
}

/// One value (`do_print_ex` with `ASN1_STRFLGS_RFC2253`, plus `ESC_QUOTE` for the one-line
/// form, minus `ESC_MSB` for the UTF-8 form).
fn print_value(value: &Any<'_>, format: NameFormat, dump_unknown_field: bool) -> String {
    let width = bytes_per_char(value.tag());
    let Some(width) = width.filter(|_| !dump_unknown_field) else {
        return format!("#{}", crate::read::names::hex(&any_der(value)));
    };
    // UTF8String is read one byte per character (converting it again would do nothing);
    // the others are decoded and each character written as UTF-8.
    let characters: Vec<u32> = match width {
        0 | 1 => value.data.iter().map(|&b| u32::from(b)).collect(),
        n => value
            .data
            .chunks(n)
            .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
            .collect(),
    };
    let convert = width != 0;
    let escape_msb = format != NameFormat::Rfc2253Utf8;
    let quote = format == NameFormat::Oneline;
    let mut body = String::new();
    let mut quotes = false;
    let mut bytes: Vec<u8> = Vec::new();
    for (i, &c) in characters.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == characters.len();
        if convert && c > 0x7f {
            let mut utf8 = [0u8; 4];
            let encoded =
                char::from_u32(c).map_or(&[][..], |ch| ch.encode_utf8(&mut utf8).as_bytes());
            for &byte in encoded {
                escape_byte(
                    byte,
                    false,
                    false,
                    escape_msb,
                    quote,
                    &mut quotes,
                    &mut bytes,
                );
            }
        } else {
            let byte = u8::try_from(c).unwrap_or(b'?');
            escape_byte(
                byte,
                first,
                last,
                escape_msb,
                quote,
                &mut quotes,
                &mut bytes,
            );
        }
    }
    body.push_str(&String::from_utf8_lossy(&bytes));
    if quotes { format!("\"{body}\"") } else { body }
}

/// `do_esc_char` for one byte under `ASN1_STRFLGS_RFC2253`: the RFC 2253 specials escaped
/// with a backslash (or, with `quote`, the value quoted, a `"` still escaped), a leading `#` or space and a
/// trailing space escaped, controls and (with `escape_msb`) bytes above 0x7f as `\XX`, and the
/// backslash itself doubled.
fn escape_byte(
    byte: u8,
    first: bool,
    last: bool,
    escape_msb: bool,
    quote: bool,
    quotes: &mut bool,
    out: &mut Vec<u8>,
) {
    let special = b",+\"<>;".contains(&byte)
        || (first && (byte == b'#' || byte == b' '))
        || (last && byte == b' ');
    if special {
        // A double quote is escaped even where the value is quoted instead.
        if quote && byte != b'"' {
            *quotes = true;
            out.push(byte);
        } else {
            out.push(b'\\');
            out.push(byte);
        }
        return;
    }
    let control = byte < 0x20 || byte == 0x7f;
    if control || (byte > 0x7f && escape_msb) {
        out.extend(format!("\\{byte:02X}").into_bytes());
        return;
    }
    if byte == b'\\' {
        out.extend_from_slice(b"\\\\");
        return;
    }
    out.push(byte);
}

/// `X509_NAME_oneline`: `/type=value` per attribute (`+` inside an RDN), each byte outside
/// printable ASCII as `\xXX`, a `/` or `+` in a value escaped with a backslash, a UniversalString-like value whose first three bytes of every
/// four are zero printed from its fourth bytes only.
fn legacy(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for (starts, oid, value) in attributes(name) {
        out.push(if starts { '/' } else { '+' });
        out.push_str(short_name(&oid).unwrap_or(&oid));
        out.push('=');
        let data = value.data;
        let general = value.tag() == Tag::GeneralString && data.len().is_multiple_of(4);
        let only_fourth = general && data.iter().enumerate().all(|(i, &b)| i % 4 == 3 || b == 0);
        for (i, &byte) in data.iter().enumerate() {
            if only_fourth && i % 4 != 3 {
                continue;
            }
            match byte {
                b'/' | b'+' => {
                    out.push('\\');
                    out.push(char::from(byte));
                }
                b' '..=b'~' => out.push(char::from(byte)),
                _ => out.push_str(&format!("\\x{byte:02X}")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag, u8::try_from(content.len()).unwrap()];
        out.extend_from_slice(content);
        out
    }

    fn attribute(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
        tlv(0x30, &[tlv(0x06, oid), tlv(tag, value)].concat())
    }

    /// `/C=FR/O=Exémple, Inc/CN=alice+UID=42`, as `openssl req -utf8 -subj` writes it.
    fn name() -> Vec<u8> {
        let c = attribute(&[0x55, 0x04, 0x06], 0x13, b"FR");
        let o = attribute(&[0x55, 0x04, 0x0a], 0x0c, "Exémple, Inc".as_bytes());
        let cn = attribute(&[0x55, 0x04, 0x03], 0x0c, b"alice");
        let uid = attribute(
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
            0x0c,
            b"42",
        );
        tlv(
            0x30,
            &[tlv(0x31, &c), tlv(0x31, &o), tlv(0x31, &[cn, uid].concat())].concat(),
        )
    }

    #[test]
    fn a_name_prints_as_nginx_and_openssl_printed_it() {
        // nginx 1.22 with OpenSSL 3.0: $ssl_client_s_dn and $ssl_client_s_dn_legacy.
        let raw = name();
        assert_eq!(
            openssl_name(&raw, NameFormat::Rfc2253).unwrap(),
            r"UID=42+CN=alice,O=Ex\C3\A9mple\, Inc,C=FR"
        );
        assert_eq!(
            openssl_name(&raw, NameFormat::Legacy).unwrap(),
            r"/C=FR/O=Ex\xC3\xA9mple, Inc/CN=alice+UID=42"
        );
        // `openssl x509 -subject` (XN_FLAG_ONELINE).
        assert_eq!(
            openssl_name(&raw, NameFormat::Oneline).unwrap(),
            r#"C = FR, O = "Ex\C3\A9mple, Inc", CN = alice + UID = 42"#
        );
        assert_eq!(
            openssl_name(&raw, NameFormat::Rfc2253Utf8).unwrap(),
            r"UID=42+CN=alice,O=Exémple\, Inc,C=FR"
        );
    }

    #[test]
    fn the_one_line_form_quotes_values_with_specials() {
        let o = attribute(&[0x55, 0x04, 0x0a], 0x13, b"Example, Inc.");
        let cn = attribute(&[0x55, 0x04, 0x03], 0x0c, "Café".as_bytes());
        let raw = tlv(0x30, &[tlv(0x31, &o), tlv(0x31, &cn)].concat());
        assert_eq!(
            openssl_name(&raw, NameFormat::Oneline).unwrap(),
            "O = \"Example, Inc.\", CN = Caf\\C3\\A9"
        );
    }
}
