//! Owned summaries of certificates and CRLs, built from x509-parser's.
//!
//! x509-parser reads every certificate and CRL; what leaves this file is owned and cheap to
//! pass to the chain builder, the profiles, the report and the page (the borrowed
//! `X509Certificate<'a>` never does). The summary keeps the facts raw where the stacks
//! disagree about them (the exact name bytes, extensions that do not decode, trailing bytes,
//! the encodings of dates and serials): each profile decides on them as its stack does.

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::asn1_rs::{Any, Oid, Tag};
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension, X509Extension};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::RSAPublicKey;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::AlgorithmIdentifier;

use crate::read::faults;
use crate::read::keys::{self, KeyAlgorithm, PublicValue};
use crate::read::names::{self, OpensslCanonical};

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

impl Hash {
    fn of_digest_oid(oid: &str) -> Self {
        match oid {
            "1.3.14.3.2.26" => Self::Sha1,
            "2.16.840.1.101.3.4.2.4" => Self::Sha224,
            "2.16.840.1.101.3.4.2.1" => Self::Sha256,
            "2.16.840.1.101.3.4.2.2" => Self::Sha384,
            "2.16.840.1.101.3.4.2.3" => Self::Sha512,
            "1.2.840.113549.2.5" => Self::Md5,
            _ => Self::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
            Self::Intrinsic => "none",
            Self::Unknown => "unknown",
        }
    }
}

/// The parameters of an RSASSA-PSS signature (RFC 4055).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PssParameters {
    pub hash: Hash,
    /// The MGF1 hash (`None`: a mask generation function other than MGF1).
    pub mask_hash: Option<Hash>,
    pub salt_length: u32,
    pub trailer_field: u32,
}

/// The signature algorithm a certificate or CRL is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    pub oid: String,
    pub name: String,
    pub hash: Hash,
    /// The DER of the AlgorithmIdentifier parameters.
    pub parameters: Vec<u8>,
    /// RSASSA-PSS parameters, when the algorithm is RSASSA-PSS and they decode.
    pub pss: Option<PssParameters>,
}

impl SignatureAlgorithm {
    /// RSASSA-PSS in one of the three forms rustls-webpki, Go and *ring* implement: SHA-256,
    /// SHA-384 or SHA-512, MGF1 with the same hash, a salt as long as the hash, the standard
    /// trailer. `None` when the algorithm is not RSASSA-PSS.
    pub fn pss_is_standard(&self) -> Option<bool> {
        if self.oid != OID_RSASSA_PSS {
            return None;
        }
        Some(self.pss.is_some_and(|p| {
            let length = match p.hash {
                Hash::Sha256 => 32,
                Hash::Sha384 => 48,
                Hash::Sha512 => 64,
                _ => 0,
            };
            p.mask_hash == Some(p.hash) && p.salt_length == length && p.trailer_field == 1
        }))
    }
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
}

pub use crate::read::faults::{Fault, TimeEncoding};

/// An owned, parsed certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub der: Vec<u8>,
    /// The subject for people (RFC 4514 escapes; see [`names::display`]).
    pub subject: String,
    pub issuer: String,
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
    pub extensions: Vec<Extension>,
    pub faults: Vec<Fault>,
    pub sha256: String,
    pub sha1: String,
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
type Reason = String;

fn describe_error(error: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> Reason {
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

fn timestamp(time: &x509_parser::time::ASN1Time) -> Timestamp {
    time.timestamp()
}

/// Upper-case hex joined by `separator`.
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

fn digest_hex(algorithm: &'static ring::digest::Algorithm, bytes: &[u8]) -> String {
    colon_hex(ring::digest::digest(algorithm, bytes).as_ref())
}

/// The byte range of `inner` (a sub-slice) within `outer`.
fn offset_of(outer: &[u8], inner: &[u8]) -> std::ops::Range<usize> {
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
    let mut summary = Certificate {
        der: der_bytes.to_vec(),
        subject: names::display(&tbs.subject),
        issuer: names::display(&tbs.issuer),
        subject_raw: tbs.subject.as_raw().to_vec(),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        subject_canonical: OpensslCanonical::of(&tbs.subject),
        issuer_canonical: OpensslCanonical::of(&tbs.issuer),
        subject_java: names::java_canonical(&tbs.subject),
        issuer_java: names::java_canonical(&tbs.issuer),
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
        spki_parameters_oid: parameters_oid(&spki.algorithm),
        spki_algorithm_oid: spki.algorithm.algorithm.to_id_string(),
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
        extensions: Vec::new(),
        faults: walk.faults,
        sha256: digest_hex(&ring::digest::SHA256, proper),
        sha1: digest_hex(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, proper),
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

/// The named curve (or other OID parameter) of an AlgorithmIdentifier.
fn parameters_oid(algorithm: &AlgorithmIdentifier<'_>) -> Option<String> {
    algorithm
        .parameters
        .as_ref()
        .filter(|p| p.tag() == Tag::Oid)
        .map(|p| Oid::new(p.data.into()).to_id_string())
}

/// The key's algorithm and the public value a private key is matched by.
fn public_key(algorithm: &AlgorithmIdentifier<'_>, bits: &[u8]) -> (KeyAlgorithm, PublicValue) {
    let oid = algorithm.algorithm.to_id_string();
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

/// Signature algorithms by OID: name and hash.
const SIGNATURE_ALGORITHMS: &[(&str, &str, Hash)] = &[
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", Hash::Md5),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption", Hash::Sha1),
    ("1.3.14.3.2.29", "sha1WithRSAEncryption", Hash::Sha1),
    (
        "1.2.840.113549.1.1.14",
        "sha224WithRSAEncryption",
        Hash::Sha224,
    ),
    (
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption",
        Hash::Sha256,
    ),
    (
        "1.2.840.113549.1.1.12",
        "sha384WithRSAEncryption",
        Hash::Sha384,
    ),
    (
        "1.2.840.113549.1.1.13",
        "sha512WithRSAEncryption",
        Hash::Sha512,
    ),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", Hash::Sha1),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", Hash::Sha224),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", Hash::Sha256),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", Hash::Sha384),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", Hash::Sha512),
    ("1.3.101.112", "Ed25519", Hash::Intrinsic),
    ("1.3.101.113", "Ed448", Hash::Intrinsic),
    ("1.2.840.10040.4.3", "dsa-with-SHA1", Hash::Sha1),
    ("2.16.840.1.101.3.4.3.2", "dsa-with-SHA256", Hash::Sha256),
];

const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";

/// Names a signature algorithm, with its hash and (for RSASSA-PSS) its parameters.
fn signature_algorithm(algorithm: &AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
    let oid = algorithm.algorithm.to_id_string();
    let parameters = algorithm
        .parameters
        .as_ref()
        .map(any_der)
        .unwrap_or_default();
    if oid == OID_RSASSA_PSS {
        let pss = pss_parameters(algorithm);
        let name = match &pss {
            Some(p) => format!(
                "RSASSA-PSS ({}, MGF1 {}, salt {})",
                p.hash.name(),
                p.mask_hash.map_or("unknown", Hash::name),
                p.salt_length
            ),
            None => "RSASSA-PSS (parameters do not decode)".to_owned(),
        };
        return SignatureAlgorithm {
            oid,
            name,
            hash: pss.map_or(Hash::Unknown, |p| p.hash),
            parameters,
            pss,
        };
    }
    let (name, hash) = SIGNATURE_ALGORITHMS
        .iter()
        .find(|(o, ..)| *o == oid)
        .map_or((oid.clone(), Hash::Unknown), |(_, name, hash)| {
            ((*name).to_owned(), *hash)
        });
    SignatureAlgorithm {
        oid,
        name,
        hash,
        parameters,
        pss: None,
    }
}

fn pss_parameters(algorithm: &AlgorithmIdentifier<'_>) -> Option<PssParameters> {
    use x509_parser::signature_algorithm::SignatureAlgorithm as Parsed;
    let Ok(Parsed::RSASSA_PSS(params)) = Parsed::try_from(algorithm) else {
        return None;
    };
    let mask = params.mask_gen_algorithm().ok()?;
    Some(PssParameters {
        hash: Hash::of_digest_oid(&params.hash_algorithm_oid().to_id_string()),
        mask_hash: (mask.mgf.to_id_string() == "1.2.840.113549.1.1.8")
            .then(|| Hash::of_digest_oid(&mask.hash.to_id_string())),
        salt_length: params.salt_length(),
        trailer_field: params.trailer_field(),
    })
}

/// The DER of a parsed ANY (header rebuilt: the value's tag and a definite length).
fn any_der(any: &Any<'_>) -> Vec<u8> {
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

/// The conventional names of extensions.
const EXTENSION_NAMES: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.20", "cRLNumber"),
    ("2.5.29.21", "cRLReason"),
    ("2.5.29.24", "invalidityDate"),
    ("2.5.29.27", "deltaCRLIndicator"),
    ("2.5.29.28", "issuingDistributionPoint"),
    ("2.5.29.29", "certificateIssuer"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extendedKeyUsage"),
    ("2.5.29.46", "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "subjectInfoAccess"),
    ("1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestamps"),
    ("2.16.840.1.113730.1.1", "nsCertType"),
    ("2.16.840.1.113730.1.13", "nsComment"),
];

/// The conventional name of an extension, or its OID.
pub fn extension_name(oid: &str) -> String {
    EXTENSION_NAMES
        .iter()
        .find(|(o, _)| *o == oid)
        .map_or(oid, |(_, name)| name)
        .to_owned()
}

/// Well-known extended key usage purposes by OID.
const PURPOSES: &[(&str, &str)] = &[
    ("2.5.29.37.0", "anyExtendedKeyUsage"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth"),
    ("1.3.6.1.5.5.7.3.2", "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
];

/// Is an OID's encoding minimal (no arc starts with a 0x80 padding byte)?
pub fn oid_is_minimal(encoded: &[u8]) -> bool {
    let mut arc_start = true;
    for &byte in encoded {
        if arc_start && byte == 0x80 {
            return false;
        }
        arc_start = byte & 0x80 == 0;
    }
    !encoded.is_empty() && arc_start
}

/// An OID as shown: its purpose name when well known, else dotted, marked when the encoding is
/// not minimal (it then matches no well-known purpose, whatever its dotted form says).
fn oid_label(oid: &Oid<'_>, names: &[(&str, &str)]) -> String {
    let dotted = oid.to_id_string();
    if !oid_is_minimal(oid.as_bytes()) {
        return format!("{dotted} (non-minimal encoding)");
    }
    names
        .iter()
        .find(|(o, _)| *o == dotted)
        .map_or(dotted, |(_, name)| (*name).to_owned())
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

/// A GeneralName as OpenSSL prints it (`DNS:example.com`).
fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::RFC822Name(text) => format!("email:{text}"),
        GeneralName::DNSName(text) => format!("DNS:{text}"),
        GeneralName::URI(text) => format!("URI:{text}"),
        GeneralName::IPAddress(bytes) => format!("IP:{}", ip_address(bytes)),
        GeneralName::DirectoryName(name) => format!("DirName:{}", names::display(name)),
        GeneralName::RegisteredID(oid) => format!("RID:{}", oid.to_id_string()),
        GeneralName::OtherName(oid, _) => format!("othername:{}", oid.to_id_string()),
        GeneralName::X400Address(_) => "X400Address".to_owned(),
        GeneralName::EDIPartyName(_) => "EDIPartyName".to_owned(),
        GeneralName::Invalid(..) => "(invalid name)".to_owned(),
    }
}

fn general_names(list: &[GeneralName<'_>]) -> Vec<String> {
    list.iter().map(general_name).collect()
}

fn access_method(oid: &Oid<'_>) -> &'static str {
    match oid.to_id_string().as_str() {
        "1.3.6.1.5.5.7.48.1" => "OCSP",
        "1.3.6.1.5.5.7.48.2" => "CA Issuers",
        _ => "access",
    }
}

/// Reads one extension into `summary`: its field (for the ones the checks use), its line for
/// people, and any fault. `ber_critical` lists the extensions whose critical flag is a BER
/// boolean.
fn read_extension(
    extension: &X509Extension<'_>,
    ber_critical: &[String],
    summary: &mut Certificate,
) {
    let oid = extension.oid.to_id_string();
    let name = extension_name(&oid);
    if ber_critical.contains(&oid) {
        summary.faults.push(Fault::BerBoolean {
            oid: oid.clone(),
            name: name.clone(),
            field: "critical flag",
        });
    }
    if summary.extensions.iter().any(|e| e.oid == oid) {
        summary.faults.push(Fault::DuplicateExtension {
            oid: oid.clone(),
            name: name.clone(),
        });
        summary.extensions.push(Extension {
            oid,
            name,
            critical: extension.critical,
            value: "repeated (only the first is used)".to_owned(),
        });
        return;
    }
    let value = match extension.parsed_extension() {
        ParsedExtension::ParseError { .. } if oid == OID_BASIC_CONSTRAINTS => {
            lenient_basic_constraints(extension.value, summary)
        }
        ParsedExtension::ParseError { .. } => None,
        parsed => Some(describe_extension(parsed, extension.value, summary)),
    };
    let value = value.unwrap_or_else(|| {
        summary.faults.push(Fault::UndecodableExtension {
            oid: oid.clone(),
            name: name.clone(),
            critical: extension.critical,
        });
        "could not be decoded".to_owned()
    });
    summary.extensions.push(Extension {
        oid,
        name,
        critical: extension.critical,
        value,
    });
}

const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";

/// basicConstraints read as BER (der-parser), as OpenSSL and Java read it: a cA written as a
/// BER boolean counts, and is noted as a fault.
fn lenient_basic_constraints(value: &[u8], summary: &mut Certificate) -> Option<String> {
    use der_parser::ber::parse_ber_sequence;
    let (rest, sequence) = parse_ber_sequence(value).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let items = sequence.as_sequence().ok()?;
    let (ca, path_len) = match items.as_slice() {
        [] => (false, None),
        [flag] => (flag.as_bool().ok()?, None),
        [flag, length] => (flag.as_bool().ok()?, Some(length.as_u32().ok()?)),
        _ => return None,
    };
    summary.faults.push(Fault::BerBoolean {
        oid: OID_BASIC_CONSTRAINTS.to_owned(),
        name: "basicConstraints".to_owned(),
        field: "cA",
    });
    summary.basic_constraints = Some(BasicConstraints { ca, path_len });
    Some(if ca { "CA:TRUE" } else { "CA:FALSE" }.to_owned())
}

/// Reads a decoded extension into `summary` and describes it in one line.
fn describe_extension(
    parsed: &ParsedExtension<'_>,
    raw: &[u8],
    summary: &mut Certificate,
) -> String {
    match parsed {
        ParsedExtension::BasicConstraints(bc) => {
            summary.basic_constraints = Some(BasicConstraints {
                ca: bc.ca,
                path_len: bc.path_len_constraint,
            });
            match (bc.ca, bc.path_len_constraint) {
                (true, Some(len)) => format!("CA:TRUE, pathlen:{len}"),
                (true, None) => "CA:TRUE".into(),
                (false, _) => "CA:FALSE".into(),
            }
        }
        ParsedExtension::KeyUsage(ku) => {
            let usage = KeyUsage {
                digital_signature: ku.digital_signature(),
                non_repudiation: ku.non_repudiation(),
                key_encipherment: ku.key_encipherment(),
                data_encipherment: ku.data_encipherment(),
                key_agreement: ku.key_agreement(),
                key_cert_sign: ku.key_cert_sign(),
                crl_sign: ku.crl_sign(),
            };
            summary.key_usage = Some(usage);
            usage.names().join(", ")
        }
        ParsedExtension::ExtendedKeyUsage(eku) => {
            let mut purposes: Vec<String> = [
                (eku.any, "anyExtendedKeyUsage"),
                (eku.server_auth, "serverAuth"),
                (eku.client_auth, "clientAuth"),
                (eku.code_signing, "codeSigning"),
                (eku.email_protection, "emailProtection"),
                (eku.time_stamping, "timeStamping"),
                (eku.ocsp_signing, "OCSPSigning"),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| (*name).to_owned())
            .collect();
            purposes.extend(eku.other.iter().map(|oid| oid_label(oid, PURPOSES)));
            for oid in eku.other.iter().filter(|o| !oid_is_minimal(o.as_bytes())) {
                summary.faults.push(Fault::NonMinimalOid {
                    oid: "2.5.29.37".to_owned(),
                    name: "extendedKeyUsage".to_owned(),
                    purpose: oid.to_id_string(),
                });
            }
            let text = purposes.join(", ");
            summary.extended_key_usage = Some(ExtendedKeyUsage {
                any: eku.any,
                server_auth: eku.server_auth,
                client_auth: eku.client_auth,
                purposes,
            });
            text
        }
        ParsedExtension::SubjectKeyIdentifier(id) => {
            summary.subject_key_id = Some(id.0.to_vec());
            colon_hex(id.0)
        }
        ParsedExtension::AuthorityKeyIdentifier(aki) => {
            let id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
            let text = id
                .as_deref()
                .map_or_else(|| "(no key identifier)".into(), colon_hex);
            summary.authority_key_id = id;
            text
        }
        ParsedExtension::SubjectAlternativeName(san) => {
            let names = general_names(&san.general_names);
            let text = names.join(", ");
            summary.subject_alt_names = names;
            text
        }
        ParsedExtension::IssuerAlternativeName(ian) => general_names(&ian.general_names).join(", "),
        ParsedExtension::NameConstraints(nc) => {
            let bases = |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
                subtrees
                    .iter()
                    .flatten()
                    .map(|subtree| general_name(&subtree.base))
                    .collect::<Vec<_>>()
            };
            let constraints = NameConstraints {
                permitted: bases(&nc.permitted_subtrees),
                excluded: bases(&nc.excluded_subtrees),
            };
            let text = format!(
                "permitted: [{}]; excluded: [{}]",
                constraints.permitted.join(", "),
                constraints.excluded.join(", ")
            );
            summary.name_constraints = Some(constraints);
            text
        }
        ParsedExtension::CRLDistributionPoints(points) => points
            .points
            .iter()
            .flat_map(|point| match &point.distribution_point {
                Some(DistributionPointName::FullName(names)) => general_names(names),
                _ => vec!["(relative name)".to_owned()],
            })
            .collect::<Vec<_>>()
            .join(", "),
        ParsedExtension::AuthorityInfoAccess(aia) => aia
            .accessdescs
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    access_method(&d.access_method),
                    general_name(&d.access_location)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        ParsedExtension::SubjectInfoAccess(sia) => sia
            .accessdescs
            .iter()
            .map(|d| general_name(&d.access_location))
            .collect::<Vec<_>>()
            .join(", "),
        ParsedExtension::CertificatePolicies(policies) => policies
            .iter()
            .map(|p| p.policy_id.to_id_string())
            .collect::<Vec<_>>()
            .join(", "),
        ParsedExtension::PolicyConstraints(pc) => [
            ("requireExplicitPolicy", pc.require_explicit_policy),
            ("inhibitPolicyMapping", pc.inhibit_policy_mapping),
        ]
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}:{v}")))
        .collect::<Vec<_>>()
        .join(", "),
        ParsedExtension::InhibitAnyPolicy(inhibit) => format!("skipCerts:{}", inhibit.skip_certs),
        ParsedExtension::PolicyMappings(mappings) => {
            format!("{} policy mappings", mappings.mappings.len())
        }
        ParsedExtension::NsCertComment(text) => (*text).to_owned(),
        ParsedExtension::NSCertType(kind) => kind.to_string(),
        ParsedExtension::SCT(list) => format!("{} signed certificate timestamps", list.len()),
        _ => format!("{} bytes, not decoded", raw.len()),
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

/// Verifies that `issuer`'s key made the signature over `signed`, with *ring*.
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
    // PSS is verified only with the parameters ring implements.
    let pss_standard = algorithm.pss_is_standard() == Some(true);
    let verifier: &dyn sig::VerificationAlgorithm = match (algorithm.oid.as_str(), algorithm.hash) {
        ("1.2.840.113549.1.1.5" | "1.3.14.3.2.29", _) if rsa => {
            &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        ("1.2.840.113549.1.1.11", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.12", _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (OID_RSASSA_PSS, Hash::Sha256) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA256,
        (OID_RSASSA_PSS, Hash::Sha384) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA384,
        (OID_RSASSA_PSS, Hash::Sha512) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA512,
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

/// Something about a CRL that decides whether a stack may use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrlFault {
    /// A critical CRL extension the stacks do not process.
    UnknownCriticalExtension { oid: String },
    /// A critical extension on a revoked entry that the stacks do not process.
    UnknownCriticalEntryExtension { oid: String },
    /// An extension that does not decode.
    UndecodableExtension { oid: String },
}

/// CRL extensions OpenSSL, rustls-webpki and Java process.
const KNOWN_CRL_EXTENSIONS: &[&str] = &[
    "2.5.29.20", // cRLNumber
    "2.5.29.28", // issuingDistributionPoint
    "2.5.29.35", // authorityKeyIdentifier
    "2.5.29.27", // deltaCRLIndicator
    "2.5.29.46", // freshestCRL
    "2.5.29.18", // issuerAltName
];

/// CRL entry extensions the stacks process.
const KNOWN_CRL_ENTRY_EXTENSIONS: &[&str] = &[
    "2.5.29.21", // cRLReason
    "2.5.29.24", // invalidityDate
    "2.5.29.29", // certificateIssuer
];

/// An owned, parsed certificate revocation list.
#[derive(Clone, Debug)]
pub struct Crl {
    pub der: Vec<u8>,
    pub issuer: String,
    pub issuer_raw: Vec<u8>,
    pub issuer_canonical: Option<OpensslCanonical>,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
    /// Revoked serial numbers, the INTEGER contents exactly as encoded.
    pub revoked: Vec<Vec<u8>>,
    pub signature_algorithm: SignatureAlgorithm,
    pub signature: Vec<u8>,
    pub tbs: std::ops::Range<usize>,
    pub authority_key_id: Option<Vec<u8>>,
    pub faults: Vec<CrlFault>,
}

impl Crl {
    /// Parses one DER CRL with x509-parser.
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        parse_crl(der).map_err(|reason| ParseError(format!("not a valid CRL: {reason}")))
    }

    /// Does this CRL list `certificate`'s serial? Serials are compared as encoded.
    pub fn lists(&self, certificate: &Certificate) -> bool {
        self.revoked.contains(&certificate.serial_raw)
    }

    pub fn tbs_bytes(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// Does `issuer`'s key verify this CRL's signature?
    pub fn signature_by(&self, issuer: &Certificate) -> SignatureCheck {
        check_signature(
            self.tbs_bytes(),
            &self.signature_algorithm,
            &self.signature,
            issuer,
        )
    }

    /// Is `issuer` the issuer of this CRL (name, and a signature not known to be wrong)?
    pub fn issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw == issuer.subject_raw
            && self.signature_by(issuer) != SignatureCheck::Invalid
    }
}

fn parse_crl(der_bytes: &[u8]) -> Result<Crl, Reason> {
    let (rest, crl) =
        CertificateRevocationList::from_der(der_bytes).map_err(|e| describe_error(&e))?;
    if !rest.is_empty() {
        return Err("bytes follow its end".to_owned());
    }
    let tbs = &crl.tbs_cert_list;
    if tbs.version.is_some_and(|v| v.0 != 1) {
        return Err("its version field is invalid".to_owned());
    }
    let mut faults = Vec::new();
    let mut authority_key_id = None;
    for extension in tbs.extensions() {
        let oid = extension.oid.to_id_string();
        match extension.parsed_extension() {
            ParsedExtension::ParseError { .. } => {
                faults.push(CrlFault::UndecodableExtension { oid: oid.clone() });
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
            }
            _ => {}
        }
        if extension.critical && !KNOWN_CRL_EXTENSIONS.contains(&oid.as_str()) {
            faults.push(CrlFault::UnknownCriticalExtension { oid });
        }
    }
    let mut revoked = Vec::new();
    for entry in &tbs.revoked_certificates {
        revoked.push(entry.raw_serial().to_vec());
        for extension in entry.extensions() {
            let oid = extension.oid.to_id_string();
            if extension.critical && !KNOWN_CRL_ENTRY_EXTENSIONS.contains(&oid.as_str()) {
                faults.push(CrlFault::UnknownCriticalEntryExtension { oid });
            }
        }
    }
    Ok(Crl {
        der: der_bytes.to_vec(),
        issuer: names::display(&tbs.issuer),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        issuer_canonical: OpensslCanonical::of(&tbs.issuer),
        this_update: timestamp(&tbs.this_update),
        next_update: tbs.next_update.as_ref().map(timestamp),
        revoked,
        signature_algorithm: signature_algorithm(&crl.signature_algorithm),
        signature: crl.signature_value.data.to_vec(),
        tbs: offset_of(der_bytes, tbs.as_ref()),
        authority_key_id,
        faults,
    })
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
    fn non_minimal_oids_are_recognised() {
        // 1.3.6.1.5.5.7.3.2 (clientAuth), minimal and with a 0x80 padding byte in an arc.
        assert!(oid_is_minimal(&[
            0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02
        ]));
        assert!(!oid_is_minimal(&[
            0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x80, 0x03, 0x02
        ]));
        assert!(!oid_is_minimal(&[0x2b, 0x86]));
        assert!(!oid_is_minimal(&[]));
    }
}
