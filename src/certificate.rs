//! Owned summaries of certificates and CRLs.
//!
//! Certificates and CRLs are read here with the crate's own panic-free DER reader (x509-parser
//! weighed 23 KB gzipped in the page); everything returned is owned and cheap to pass to the
//! chain builder, the profiles, the report and the page. The verdicts themselves come from
//! rustls-webpki and the profiles' rules; this reader only has to describe.

use crate::der::{self, Tlv, tag};
use crate::keys::{self, KeyAlgorithm, PublicValue};
use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch; validation times and certificate dates.
pub type Timestamp = i64;

/// Which input a certificate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// What the client presents.
    Client,
    /// The server's trusted CAs.
    Trust,
}

/// A signature hash, for judging algorithm strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// EdDSA signs without a separate hash.
    Intrinsic,
    Unknown,
}

/// The signature algorithm a certificate or CRL is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    pub oid: String,
    pub name: String,
    pub hash: Hash,
    /// The DER of the AlgorithmIdentifier parameters (RSASSA-PSS needs them).
    pub parameters: Vec<u8>,
}

/// Key usage bits (RFC 5280 4.2.1.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyUsage {
    pub digital_signature: bool,
    pub non_repudiation: bool,
    pub key_encipherment: bool,
    pub data_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
}

impl KeyUsage {
    /// The names of the bits set, in RFC order, as OpenSSL prints them.
    pub fn names(&self) -> Vec<&'static str> {
        let bits = [
            (self.digital_signature, "digitalSignature"),
            (self.non_repudiation, "nonRepudiation"),
            (self.key_encipherment, "keyEncipherment"),
            (self.data_encipherment, "dataEncipherment"),
            (self.key_agreement, "keyAgreement"),
            (self.key_cert_sign, "keyCertSign"),
            (self.crl_sign, "cRLSign"),
        ];
        bits.iter()
            .filter(|(set, _)| *set)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// Extended key usage (RFC 5280 4.2.1.12).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtendedKeyUsage {
    pub any: bool,
    pub server_auth: bool,
    pub client_auth: bool,
    /// Every purpose by name (well-known ones) or dotted OID.
    pub purposes: Vec<String>,
}

/// Basic constraints (RFC 5280 4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

/// One extension as shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub oid: String,
    pub name: String,
    pub critical: bool,
    /// A one-line decoded value, or a note that it could not be decoded.
    pub value: String,
}

/// Name constraints, kept as display strings per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameConstraints {
    pub permitted: Vec<String>,
    pub excluded: Vec<String>,
}

/// An owned, parsed certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub der: Vec<u8>,
    pub subject: String,
    pub issuer: String,
    pub subject_raw: Vec<u8>,
    pub issuer_raw: Vec<u8>,
    /// The first common name, for short labels.
    pub common_name: Option<String>,
    pub serial: String,
    pub serial_raw: Vec<u8>,
    /// 1, 2 or 3.
    pub version: u32,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub key: KeyAlgorithm,
    pub public_value: PublicValue,
    /// The SubjectPublicKeyInfo's key bits and algorithm parameters, for signature checks.
    pub spki_key: Vec<u8>,
    pub spki_parameters_oid: Option<String>,
    pub signature_algorithm: SignatureAlgorithm,
    pub signature: Vec<u8>,
    /// Byte range of tbsCertificate within `der`.
    pub tbs: std::ops::Range<usize>,
    pub basic_constraints: Option<BasicConstraints>,
    pub key_usage: Option<KeyUsage>,
    pub extended_key_usage: Option<ExtendedKeyUsage>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    pub subject_alt_names: Vec<String>,
    pub name_constraints: Option<NameConstraints>,
    pub extensions: Vec<Extension>,
    pub sha256: String,
    pub sha1: String,
}

/// Why a certificate could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl Certificate {
    /// Parses one DER certificate. Trailing bytes are an error, as they are for webpki.
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        parse_certificate(der)
            .map_err(|reason| ParseError(format!("not a valid certificate: {reason}")))
    }

    /// A short label: the common name, else the whole subject.
    pub fn label(&self) -> String {
        match &self.common_name {
            Some(cn) => format!("CN={cn}"),
            None if self.subject.is_empty() => format!("serial {}", self.serial),
            None => self.subject.clone(),
        }
    }

    pub fn tbs_bytes(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    pub fn is_self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|bc| bc.ca)
    }

    /// Is the certificate valid at `time`?
    pub fn is_valid_at(&self, time: Timestamp) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    /// The names of critical extensions, by OID.
    pub fn critical_extension_oids(&self) -> impl Iterator<Item = &str> {
        self.extensions
            .iter()
            .filter(|e| e.critical)
            .map(|e| e.oid.as_str())
    }
}

/// Why a part of a certificate or CRL does not parse, in words for users.
type Reason = &'static str;

const TRUNCATED: Reason = "its DER structure is invalid (truncated, cut off or not DER)";

/// The children of a SEQUENCE (or other constructed element) `tlv` must have `tag`.
fn children_of<'a>(tlv: &Tlv<'a>, expected: u8, reason: Reason) -> Result<Vec<Tlv<'a>>, Reason> {
    if tlv.tag != expected {
        return Err(reason);
    }
    der::children(tlv.value).ok_or(reason)
}

/// Reads fields in order, with optional ones recognised by tag.
struct Fields<'a> {
    items: std::vec::IntoIter<Tlv<'a>>,
    next: Option<Tlv<'a>>,
}

impl<'a> Fields<'a> {
    fn new(items: Vec<Tlv<'a>>) -> Self {
        let mut items = items.into_iter();
        let next = items.next();
        Self { items, next }
    }

    fn take(&mut self, expected: u8, reason: Reason) -> Result<Tlv<'a>, Reason> {
        self.optional(expected).ok_or(reason)
    }

    fn optional(&mut self, expected: u8) -> Option<Tlv<'a>> {
        let current = self.next.filter(|t| t.tag == expected)?;
        self.next = self.items.next();
        Some(current)
    }

    fn any(&mut self, reason: Reason) -> Result<Tlv<'a>, Reason> {
        let current = self.next.ok_or(reason)?;
        self.next = self.items.next();
        Ok(current)
    }

    fn finish(&self, reason: Reason) -> Result<(), Reason> {
        match self.next {
            None => Ok(()),
            Some(_) => Err(reason),
        }
    }
}

/// The contents of a BIT STRING after its unused-bits byte.
fn bit_string<'a>(tlv: &Tlv<'a>, reason: Reason) -> Result<&'a [u8], Reason> {
    match tlv.value.split_first() {
        Some((&unused, bits)) if tlv.tag == tag::BIT_STRING && unused < 8 => Ok(bits),
        _ => Err(reason),
    }
}

/// An AlgorithmIdentifier: its OID and the DER of its parameters.
fn algorithm_identifier(tlv: &Tlv<'_>) -> Result<(String, Vec<u8>), Reason> {
    const BAD: Reason = "its signature algorithm is malformed";
    let parts = children_of(tlv, tag::SEQUENCE, BAD)?;
    match parts.as_slice() {
        [oid] if oid.tag == tag::OID => Ok((der::oid_to_string(oid.value), Vec::new())),
        [oid, parameters] if oid.tag == tag::OID => {
            Ok((der::oid_to_string(oid.value), parameters.raw.to_vec()))
        }
        _ => Err(BAD),
    }
}

/// UTCTime or GeneralizedTime (RFC 5280 4.1.2.5: Zulu, with seconds) to a timestamp.
fn parse_time(tlv: &Tlv<'_>) -> Result<Timestamp, Reason> {
    const BAD: Reason = "its validity dates are not valid times";
    let text = std::str::from_utf8(tlv.value).map_err(|_| BAD)?;
    let full = match tlv.tag {
        tag::UTC_TIME if text.len() == 13 => {
            let year: i64 = text.get(..2).and_then(|y| y.parse().ok()).ok_or(BAD)?;
            let century = if year < 50 { "20" } else { "19" };
            format!("{century}{text}")
        }
        tag::GENERALIZED_TIME if text.len() >= 15 => text.to_owned(),
        _ => return Err(BAD),
    };
    // YYYYMMDDHHMMSS[.fff]Z → RFC 3339
    let field = |range: std::ops::Range<usize>| full.get(range).ok_or(BAD);
    let fraction = full
        .get(14..full.len().saturating_sub(1))
        .unwrap_or_default();
    if !full.ends_with('Z')
        || !(fraction.is_empty()
            || (fraction.len() > 1
                && fraction.starts_with('.')
                && fraction[1..].bytes().all(|b| b.is_ascii_digit())))
    {
        return Err(BAD);
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        field(0..4)?,
        field(4..6)?,
        field(6..8)?,
        field(8..10)?,
        field(10..12)?,
        field(12..14)?
    );
    crate::rfc3339::parse(&rfc3339).ok_or(BAD)
}

/// The text of a directory string of any of the usual types; `None` for other types.
fn directory_string(tlv: &Tlv<'_>) -> Option<String> {
    match tlv.tag {
        // UTF8String, NumericString, PrintableString, TeletexString, IA5String, VisibleString
        0x0c | 0x12 | 0x13 | 0x14 | 0x16 | 0x1a => String::from_utf8(tlv.value.to_vec()).ok(),
        // BMPString: UTF-16BE
        0x1e if tlv.value.len().is_multiple_of(2) => {
            let units = tlv.value.chunks_exact(2).map(|pair| {
                u16::from_be_bytes([
                    pair.first().copied().unwrap_or(0),
                    pair.get(1).copied().unwrap_or(0),
                ])
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString: UTF-32BE
        0x1c if tlv.value.len().is_multiple_of(4) => tlv
            .value
            .chunks_exact(4)
            .map(|c| {
                let bytes: [u8; 4] = c.try_into().ok()?;
                char::from_u32(u32::from_be_bytes(bytes))
            })
            .collect(),
        _ => None,
    }
}

/// The short name of a distinguished-name attribute, as OpenSSL prints it (`Email` for the
/// e-mail address; OpenSSL's one-line form says `emailAddress`).
pub(crate) fn attribute_name(oid: &str) -> &str {
    match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.5" => "serialNumber",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.12" => "title",
        "2.5.4.17" => "postalCode",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "Email",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        other => other,
    }
}

/// A distinguished name as text, in OpenSSL's one-line order (`O=Example, CN=alice`), and its
/// first common name.
fn parse_name(tlv: &Tlv<'_>) -> Result<(String, Option<String>), Reason> {
    const BAD: Reason = "a name (subject or issuer) is malformed";
    let mut common_name = None;
    let mut rdns = Vec::new();
    for rdn in children_of(tlv, tag::SEQUENCE, BAD)? {
        let mut attributes = Vec::new();
        for attribute in children_of(&rdn, 0x31, BAD)? {
            let [kind, value] = children_of(&attribute, tag::SEQUENCE, BAD)?[..] else {
                return Err(BAD);
            };
            if kind.tag != tag::OID {
                return Err(BAD);
            }
            let oid = der::oid_to_string(kind.value);
            let text = directory_string(&value);
            if oid == "2.5.4.3" && common_name.is_none() {
                common_name.clone_from(&text);
            }
            let text = text.unwrap_or_else(|| format!("#{}", hex(value.raw, "")));
            attributes.push(format!("{}={text}", attribute_name(&oid)));
        }
        rdns.push(attributes.join(" + "));
    }
    Ok((rdns.join(", "), common_name))
}

/// Formats a DER Name (e.g. a certificate's `subject_raw`) as text.
pub fn name_to_string(raw: &[u8]) -> String {
    der::read_all(raw)
        .and_then(|tlv| parse_name(&tlv).ok())
        .map_or_else(|| format!("#{}", hex(raw, "")), |(text, _)| text)
}

fn hex(bytes: &[u8], separator: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Formats bytes as colon-separated upper-case hex, the way OpenSSL prints serials and key ids.
pub fn colon_hex(bytes: &[u8]) -> String {
    hex(bytes, ":")
}

fn offset_of(outer: &[u8], inner: &[u8]) -> std::ops::Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    let end = start.saturating_add(inner.len()).min(outer.len());
    start.min(end)..end
}

/// The outer `SEQUENCE { tbs, signatureAlgorithm, signatureValue }` of a certificate or CRL.
fn signed<'a>(der_bytes: &'a [u8]) -> Result<(Tlv<'a>, SignatureAlgorithm, &'a [u8]), Reason> {
    let (outer, rest) = der::read(der_bytes).ok_or(TRUNCATED)?;
    if !rest.is_empty() {
        return Err("bytes follow its end");
    }
    let parts = children_of(&outer, tag::SEQUENCE, TRUNCATED)?;
    let [tbs, algorithm, signature] = parts[..] else {
        return Err(TRUNCATED);
    };
    if tbs.tag != tag::SEQUENCE {
        return Err(TRUNCATED);
    }
    let (oid, parameters) = algorithm_identifier(&algorithm)?;
    let signature = bit_string(&signature, "its signature is malformed")?;
    Ok((tbs, signature_algorithm(&oid, parameters), signature))
}

fn parse_certificate(der_bytes: &[u8]) -> Result<Certificate, Reason> {
    let (tbs, signature_algorithm, signature) = signed(der_bytes)?;
    let mut fields = Fields::new(der::children(tbs.value).ok_or(TRUNCATED)?);
    let version = match fields.optional(tag::CONTEXT_0) {
        Some(explicit) => der::read_all(explicit.value)
            .filter(|v| v.tag == tag::INTEGER && v.value.len() == 1)
            .and_then(|v| v.value.first().copied())
            .filter(|&v| v <= 2)
            .ok_or("its version field is invalid")?,
        None => 0,
    };
    let serial = fields.take(tag::INTEGER, "its serial number is invalid")?;
    if serial.value.is_empty() {
        return Err("its serial number is invalid");
    }
    fields.take(tag::SEQUENCE, "its signature algorithm is malformed")?;
    let issuer = fields.take(tag::SEQUENCE, "a name (subject or issuer) is malformed")?;
    let validity = fields.take(tag::SEQUENCE, "its validity dates are not valid times")?;
    let subject = fields.take(tag::SEQUENCE, "a name (subject or issuer) is malformed")?;
    let spki = fields.take(tag::SEQUENCE, "its public key is malformed")?;
    fields.optional(0x81); // issuerUniqueID
    fields.optional(0x82); // subjectUniqueID
    let extensions = fields.optional(0xa3);
    fields.finish(TRUNCATED)?;

    let [not_before, not_after] = children_of(&validity, tag::SEQUENCE, TRUNCATED)?[..] else {
        return Err("its validity dates are not valid times");
    };
    let (subject_text, common_name) = parse_name(&subject)?;
    let (issuer_text, _) = parse_name(&issuer)?;
    let (key, public_value, spki_key, spki_parameters_oid) = parse_spki(&spki)?;
    let mut summary = Certificate {
        der: der_bytes.to_vec(),
        subject: subject_text,
        issuer: issuer_text,
        subject_raw: subject.raw.to_vec(),
        issuer_raw: issuer.raw.to_vec(),
        common_name,
        serial: colon_hex(serial.value),
        serial_raw: serial.value.to_vec(),
        version: u32::from(version) + 1,
        not_before: parse_time(&not_before)?,
        not_after: parse_time(&not_after)?,
        key,
        public_value,
        spki_key,
        spki_parameters_oid,
        signature_algorithm,
        signature: signature.to_vec(),
        tbs: offset_of(der_bytes, tbs.raw),
        basic_constraints: None,
        key_usage: None,
        extended_key_usage: None,
        subject_key_id: None,
        authority_key_id: None,
        subject_alt_names: Vec::new(),
        name_constraints: None,
        extensions: Vec::new(),
        sha256: hex(
            ring::digest::digest(&ring::digest::SHA256, der_bytes).as_ref(),
            ":",
        ),
        sha1: hex(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der_bytes).as_ref(),
            ":",
        ),
    };
    if let Some(extensions) = extensions {
        const BAD: Reason = "an extension is malformed or repeated";
        let list = der::read_all(extensions.value).ok_or(BAD)?;
        for extension in children_of(&list, tag::SEQUENCE, BAD)? {
            let mut parts = Fields::new(children_of(&extension, tag::SEQUENCE, BAD)?);
            let oid = der::oid_to_string(parts.take(tag::OID, BAD)?.value);
            let critical = match parts.optional(0x01) {
                Some(flag) => flag.value == [0xff],
                None => false,
            };
            let value = parts.take(tag::OCTET_STRING, BAD)?;
            parts.finish(BAD)?;
            if summary.extensions.iter().any(|e| e.oid == oid) {
                return Err(BAD);
            }
            let text = describe_extension(&oid, value.value, &mut summary)
                .unwrap_or_else(|| "could not be decoded".to_owned());
            summary.extensions.push(Extension {
                name: extension_name(&oid),
                oid,
                critical,
                value: text,
            });
        }
    }
    Ok(summary)
}

/// The key's algorithm, its public value, the key bits and the curve OID.
fn parse_spki(
    spki: &Tlv<'_>,
) -> Result<(KeyAlgorithm, PublicValue, Vec<u8>, Option<String>), Reason> {
    const BAD: Reason = "its public key is malformed";
    let [algorithm, key] = children_of(spki, tag::SEQUENCE, BAD)?[..] else {
        return Err(BAD);
    };
    let parts = children_of(&algorithm, tag::SEQUENCE, BAD)?;
    let oid = parts
        .first()
        .filter(|o| o.tag == tag::OID)
        .map(|o| der::oid_to_string(o.value))
        .ok_or(BAD)?;
    let parameters_oid = parts
        .get(1)
        .filter(|p| p.tag == tag::OID)
        .map(|p| der::oid_to_string(p.value));
    let bits = bit_string(&key, BAD)?;
    let point = || PublicValue::Point(bits.to_vec());
    let (algorithm, value) = match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let modulus = der::read_all(bits)
                .filter(|k| k.tag == tag::SEQUENCE)
                .and_then(|k| der::children(k.value))
                .and_then(|parts| {
                    parts
                        .first()
                        .filter(|m| m.tag == tag::INTEGER)
                        .map(|m| der::unsigned(m.value).to_vec())
                });
            match modulus {
                Some(modulus) => (
                    KeyAlgorithm::Rsa {
                        bits: der::bit_length(&modulus),
                    },
                    PublicValue::RsaModulus(modulus),
                ),
                None => (KeyAlgorithm::Rsa { bits: 0 }, PublicValue::Unknown),
            }
        }
        "1.2.840.10045.2.1" => (
            KeyAlgorithm::Ec {
                curve: keys::curve_name(parameters_oid.as_deref().unwrap_or("unknown curve")),
            },
            point(),
        ),
        "1.3.101.112" => (KeyAlgorithm::Ed25519, point()),
        "1.3.101.113" => (KeyAlgorithm::Ed448, point()),
        other => (
            KeyAlgorithm::Other {
                oid: algorithm_name(other),
            },
            point(),
        ),
    };
    Ok((algorithm, value, bits.to_vec(), parameters_oid))
}

/// A GeneralName as OpenSSL prints it (`DNS:example.com`).
fn general_name(tlv: &Tlv<'_>) -> String {
    let text = || String::from_utf8_lossy(tlv.value).into_owned();
    match tlv.tag {
        0x81 => format!("email:{}", text()),
        0x82 => format!("DNS:{}", text()),
        0x86 => format!("URI:{}", text()),
        0x87 => format!("IP:{}", ip_address(tlv.value)),
        0xa4 => format!(
            "DirName:{}",
            der::read_all(tlv.value)
                .map_or_else(|| "(invalid name)".to_owned(), |n| name_to_string(n.raw))
        ),
        0x88 => format!("RID:{}", der::oid_to_string(tlv.value)),
        0xa0 => {
            let oid = der::children(tlv.value).and_then(|parts| {
                parts
                    .first()
                    .filter(|o| o.tag == tag::OID)
                    .map(|o| der::oid_to_string(o.value))
            });
            format!("othername:{}", oid.unwrap_or_default())
        }
        0xa3 => "X400Address".into(),
        0xa5 => "EDIPartyName".into(),
        _ => "(invalid name)".into(),
    }
}

/// `GeneralNames ::= SEQUENCE OF GeneralName`, or the same list implicitly tagged.
fn general_names(list: &[u8]) -> Option<Vec<String>> {
    Some(der::children(list)?.iter().map(general_name).collect())
}

fn sequence_of(value: &[u8]) -> Option<Vec<Tlv<'_>>> {
    der::read_all(value)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
}

fn small_number(tlv: &Tlv<'_>) -> Option<u32> {
    let value = der::unsigned(tlv.value);
    if value.len() > 4 || tlv.value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    Some(value.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Reads a known extension into `summary` and describes it in one line; `None` when its value
/// does not decode (the extension is then shown as such, and its field stays unset).
fn describe_extension(oid: &str, value: &[u8], summary: &mut Certificate) -> Option<String> {
    let described = match oid {
        "2.5.29.19" => {
            let parts = sequence_of(value)?;
            let mut fields = Fields::new(parts);
            let ca = fields
                .optional(0x01)
                .is_some_and(|flag| flag.value == [0xff]);
            let path_len = match fields.optional(tag::INTEGER) {
                Some(n) => Some(small_number(&n)?),
                None => None,
            };
            fields.finish("").ok()?;
            summary.basic_constraints = Some(BasicConstraints { ca, path_len });
            match (ca, path_len) {
                (true, Some(len)) => format!("CA:TRUE, pathlen:{len}"),
                (true, None) => "CA:TRUE".into(),
                (false, _) => "CA:FALSE".into(),
            }
        }
        "2.5.29.15" => {
            let tlv = der::read_all(value)?;
            let bits = bit_string(&tlv, "").ok()?;
            let bit = |n: usize| bits.get(n / 8).is_some_and(|b| b & (0x80 >> (n % 8)) != 0);
            let usage = KeyUsage {
                digital_signature: bit(0),
                non_repudiation: bit(1),
                key_encipherment: bit(2),
                data_encipherment: bit(3),
                key_agreement: bit(4),
                key_cert_sign: bit(5),
                crl_sign: bit(6),
            };
            summary.key_usage = Some(usage);
            usage.names().join(", ")
        }
        "2.5.29.37" => {
            let oids: Vec<String> = sequence_of(value)?
                .iter()
                .map(|o| (o.tag == tag::OID).then(|| der::oid_to_string(o.value)))
                .collect::<Option<_>>()?;
            let has = |o: &str| oids.iter().any(|x| x == o);
            let named = [
                ("2.5.29.37.0", "anyExtendedKeyUsage"),
                ("1.3.6.1.5.5.7.3.1", "serverAuth"),
                ("1.3.6.1.5.5.7.3.2", "clientAuth"),
                ("1.3.6.1.5.5.7.3.3", "codeSigning"),
                ("1.3.6.1.5.5.7.3.4", "emailProtection"),
                ("1.3.6.1.5.5.7.3.8", "timeStamping"),
                ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
            ];
            let mut purposes: Vec<String> = named
                .iter()
                .filter(|(o, _)| has(o))
                .map(|(_, n)| (*n).to_owned())
                .collect();
            purposes.extend(
                oids.iter()
                    .filter(|o| !named.iter().any(|(n, _)| n == o))
                    .cloned(),
            );
            let text = purposes.join(", ");
            summary.extended_key_usage = Some(ExtendedKeyUsage {
                any: has("2.5.29.37.0"),
                server_auth: has("1.3.6.1.5.5.7.3.1"),
                client_auth: has("1.3.6.1.5.5.7.3.2"),
                purposes,
            });
            text
        }
        "2.5.29.14" => {
            let id = der::read_all(value).filter(|t| t.tag == tag::OCTET_STRING)?;
            summary.subject_key_id = Some(id.value.to_vec());
            colon_hex(id.value)
        }
        "2.5.29.35" => {
            let parts = sequence_of(value)?;
            let id = parts.iter().find(|p| p.tag == 0x80);
            summary.authority_key_id = id.map(|id| id.value.to_vec());
            id.map_or_else(|| "(no key identifier)".into(), |id| colon_hex(id.value))
        }
        "2.5.29.17" | "2.5.29.18" => {
            let list = der::read_all(value).filter(|t| t.tag == tag::SEQUENCE)?;
            let names = general_names(list.value)?;
            let text = names.join(", ");
            if oid == "2.5.29.17" {
                summary.subject_alt_names = names;
            }
            text
        }
        "2.5.29.30" => {
            let mut constraints = NameConstraints::default();
            for subtrees in sequence_of(value)? {
                let bases = der::children(subtrees.value)?
                    .iter()
                    .map(|subtree| {
                        let base = *der::children(subtree.value)?.first()?;
                        Some(general_name(&base))
                    })
                    .collect::<Option<Vec<_>>>()?;
                match subtrees.tag {
                    0xa0 => constraints.permitted = bases,
                    0xa1 => constraints.excluded = bases,
                    _ => return None,
                }
            }
            let text = format!(
                "permitted: [{}]; excluded: [{}]",
                constraints.permitted.join(", "),
                constraints.excluded.join(", ")
            );
            summary.name_constraints = Some(constraints);
            text
        }
        "2.5.29.31" => {
            let mut names = Vec::new();
            for point in sequence_of(value)? {
                let name = der::children(point.value)?
                    .into_iter()
                    .find(|p| p.tag == 0xa0)
                    .and_then(|p| der::read_all(p.value));
                match name {
                    Some(full) if full.tag == 0xa0 => names.extend(general_names(full.value)?),
                    _ => names.push("(relative name)".to_owned()),
                }
            }
            names.join(", ")
        }
        "1.3.6.1.5.5.7.1.1" | "1.3.6.1.5.5.7.1.11" => sequence_of(value)?
            .iter()
            .map(|description| {
                let [method, location] = der::children(description.value)?[..] else {
                    return None;
                };
                let location = general_name(&location);
                Some(if oid == "1.3.6.1.5.5.7.1.1" {
                    format!(
                        "{} {location}",
                        access_method(&der::oid_to_string(method.value))
                    )
                } else {
                    location
                })
            })
            .collect::<Option<Vec<_>>>()?
            .join(", "),
        "2.5.29.32" => sequence_of(value)?
            .iter()
            .map(|policy| {
                let id = *der::children(policy.value)?.first()?;
                (id.tag == tag::OID).then(|| der::oid_to_string(id.value))
            })
            .collect::<Option<Vec<_>>>()?
            .join(", "),
        "2.5.29.36" => sequence_of(value)?
            .iter()
            .map(|part| {
                let name = match part.tag {
                    0x80 => "requireExplicitPolicy",
                    0x81 => "inhibitPolicyMapping",
                    _ => return None,
                };
                Some(format!("{name}:{}", small_number(part)?))
            })
            .collect::<Option<Vec<_>>>()?
            .join(", "),
        "2.5.29.54" => {
            let count = der::read_all(value).filter(|t| t.tag == tag::INTEGER)?;
            format!("skipCerts:{}", small_number(&count)?)
        }
        "2.5.29.33" => format!("{} policy mappings", sequence_of(value)?.len()),
        "2.16.840.1.113730.1.13" => directory_string(&der::read_all(value)?)?,
        _ => format!("{} bytes, not decoded", value.len()),
    };
    Some(described)
}

fn parse_crl(der_bytes: &[u8]) -> Result<Crl, Reason> {
    let (tbs, signature_algorithm, signature) = signed(der_bytes)?;
    let mut fields = Fields::new(der::children(tbs.value).ok_or(TRUNCATED)?);
    if let Some(version) = fields.optional(tag::INTEGER)
        && version.value != [1]
    {
        return Err("its version field is invalid");
    }
    fields.take(tag::SEQUENCE, "its signature algorithm is malformed")?;
    let issuer = fields.take(tag::SEQUENCE, "its issuer name is malformed")?;
    let this_update = parse_time(&fields.any("its dates are not valid times")?)?;
    let next_update = match fields
        .next
        .filter(|t| t.tag == tag::UTC_TIME || t.tag == tag::GENERALIZED_TIME)
    {
        Some(time) => {
            fields.any(TRUNCATED)?;
            Some(parse_time(&time)?)
        }
        None => None,
    };
    let mut revoked = Vec::new();
    if let Some(list) = fields.optional(tag::SEQUENCE) {
        for entry in der::children(list.value).ok_or(TRUNCATED)? {
            let parts = children_of(&entry, tag::SEQUENCE, "a revoked entry is malformed")?;
            let serial = parts
                .first()
                .filter(|s| s.tag == tag::INTEGER)
                .ok_or("a revoked entry is malformed")?;
            revoked.push(der::unsigned(serial.value).to_vec());
        }
    }
    let mut authority_key_id = None;
    if let Some(extensions) = fields.optional(tag::CONTEXT_0) {
        let list = der::read_all(extensions.value).ok_or(TRUNCATED)?;
        for extension in children_of(&list, tag::SEQUENCE, TRUNCATED)? {
            let parts = children_of(&extension, tag::SEQUENCE, TRUNCATED)?;
            let is_aki = parts.first().is_some_and(|o| o.value == [0x55, 0x1d, 0x23]);
            if let (true, Some(value)) = (is_aki, parts.last()) {
                authority_key_id = sequence_of(value.value)
                    .and_then(|p| p.into_iter().find(|p| p.tag == 0x80))
                    .map(|id| id.value.to_vec());
            }
        }
    }
    fields.finish(TRUNCATED)?;
    Ok(Crl {
        der: der_bytes.to_vec(),
        issuer: parse_name(&issuer)?.0,
        issuer_raw: issuer.raw.to_vec(),
        this_update,
        next_update,
        revoked,
        signature_algorithm,
        signature: signature.to_vec(),
        tbs: offset_of(der_bytes, tbs.raw),
        authority_key_id,
    })
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10040.4.1" => "DSA".into(),
        other => other.into(),
    }
}

/// Names a signature algorithm and its hash from its OID.
pub fn signature_algorithm(oid: &str, parameters: Vec<u8>) -> SignatureAlgorithm {
    let (name, hash) = match oid {
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", Hash::Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => ("sha1WithRSAEncryption", Hash::Sha1),
        "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", Hash::Sha224),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", Hash::Sha256),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", Hash::Sha384),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", Hash::Sha512),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", pss_hash(&parameters)),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", Hash::Sha1),
        "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", Hash::Sha224),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", Hash::Sha256),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", Hash::Sha384),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", Hash::Sha512),
        "1.3.101.112" => ("Ed25519", Hash::Intrinsic),
        "1.3.101.113" => ("Ed448", Hash::Intrinsic),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", Hash::Sha1),
        "2.16.840.1.101.3.4.3.2" => ("dsa-with-SHA256", Hash::Sha256),
        _ => ("", Hash::Unknown),
    };
    SignatureAlgorithm {
        oid: oid.to_owned(),
        name: if name.is_empty() {
            oid.to_owned()
        } else {
            name.to_owned()
        },
        hash,
        parameters,
    }
}

fn pss_hash(parameters: &[u8]) -> Hash {
    // RSASSA-PSS-params [0] hashAlgorithm: look for the SHA-2 OIDs inside (defaults to SHA-1).
    let contains = |suffix: u8| {
        parameters
            .windows(9)
            .any(|w| w == [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, suffix])
    };
    if contains(1) {
        Hash::Sha256
    } else if contains(2) {
        Hash::Sha384
    } else if contains(3) {
        Hash::Sha512
    } else {
        Hash::Sha1
    }
}

fn access_method(oid: &str) -> &'static str {
    match oid {
        "1.3.6.1.5.5.7.48.1" => "OCSP",
        "1.3.6.1.5.5.7.48.2" => "CA Issuers",
        _ => "access",
    }
}

/// The conventional name of an extension.
pub fn extension_name(oid: &str) -> String {
    match oid {
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.15" => "keyUsage",
        "2.5.29.17" => "subjectAltName",
        "2.5.29.18" => "issuerAltName",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.31" => "cRLDistributionPoints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.33" => "policyMappings",
        "2.5.29.35" => "authorityKeyIdentifier",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.37" => "extendedKeyUsage",
        "2.5.29.54" => "inhibitAnyPolicy",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        "1.3.6.1.4.1.11129.2.4.2" => "signedCertificateTimestamps",
        "2.16.840.1.113730.1.1" => "nsCertType",
        "2.16.840.1.113730.1.13" => "nsComment",
        other => return other.to_owned(),
    }
    .to_owned()
}

fn ip_address(bytes: &[u8]) -> String {
    let v6 = |b: &[u8]| <[u8; 16]>::try_from(b).map(std::net::Ipv6Addr::from).ok();
    match bytes {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        [a, b, c, d, e, f, g, h] => format!("{a}.{b}.{c}.{d}/{e}.{f}.{g}.{h}"),
        _ if bytes.len() == 16 => v6(bytes).map_or_else(|| colon_hex(bytes), |a| a.to_string()),
        _ if bytes.len() == 32 => {
            let (address, mask) = bytes.split_at(16);
            match (v6(address), v6(mask)) {
                (Some(a), Some(m)) => format!("{a}/{m}"),
                _ => colon_hex(bytes),
            }
        }
        _ => colon_hex(bytes),
    }
}

/// The outcome of checking one signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Invalid,
    /// The algorithm (or key type) is one this tool cannot verify, e.g. MD5 or P-521.
    Unsupported,
}

/// Verifies that `issuer`'s key made the signature over `signed`.
pub fn check_signature(
    tbs: &[u8],
    algorithm: &SignatureAlgorithm,
    signature: &[u8],
    issuer: &Certificate,
) -> SignatureCheck {
    use ring::signature as sig;
    let curve = issuer.spki_parameters_oid.as_deref();
    let p256 = curve == Some("1.2.840.10045.3.1.7");
    let p384 = curve == Some("1.3.132.0.34");
    let rsa = matches!(issuer.key, KeyAlgorithm::Rsa { .. });
    let verifier: &dyn sig::VerificationAlgorithm = match (algorithm.oid.as_str(), algorithm.hash) {
        ("1.2.840.113549.1.1.5" | "1.3.14.3.2.29", _) if rsa => {
            &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        ("1.2.840.113549.1.1.11", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.12", _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.10", Hash::Sha256) if rsa => &sig::RSA_PSS_2048_8192_SHA256,
        ("1.2.840.113549.1.1.10", Hash::Sha384) if rsa => &sig::RSA_PSS_2048_8192_SHA384,
        ("1.2.840.113549.1.1.10", Hash::Sha512) if rsa => &sig::RSA_PSS_2048_8192_SHA512,
        ("1.2.840.10045.4.3.2", _) if p256 => &sig::ECDSA_P256_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", _) if p256 => &sig::ECDSA_P256_SHA384_ASN1,
        ("1.2.840.10045.4.3.2", _) if p384 => &sig::ECDSA_P384_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", _) if p384 => &sig::ECDSA_P384_SHA384_ASN1,
        ("1.3.101.112", _) if issuer.key == KeyAlgorithm::Ed25519 => &sig::ED25519,
        _ => return SignatureCheck::Unsupported,
    };
    match sig::UnparsedPublicKey::new(verifier, &issuer.spki_key).verify(tbs, signature) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid,
    }
}

/// Did `issuer` sign `subject`?
pub fn signed_by(subject: &Certificate, issuer: &Certificate) -> SignatureCheck {
    check_signature(
        subject.tbs_bytes(),
        &subject.signature_algorithm,
        &subject.signature,
        issuer,
    )
}

/// An owned, parsed certificate revocation list.
#[derive(Clone, Debug)]
pub struct Crl {
    pub der: Vec<u8>,
    pub issuer: String,
    pub issuer_raw: Vec<u8>,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
    /// Revoked serial numbers, raw big-endian bytes without leading zeros.
    pub revoked: Vec<Vec<u8>>,
    pub signature_algorithm: SignatureAlgorithm,
    pub signature: Vec<u8>,
    pub tbs: std::ops::Range<usize>,
    pub authority_key_id: Option<Vec<u8>>,
}

impl Crl {
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        parse_crl(der).map_err(|reason| ParseError(format!("not a valid CRL: {reason}")))
    }

    /// Does this CRL list `certificate`'s serial?
    pub fn lists(&self, certificate: &Certificate) -> bool {
        let serial = crate::der::unsigned(&certificate.serial_raw);
        self.revoked.iter().any(|r| r == serial)
    }

    /// Is `issuer` the issuer of this CRL (name and signature)?
    pub fn issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw == issuer.subject_raw
            && check_signature(
                self.der.get(self.tbs.clone()).unwrap_or_default(),
                &self.signature_algorithm,
                &self.signature,
                issuer,
            ) != SignatureCheck::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(Certificate::parse(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(Certificate::parse(&[]).is_err());
        assert!(Crl::parse(&[0xff; 10]).is_err());
    }

    #[test]
    fn signature_algorithms_are_named() {
        let alg = signature_algorithm("1.2.840.113549.1.1.5", Vec::new());
        assert_eq!(alg.name, "sha1WithRSAEncryption");
        assert_eq!(alg.hash, Hash::Sha1);
        assert_eq!(signature_algorithm("1.2.3", Vec::new()).name, "1.2.3");
    }
}
