//! What is wrong with a certificate's encoding, kept as facts for the profiles to judge.
//!
//! The stacks disagree about malformed certificates (measured by
//! tests/malformed_differential.rs): OpenSSL reads BER and ignores bytes after a certificate;
//! Go and rustls-webpki read strict DER; Java sits between. x509-parser reads what is DER
//! enough for it; this module notes, from the certificate's own elements (read with der-parser
//! in src/read/asn1.rs), what a strict reader would refuse, and re-wraps the two BER forms
//! OpenSSL and Java read but x509-parser does not (an indefinite or padded outer length, and
//! elements after the extensions) so that their fields can still be shown and judged.

use std::borrow::Cow;

use der_parser::asn1_rs::{Sequence, ToDer};

use crate::read::asn1::{self, Element, Tag};

/// Something about a certificate that the stacks judge differently: each profile decides on it
/// as its stack does (src/profiles).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Bytes follow the certificate's DER (OpenSSL reads the certificate and ignores them).
    TrailingData { bytes: usize },
    /// A length written in a form DER forbids: indefinite, or longer than needed.
    NotDer { part: &'static str },
    /// Elements follow the extensions inside the signed part.
    DataAfterExtensions,
    /// The signature algorithm inside the signed part is not the one outside it.
    SignatureAlgorithmMismatch,
    /// The signature BIT STRING declares unused bits.
    SignatureUnusedBits,
    /// The serial number INTEGER has needless leading bytes.
    SerialNotMinimal,
    /// A name attribute's value is not valid for its string type (a UTF8String that is not
    /// UTF-8, a BMPString of odd length, a PrintableString with other characters…).
    InvalidNameValue {
        field: &'static str,
        problem: String,
    },
    /// A known extension whose value does not decode; the field it carries is left unset.
    UndecodableExtension {
        oid: String,
        name: String,
        critical: bool,
    },
    /// The same extension appears more than once; the first is used.
    DuplicateExtension { oid: String, name: String },
    /// A BOOLEAN TRUE written with a byte other than 0xFF (BER, not DER); read as true.
    BerBoolean {
        oid: String,
        name: String,
        field: &'static str,
    },
    /// A purpose OID written with a padding byte (not minimal); it matches no well-known
    /// purpose byte for byte, though it reads as `purpose`.
    NonMinimalOid {
        oid: String,
        name: String,
        purpose: String,
    },
}

impl Fault {
    /// What is wrong, in words for people.
    pub fn describe(&self) -> String {
        let extension = |oid: &str, name: &str| {
            if name == oid {
                format!("the extension {oid}")
            } else {
                format!("the {name} extension ({oid})")
            }
        };
        match self {
            Self::TrailingData { bytes } => {
                format!("{bytes} bytes follow the end of its DER encoding")
            }
            Self::NotDer { part } => {
                format!("the length of {part} is not in DER's minimal definite form")
            }
            Self::DataAfterExtensions => {
                "its signed part holds data after the extensions".to_owned()
            }
            Self::SignatureAlgorithmMismatch => {
                "the signature algorithm inside its signed part differs from the one outside"
                    .to_owned()
            }
            Self::SignatureUnusedBits => "its signature BIT STRING declares unused bits".to_owned(),
            Self::SerialNotMinimal => {
                "its serial number is written with needless leading bytes".to_owned()
            }
            Self::InvalidNameValue { field, problem } => format!("its {field} has {problem}"),
            Self::UndecodableExtension { oid, name, .. } => {
                format!("{} does not decode", extension(oid, name))
            }
            Self::DuplicateExtension { oid, name } => {
                format!("{} appears more than once", extension(oid, name))
            }
            Self::BerBoolean { oid, name, field } => format!(
                "{} writes its {field} TRUE as a BER boolean (not 0xFF)",
                extension(oid, name)
            ),
            Self::NonMinimalOid { oid, name, purpose } => format!(
                "{} lists {purpose} with a padded (non-minimal) encoding",
                extension(oid, name)
            ),
        }
    }
}

/// A validity date as written: its ASN.1 type and its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeEncoding {
    /// GeneralizedTime (else UTCTime).
    pub generalized: bool,
    pub text: String,
}

/// What the walk over a certificate's elements found.
#[derive(Default)]
pub(crate) struct Walk {
    pub(crate) faults: Vec<Fault>,
    /// The DER x509-parser can read, when the input had to be re-wrapped.
    pub(crate) repaired: Option<Vec<u8>>,
    /// The byte range of the signed part within the input.
    pub(crate) tbs: Option<std::ops::Range<usize>>,
    pub(crate) not_before: TimeEncoding,
    pub(crate) not_after: TimeEncoding,
    /// The critical flags written as BER booleans, by extension OID.
    pub(crate) ber_critical: Vec<String>,
    /// A basicConstraints whose cA is written as a BER boolean.
    pub(crate) ber_ca: bool,
}

/// Is this element's length in DER's form (definite, minimal)?
fn length_is_der(element: &Element<'_>) -> bool {
    let Some(&first) = element.raw.get(1) else {
        return false;
    };
    if first < 0x80 {
        return true;
    }
    let count = usize::from(first & 0x7f);
    let bytes = element.raw.get(2..2 + count).unwrap_or_default();
    count > 0
        && bytes.first().is_some_and(|&b| b != 0)
        && element.data.len() >= 0x80
        && count
            == element
                .data
                .len()
                .to_be_bytes()
                .iter()
                .skip_while(|&&b| b == 0)
                .count()
}

fn time_encoding(element: &Element<'_>) -> TimeEncoding {
    TimeEncoding {
        generalized: asn1::is_universal(element, Tag::GeneralizedTime),
        text: String::from_utf8_lossy(element.data).into_owned(),
    }
}

/// A DER SEQUENCE around `content` (asn1-rs writes the header).
fn der_sequence(content: Vec<u8>) -> Option<Vec<u8>> {
    Sequence::new(Cow::Owned(content)).to_der_vec().ok()
}

/// Walks the certificate in `input`: notes the faults a strict reader refuses, and re-wraps
/// what x509-parser could not read otherwise.
pub(crate) fn walk(input: &[u8]) -> Walk {
    let mut walk = Walk::default();
    let Some((outer, rest)) = asn1::first(input) else {
        return walk;
    };
    if !rest.is_empty() {
        walk.faults.push(Fault::TrailingData { bytes: rest.len() });
    }
    let Some(parts) = asn1::children(&outer) else {
        return walk;
    };
    let [tbs, algorithm, signature] = parts.as_slice() else {
        return walk;
    };
    let outer_is_der = length_is_der(&outer);
    if !outer_is_der {
        walk.faults.push(Fault::NotDer {
            part: "the certificate",
        });
    }
    if !length_is_der(tbs) {
        walk.faults.push(Fault::NotDer {
            part: "its signed part",
        });
    }
    let start = (tbs.raw.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
    walk.tbs = Some(start..start + tbs.raw.len());
    if signature.data.first().is_some_and(|&unused| unused != 0) {
        walk.faults.push(Fault::SignatureUnusedBits);
    }
    let Some(fields) = asn1::children(tbs) else {
        return walk;
    };
    // Without extensions, the fields end with the subject's key and the unique identifiers.
    let expected = fields
        .iter()
        .position(|f| asn1::is_context(f, 3))
        .map_or_else(
            || {
                let base = usize::from(fields.first().is_some_and(|f| asn1::is_context(f, 0)));
                let identifiers = fields
                    .iter()
                    .skip(base + 6)
                    .take_while(|f| asn1::is_context(f, 1) || asn1::is_context(f, 2))
                    .count();
                base + 6 + identifiers
            },
            |at| at + 1,
        );
    let extra = fields.len() > expected;
    if extra {
        walk.faults.push(Fault::DataAfterExtensions);
    }
    read_fields(&fields, algorithm, &mut walk);
    if extra || !outer_is_der {
        let tbs_der = if extra {
            der_sequence(
                fields
                    .iter()
                    .take(expected)
                    .flat_map(|f| f.raw.iter().copied())
                    .collect(),
            )
        } else {
            Some(tbs.raw.to_vec())
        };
        walk.repaired = tbs_der
            .and_then(|tbs| der_sequence([tbs.as_slice(), algorithm.raw, signature.raw].concat()));
    }
    walk
}

/// The fields of the signed part: serial, inner algorithm, dates, critical flags.
fn read_fields(fields: &[Element<'_>], outer_algorithm: &Element<'_>, walk: &mut Walk) {
    let base = usize::from(fields.first().is_some_and(|f| asn1::is_context(f, 0)));
    if let Some(serial) = fields.get(base)
        && asn1::integer_minimal(serial.data).len() != serial.data.len()
    {
        walk.faults.push(Fault::SerialNotMinimal);
    }
    if fields
        .get(base + 1)
        .is_some_and(|inner| inner.raw != outer_algorithm.raw)
    {
        walk.faults.push(Fault::SignatureAlgorithmMismatch);
    }
    if let Some(dates) = fields.get(base + 3).and_then(|v| asn1::children(v))
        && let [not_before, not_after] = dates.as_slice()
    {
        walk.not_before = time_encoding(not_before);
        walk.not_after = time_encoding(not_after);
    }
    let extensions = fields
        .iter()
        .find(|f| asn1::is_context(f, 3))
        .and_then(|wrapper| asn1::explicit(wrapper, 3))
        .and_then(|list| asn1::children(&list))
        .unwrap_or_default();
    let ber = |flag: &Element<'_>| {
        asn1::is_universal(flag, Tag::Boolean) && !matches!(flag.data, [0xff] | [0x00])
    };
    for extension in extensions {
        let parts = asn1::children(&extension).unwrap_or_default();
        let Some(oid) = parts.first().and_then(|o| asn1::oid(o)) else {
            continue;
        };
        if let [_, flag, _] = parts.as_slice()
            && ber(flag)
        {
            walk.ber_critical.push(oid.clone());
        }
        let value = parts
            .last()
            .and_then(|v| asn1::octets(v))
            .unwrap_or_default();
        if oid == "2.5.29.19"
            && asn1::sequence(&value).is_some_and(|items| items.first().is_some_and(ber))
        {
            walk.ber_ca = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_in_der_form_and_not() {
        let element = |bytes: &'static [u8]| asn1::whole(bytes).unwrap();
        assert!(length_is_der(&element(&[0x04, 0x01, 0xaa])));
        assert!(!length_is_der(&element(&[0x04, 0x81, 0x01, 0xaa])));
        assert!(!length_is_der(&element(&[0x30, 0x80, 0x00, 0x00])));
    }
}
