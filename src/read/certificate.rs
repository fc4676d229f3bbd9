//! Owned summaries of certificates and CRLs, built from x509-parser's.
//!
//! x509-parser reads every certificate and CRL; what leaves this file is owned and cheap to
//! pass to the chain builder, the profiles, the report and the page (the borrowed
//! `X509Certificate<'a>` never does). The summary keeps the facts raw where the stacks
//! disagree about them (the exact name bytes, extensions that do not decode, trailing bytes,
//! the encodings of dates and serials): each profile decides on them as its stack does.

use std::cell::OnceCell;

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::asn1_rs::{Oid, Tag};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::RSAPublicKey;
use x509_parser::x509::AlgorithmIdentifier;

use crate::read::extensions::{OID_BASIC_CONSTRAINTS, read_extension};
use crate::read::faults;
use crate::read::keys::{self, KeyAlgorithm, PublicValue};
use crate::read::names::{self, OpensslCanonical};
use crate::read::signature::{SignatureAlgorithm, signature_algorithm};

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

/// Extended key usage (RFC 5280 4.2.1.12). Purposes are matched by their encoded OIDs, as
/// every stack matches them.
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
    /// The directoryName subtrees, as OpenSSL compares them (`None`: a name it cannot decode).
    pub permitted_names: Vec<(String, Option<OpensslCanonical>)>,
    pub excluded_names: Vec<(String, Option<OpensslCanonical>)>,
}

pub use crate::read::faults::{Fault, TimeEncoding};

/// A distribution point as a certificate's cRLDistributionPoints or a CRL's
/// issuingDistributionPoint names it: what RFC 5280 §6.3.3 (b) compares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistributionPoint {
    /// Its fullName, each name as the report writes it (`URI:…`); `None` without a
    /// distributionPoint, a nameRelativeToCRLIssuer as `(relative name)`.
    pub names: Option<Vec<String>>,
    /// Its cRLIssuer's directory names, encoded.
    pub crl_issuers: Vec<Vec<u8>>,
}

/// An owned, parsed certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub der: Vec<u8>,
    /// The subject and issuer for people ([`Certificate::subject`], [`Certificate::issuer`]),
    /// written when first asked.
    subject_text: OnceCell<String>,
    issuer_text: OnceCell<String>,
    pub subject_raw: Vec<u8>,
    pub issuer_raw: Vec<u8>,
    /// OpenSSL's canonical forms, by which the OpenSSL family matches names (`None` when a
    /// value does not convert).
    pub subject_canonical: Option<OpensslCanonical>,
    pub issuer_canonical: Option<OpensslCanonical>,
    /// Java's canonical forms (`X500Principal` equality).
    pub subject_java: String,
    pub issuer_java: String,
    /// The first common name, for short labels.
    pub common_name: Option<String>,
    pub serial: String,
    /// The serial number INTEGER's contents, exactly as encoded (two's complement).
    pub serial_raw: Vec<u8>,
    /// 1, 2 or 3.
    pub version: u32,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The dates as written (their type and text), which the stacks check differently.
    pub not_before_encoding: TimeEncoding,
    pub not_after_encoding: TimeEncoding,
    pub key: KeyAlgorithm,
    pub public_value: PublicValue,
    /// The SubjectPublicKeyInfo's key bits and algorithm parameters, for signature checks.
    pub spki_key: Vec<u8>,
    /// The whole SubjectPublicKeyInfo, DER (what key pins hash).
    pub spki: Vec<u8>,
    pub spki_parameters_oid: Option<String>,
    pub spki_algorithm_oid: String,
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
    /// cRLDistributionPoints: where its CRLs are, and who issues them.
    pub crl_distribution_points: Vec<DistributionPoint>,
    pub extensions: Vec<Extension>,
    pub faults: Vec<Fault>,
    /// The length of the certificate's own encoding at the start of `der` (without bytes
    /// that followed it).
    pub length: usize,
}

/// Why a certificate could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl Certificate {
    /// Parses one certificate with x509-parser. What a strict reader would refuse (bytes after
    /// it, BER lengths, data after the extensions…) is kept as a [`Fault`], not an error:
    /// OpenSSL and Java read some of it, Go and rustls-webpki none; `der` keeps the input's
    /// exact bytes.
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        parse_certificate(der)
            .map_err(|reason| ParseError(format!("not a valid certificate: {reason}")))
    }

    /// The subject for people (RFC 4514 escapes; see [`names::display`]). Written when first
    /// asked, from the encoded name: only the certificates a report lists show theirs, and
    /// writing every trust-store certificate's subject and issuer was a twentieth of reading
    /// the system store (callgrind).
    pub fn subject(&self) -> &str {
        self.subject_text
            .get_or_init(|| display_name(&self.subject_raw))
    }

    /// The issuer for people, as [`Self::subject`].
    pub fn issuer(&self) -> &str {
        if self.is_self_issued() {
            return self.subject();
        }
        self.issuer_text
            .get_or_init(|| display_name(&self.issuer_raw))
    }

    /// A short label: the common name, else the whole subject.
    pub fn label(&self) -> String {
        match &self.common_name {
            Some(cn) => format!(
                "CN={}",
                cn.chars()
                    .map(|c| if names::is_deceptive(c) {
                        '\u{FFFD}'
                    } else {
                        c
                    })
                    .collect::<String>()
            ),
            None if self.subject().is_empty() => format!("serial {}", self.serial),
            None => self.subject().to_owned(),
        }
    }

    pub fn tbs_bytes(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The certificate's own encoding (without bytes that followed it in the input).
    pub fn own_der(&self) -> &[u8] {
        self.der.get(..self.length).unwrap_or(&self.der)
    }

    /// The SHA-256 fingerprint, colon-separated hex. Made when asked: only listed certificates
    /// show it, and digesting every certificate of a trust store was a sixth of reading it
    /// (callgrind, the system store).
    pub fn sha256(&self) -> String {
        digest_hex(&ring::digest::SHA256, self.own_der())
    }

    /// The SHA-1 fingerprint, colon-separated hex (made when asked, as [`Self::sha256`]).
    pub fn sha1(&self) -> String {
        digest_hex(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, self.own_der())
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
pub(crate) type Reason = String;

pub(crate) fn describe_error(
    error: &x509_parser::nom::Err<x509_parser::error::X509Error>,
) -> Reason {
    use x509_parser::error::X509Error as E;
    let inner = match error {
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e,
        x509_parser::nom::Err::Incomplete(_) => {
            return "its DER structure is truncated".to_owned();
        }
    };
    match inner {
        E::InvalidVersion => "its version field is invalid",
        E::InvalidSerial => "its serial number is invalid",
        E::InvalidAlgorithmIdentifier => "its signature algorithm is malformed",
        E::InvalidX509Name => "a name (subject or issuer) is malformed",
        E::InvalidDate => "its validity dates are not valid times",
        E::InvalidSPKI => "its public key is malformed",
        E::InvalidSubjectUID | E::InvalidIssuerUID => "a unique identifier is malformed",
        E::InvalidExtensions => "its extensions are malformed",
        E::InvalidSignatureValue => "its signature is malformed",
        E::InvalidTbsCertificate => "its to-be-signed part is malformed",
        _ => "its DER structure is invalid (truncated, cut off or not DER)",
    }
    .to_owned()
}

pub(crate) fn timestamp(time: &x509_parser::time::ASN1Time) -> Timestamp {
    time.timestamp()
}

/// Upper-case hex, the bytes joined by `separator` (made for every certificate's serial: the
/// digits from a table).
pub(crate) fn upper_hex(bytes: &[u8], separator: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * (2 + separator.len()));
    for (i, &byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        for nibble in [byte >> 4, byte & 0x0f] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// Formats bytes as colon-separated upper-case hex, the way OpenSSL prints serials and key ids.
pub fn colon_hex(bytes: &[u8]) -> String {
    upper_hex(bytes, ":")
}

fn digest_hex(algorithm: &'static ring::digest::Algorithm, bytes: &[u8]) -> String {
    colon_hex(ring::digest::digest(algorithm, bytes).as_ref())
}

/// The byte range of `inner` (a sub-slice) within `outer`.
pub(crate) fn offset_of(outer: &[u8], inner: &[u8]) -> std::ops::Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    let end = start.saturating_add(inner.len()).min(outer.len());
    start.min(end)..end
}

fn parse_certificate(der_bytes: &[u8]) -> Result<Certificate, Reason> {
    let walk = faults::walk(der_bytes);
    let readable = walk.repaired.as_deref().unwrap_or(der_bytes);
    let (rest, cert) = X509Certificate::from_der(readable).map_err(|e| describe_error(&e))?;
    let proper = der_bytes
        .get(..der_bytes.len().saturating_sub(rest.len()))
        .unwrap_or(der_bytes);
    let tbs = &cert.tbs_certificate;
    let serial_raw = tbs.raw_serial();
    if serial_raw.is_empty() {
        return Err("its serial number is invalid".to_owned());
    }
    let spki = &tbs.subject_pki;
    let (key, public_value) = public_key(&spki.algorithm, &spki.subject_public_key.data);
    let subject_canonical = OpensslCanonical::of(&tbs.subject);
    let subject_java = names::java_canonical(&tbs.subject);
    // A self-issued certificate's issuer is its subject, byte for byte: every form of it is
    // the same (most of a trust store; computing them again was a tenth of its reading).
    let (issuer_canonical, issuer_java) = if tbs.issuer.as_raw() == tbs.subject.as_raw() {
        (subject_canonical.clone(), subject_java.clone())
    } else {
        (
            OpensslCanonical::of(&tbs.issuer),
            names::java_canonical(&tbs.issuer),
        )
    };
    let mut summary = Certificate {
        der: der_bytes.to_vec(),
        subject_text: OnceCell::new(),
        issuer_text: OnceCell::new(),
        subject_raw: tbs.subject.as_raw().to_vec(),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        subject_canonical,
        issuer_canonical,
        subject_java,
        issuer_java,
        common_name: names::common_name(&tbs.subject),
        serial: colon_hex(serial_raw),
        serial_raw: serial_raw.to_vec(),
        version: tbs.version.0.saturating_add(1),
        not_before: timestamp(&tbs.validity.not_before),
        not_after: timestamp(&tbs.validity.not_after),
        not_before_encoding: walk.not_before,
        not_after_encoding: walk.not_after,
        key,
        public_value,
        spki_key: spki.subject_public_key.data.to_vec(),
        spki: spki.raw.to_vec(),
        spki_parameters_oid: parameters_oid(&spki.algorithm),
        spki_algorithm_oid: crate::read::asn1::dotted(&spki.algorithm.algorithm),
        signature_algorithm: signature_algorithm(&cert.signature_algorithm),
        signature: cert.signature_value.data.to_vec(),
        tbs: walk
            .tbs
            .unwrap_or_else(|| offset_of(der_bytes, tbs.as_ref())),
        basic_constraints: None,
        key_usage: None,
        extended_key_usage: None,
        subject_key_id: None,
        authority_key_id: None,
        subject_alt_names: Vec::new(),
        name_constraints: None,
        crl_distribution_points: Vec::new(),
        extensions: Vec::new(),
        faults: walk.faults,
        length: proper.len(),
    };
    for (field, name) in [("subject", &tbs.subject), ("issuer", &tbs.issuer)] {
        if let Some(problem) = names::invalid_value(name) {
            summary
                .faults
                .push(Fault::InvalidNameValue { field, problem });
        }
    }
    for extension in tbs.extensions() {
        read_extension(extension, &walk.ber_critical, &mut summary);
    }
    if walk.ber_ca
        && !summary
            .faults
            .iter()
            .any(|f| matches!(f, Fault::BerBoolean { field: "cA", .. }))
    {
        summary.faults.push(Fault::BerBoolean {
            oid: OID_BASIC_CONSTRAINTS.to_owned(),
            name: "basicConstraints".to_owned(),
            field: "cA",
        });
    }
    Ok(summary)
}

/// An encoded name (a certificate's, which x509-parser has read once already) for people.
fn display_name(raw: &[u8]) -> String {
    names::parse(raw).map_or_else(String::new, |name| names::display(&name))
}

/// The named curve (or other OID parameter) of an AlgorithmIdentifier.
fn parameters_oid(algorithm: &AlgorithmIdentifier<'_>) -> Option<String> {
    algorithm
        .parameters
        .as_ref()
        .filter(|p| p.tag() == Tag::Oid)
        .map(|p| crate::read::asn1::dotted(&Oid::new(p.data.into())))
}

/// The key's algorithm and the public value a private key is matched by.
fn public_key(algorithm: &AlgorithmIdentifier<'_>, bits: &[u8]) -> (KeyAlgorithm, PublicValue) {
    let oid = crate::read::asn1::dotted(&algorithm.algorithm);
    let parameters_oid = parameters_oid(algorithm);
    let point = || PublicValue::Point(bits.to_vec());
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => match RSAPublicKey::from_der(bits) {
            Ok((_, key)) => {
                let modulus = keys::unsigned(key.modulus).to_vec();
                (
                    KeyAlgorithm::Rsa {
                        bits: keys::bit_length(&modulus),
                    },
                    PublicValue::RsaModulus(modulus),
                )
            }
            Err(_) => (KeyAlgorithm::Rsa { bits: 0 }, PublicValue::Unknown),
        },
        "1.2.840.10045.2.1" => (
            KeyAlgorithm::Ec {
                curve: keys::curve_name(parameters_oid.as_deref().unwrap_or("unknown curve")),
            },
            point(),
        ),
        "1.3.101.112" => (KeyAlgorithm::Ed25519, point()),
        "1.3.101.113" => (KeyAlgorithm::Ed448, point()),
        "1.2.840.10040.4.1" => (
            KeyAlgorithm::Other {
                oid: "DSA".to_owned(),
            },
            point(),
        ),
        other => (
            KeyAlgorithm::Other {
                oid: other.to_owned(),
            },
            point(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(Certificate::parse(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(Certificate::parse(&[]).is_err());
    }
}
