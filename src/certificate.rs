//! Owned summaries of certificates and CRLs.
//!
//! This is the only module that holds borrowed `x509-parser` structures; everything it returns is
//! owned and cheap to pass to the chain builder, the profiles, the report and the page.

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer as _;
use x509_parser::public_key::PublicKey;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::keys::{self, KeyAlgorithm, PublicValue};

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
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|e| parse_error("certificate", &e))?;
        if !rest.is_empty() {
            return Err(ParseError(format!(
                "{} bytes follow the certificate",
                rest.len()
            )));
        }
        Ok(summarise(der, &cert))
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

/// Says in words why DER did not parse; the parser's own error text is not for users (and its
/// Debug-based formatting would weigh on the page).
fn parse_error(what: &str, error: &x509_parser::nom::Err<X509Error>) -> ParseError {
    use x509_parser::der_parser::error::BerError;
    use x509_parser::nom::Err;
    let reason = match error {
        Err::Incomplete(_) => "the data ends early (truncated or cut off)",
        Err::Error(e) | Err::Failure(e) => match e {
            X509Error::InvalidVersion => "its version field is invalid",
            X509Error::InvalidDate => "its validity dates are not valid times",
            X509Error::InvalidExtensions | X509Error::DuplicateExtensions => {
                "an extension is malformed or repeated"
            }
            X509Error::InvalidSerial => "its serial number is invalid",
            X509Error::InvalidX509Name => "a name (subject or issuer) is malformed",
            X509Error::InvalidSPKI => "its public key is malformed",
            X509Error::NomError(x509_parser::nom::error::ErrorKind::Eof)
            | X509Error::Der(BerError::Incomplete(_)) => {
                "the data ends early (truncated or cut off)"
            }
            _ => "its DER structure is invalid",
        },
    };
    ParseError(format!("not a valid {what}: {reason}"))
}

/// Formats a distinguished name the way x509-parser and OpenSSL's one-line form do
/// (`O=Example, CN=alice`), with a small table of attribute names instead of x509-parser's whole
/// OID registry (which would weigh on the page).
pub fn name_to_string(name: &x509_parser::x509::X509Name<'_>) -> String {
    name.iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|attribute| {
                    let oid = attribute.attr_type().to_id_string();
                    let key = match oid.as_str() {
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
                        _ => oid.as_str(),
                    };
                    let value = attribute
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|_| format!("#{}", hex(attribute.attr_value().data, "")));
                    format!("{key}={value}")
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
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

fn summarise(der: &[u8], cert: &X509Certificate<'_>) -> Certificate {
    let spki = cert.public_key();
    let spki_parameters_oid = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| oid.to_id_string());
    let (key, public_value) = key_of(
        &spki.algorithm.algorithm.to_id_string(),
        spki,
        spki_parameters_oid.as_deref(),
    );
    let common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned);
    let mut summary = Certificate {
        der: der.to_vec(),
        subject: name_to_string(cert.subject()),
        issuer: name_to_string(cert.issuer()),
        subject_raw: cert.subject().as_raw().to_vec(),
        issuer_raw: cert.issuer().as_raw().to_vec(),
        common_name,
        serial: colon_hex(cert.raw_serial()),
        serial_raw: cert.raw_serial().to_vec(),
        version: cert.version().0 + 1,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        key,
        public_value,
        spki_key: spki.subject_public_key.data.to_vec(),
        spki_parameters_oid,
        signature_algorithm: signature_algorithm(
            &cert.signature_algorithm.algorithm.to_id_string(),
            cert.signature_algorithm
                .parameters
                .as_ref()
                .map(|p| p.data.to_vec())
                .unwrap_or_default(),
        ),
        signature: cert.signature_value.data.to_vec(),
        tbs: offset_of(der, cert.tbs_certificate.as_ref()),
        basic_constraints: None,
        key_usage: None,
        extended_key_usage: None,
        subject_key_id: None,
        authority_key_id: None,
        subject_alt_names: Vec::new(),
        name_constraints: None,
        extensions: Vec::new(),
        sha256: hex(
            ring::digest::digest(&ring::digest::SHA256, der).as_ref(),
            ":",
        ),
        sha1: hex(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref(),
            ":",
        ),
    };
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        let value = match ext.parsed_extension() {
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
                let mut purposes = Vec::new();
                let named = [
                    (eku.any, "anyExtendedKeyUsage"),
                    (eku.server_auth, "serverAuth"),
                    (eku.client_auth, "clientAuth"),
                    (eku.code_signing, "codeSigning"),
                    (eku.email_protection, "emailProtection"),
                    (eku.time_stamping, "timeStamping"),
                    (eku.ocsp_signing, "OCSPSigning"),
                ];
                purposes.extend(
                    named
                        .iter()
                        .filter(|(s, _)| *s)
                        .map(|(_, n)| (*n).to_owned()),
                );
                purposes.extend(eku.other.iter().map(|o| o.to_id_string()));
                let value = purposes.join(", ");
                summary.extended_key_usage = Some(ExtendedKeyUsage {
                    any: eku.any,
                    server_auth: eku.server_auth,
                    client_auth: eku.client_auth,
                    purposes,
                });
                value
            }
            ParsedExtension::SubjectKeyIdentifier(id) => {
                summary.subject_key_id = Some(id.0.to_vec());
                colon_hex(id.0)
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                summary.authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
                aki.key_identifier
                    .as_ref()
                    .map_or_else(|| "(no key identifier)".into(), |id| colon_hex(id.0))
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                summary.subject_alt_names = san.general_names.iter().map(general_name).collect();
                summary.subject_alt_names.join(", ")
            }
            ParsedExtension::NameConstraints(nc) => {
                let list = |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
                    subtrees
                        .iter()
                        .flatten()
                        .map(|s| general_name(&s.base))
                        .collect::<Vec<_>>()
                };
                let constraints = NameConstraints {
                    permitted: list(&nc.permitted_subtrees),
                    excluded: list(&nc.excluded_subtrees),
                };
                let value = format!(
                    "permitted: [{}]; excluded: [{}]",
                    constraints.permitted.join(", "),
                    constraints.excluded.join(", ")
                );
                summary.name_constraints = Some(constraints);
                value
            }
            ParsedExtension::CRLDistributionPoints(points) => points
                .points
                .iter()
                .flat_map(|p| match &p.distribution_point {
                    Some(x509_parser::extensions::DistributionPointName::FullName(names)) => {
                        names.iter().map(general_name).collect::<Vec<_>>()
                    }
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
                        access_method(&d.access_method.to_id_string()),
                        general_name(&d.access_location)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            ParsedExtension::CertificatePolicies(policies) => policies
                .iter()
                .map(|p| p.policy_id.to_id_string())
                .collect::<Vec<_>>()
                .join(", "),
            ParsedExtension::ParseError { error } => format!("could not be decoded: {error}"),
            ParsedExtension::UnsupportedExtension { .. } | ParsedExtension::Unparsed => {
                format!("{} bytes, not decoded", ext.value.len())
            }
            ParsedExtension::IssuerAlternativeName(names) => names
                .general_names
                .iter()
                .map(general_name)
                .collect::<Vec<_>>()
                .join(", "),
            ParsedExtension::SubjectInfoAccess(sia) => sia
                .accessdescs
                .iter()
                .map(|d| general_name(&d.access_location))
                .collect::<Vec<_>>()
                .join(", "),
            ParsedExtension::PolicyConstraints(pc) => {
                let part = |name: &str, value: Option<u32>| value.map(|v| format!("{name}:{v}"));
                [
                    part("requireExplicitPolicy", pc.require_explicit_policy),
                    part("inhibitPolicyMapping", pc.inhibit_policy_mapping),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
            }
            ParsedExtension::InhibitAnyPolicy(inhibit) => {
                format!("skipCerts:{}", inhibit.skip_certs)
            }
            ParsedExtension::PolicyMappings(mappings) => {
                format!("{} policy mappings", mappings.mappings.len())
            }
            ParsedExtension::NsCertComment(comment) => (*comment).to_owned(),
            ParsedExtension::SCT(list) => format!("{} signed certificate timestamps", list.len()),
            // Extensions of CRLs and other kinds, not expected in a certificate.
            _ => format!("{} bytes", ext.value.len()),
        };
        summary.extensions.push(Extension {
            name: extension_name(&oid),
            oid,
            critical: ext.critical,
            value,
        });
    }
    summary
}

fn key_of(
    algorithm_oid: &str,
    spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>,
    parameters_oid: Option<&str>,
) -> (KeyAlgorithm, PublicValue) {
    match algorithm_oid {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let modulus = crate::der::unsigned(rsa.modulus).to_vec();
                (
                    KeyAlgorithm::Rsa {
                        bits: crate::der::bit_length(&modulus),
                    },
                    PublicValue::RsaModulus(modulus),
                )
            }
            _ => (KeyAlgorithm::Rsa { bits: 0 }, PublicValue::Unknown),
        },
        "1.2.840.10045.2.1" => (
            KeyAlgorithm::Ec {
                curve: keys::curve_name(parameters_oid.unwrap_or("unknown curve")),
            },
            PublicValue::Point(spki.subject_public_key.data.to_vec()),
        ),
        "1.3.101.112" => (
            KeyAlgorithm::Ed25519,
            PublicValue::Point(spki.subject_public_key.data.to_vec()),
        ),
        "1.3.101.113" => (
            KeyAlgorithm::Ed448,
            PublicValue::Point(spki.subject_public_key.data.to_vec()),
        ),
        other => (
            KeyAlgorithm::Other {
                oid: algorithm_name(other),
            },
            PublicValue::Point(spki.subject_public_key.data.to_vec()),
        ),
    }
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

fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(s) => format!("DNS:{s}"),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::URI(s) => format!("URI:{s}"),
        GeneralName::IPAddress(bytes) => format!("IP:{}", ip_address(bytes)),
        GeneralName::DirectoryName(n) => format!("DirName:{}", name_to_string(n)),
        GeneralName::RegisteredID(oid) => format!("RID:{}", oid.to_id_string()),
        GeneralName::OtherName(oid, _) => format!("othername:{}", oid.to_id_string()),
        GeneralName::X400Address(_) => "X400Address".into(),
        GeneralName::EDIPartyName(_) => "EDIPartyName".into(),
        GeneralName::Invalid(_, _) => "(invalid name)".into(),
    }
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
        let (rest, crl) =
            CertificateRevocationList::from_der(der).map_err(|e| parse_error("CRL", &e))?;
        if !rest.is_empty() {
            return Err(ParseError(format!("{} bytes follow the CRL", rest.len())));
        }
        let authority_key_id = crl
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|id| id.0.to_vec())
                }
                _ => None,
            });
        Ok(Self {
            der: der.to_vec(),
            issuer: name_to_string(crl.issuer()),
            issuer_raw: crl.issuer().as_raw().to_vec(),
            this_update: crl.last_update().timestamp(),
            next_update: crl.next_update().map(|t| t.timestamp()),
            revoked: crl
                .iter_revoked_certificates()
                .map(|r| crate::der::unsigned(r.raw_serial()).to_vec())
                .collect(),
            signature_algorithm: signature_algorithm(
                &crl.signature_algorithm.algorithm.to_id_string(),
                crl.signature_algorithm
                    .parameters
                    .as_ref()
                    .map(|p| p.data.to_vec())
                    .unwrap_or_default(),
            ),
            signature: crl.signature_value.data.to_vec(),
            tbs: offset_of(der, crl.tbs_cert_list.as_ref()),
            authority_key_id,
        })
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
