//! OCSP responses given as files (RFC 6960): what a server that checks client certificates
//! with OCSP (nginx's `ssl_ocsp`, Apache's `SSLOCSPEnable`, Java's PKIX with revocation on)
//! would be answered by the responder, saved with `openssl ocsp -respout` or `curl`. Read
//! with RustCrypto's x509-ocsp into owned summaries; the signature algorithm, the responder's
//! name and the certificates the response carries are then read as the rest of the engine
//! reads them (x509-parser), so that one signature check and one name comparison serve all.

use der07::{Decode as _, Encode as _, Reader as _};
use serde::{Deserialize, Serialize};
use x509_ocsp::{
    BasicOcspResponse, CertStatus, OcspGeneralizedTime, OcspResponse, OcspResponseStatus,
    ResponderId,
};
use x509_parser::prelude::FromDer as _;

use crate::read::asn1;
use crate::read::certificate::{Certificate, ParseError, Timestamp};
use crate::read::names;
use crate::read::signature::{Hash, SignatureAlgorithm, signature_algorithm};

/// id-pkix-ocsp-basic: the only response type RFC 6960 defines.
const BASIC: &str = "1.3.6.1.5.5.7.48.1.1";

/// One OCSP response, as read: its status and, when `successful`, its BasicOCSPResponse
/// ([`Ocsp::basic`]). The page's OCSP module sends it to the engine's: its fields are kept
/// plain and in one struct (bytes, strings, numbers) so that the engine's module carries little
/// code to receive it; the methods give them their meaning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ocsp {
    /// `successful` or the responder's error (`tryLater`, `unauthorized`, …).
    pub status: String,
    /// The DER of tbsResponseData, which the signature covers.
    #[serde(with = "serde_bytes")]
    pub tbs: Vec<u8>,
    /// The DER of its signatureAlgorithm ([`Basic::algorithm`]).
    #[serde(with = "serde_bytes")]
    pub algorithm: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub signature: Vec<u8>,
    /// responderID byName: the encoded Name (empty when byKey) and its text.
    #[serde(with = "serde_bytes")]
    pub responder_name: Vec<u8>,
    pub responder_text: String,
    /// responderID byKey: the SHA-1 hash of the responder's public key (empty when byName).
    #[serde(with = "serde_bytes")]
    pub responder_key: Vec<u8>,
    pub produced_at: Timestamp,
    pub responses: Vec<Single>,
    /// The certificates the response carries (a delegated responder's, maybe its chain), DER.
    pub certificates: Vec<serde_bytes::ByteBuf>,
    /// The OIDs of the response's critical extensions.
    pub critical: Vec<String>,
    /// Read from `openssl ocsp -resp_text` output rather than the response's DER: what it says
    /// is known, not its signed bytes (`tbs` and `signature` are empty), so its signature
    /// cannot be checked.
    #[serde(default)]
    pub from_text: bool,
}

/// A BasicOCSPResponse: the fields of an [`Ocsp`] whose status is `successful`.
pub type Basic = Ocsp;

/// Who signed the response, as its responderID names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Responder<'a> {
    /// byName: the encoded Name and its text.
    Name { raw: &'a [u8], text: &'a str },
    /// byKey: the SHA-1 hash of the responder's public key (the BIT STRING's contents).
    Key(&'a [u8]),
}

impl Ocsp {
    /// Its BasicOCSPResponse, when the responder answered with one.
    pub fn basic(&self) -> Option<&Basic> {
        (self.status == "successful").then_some(self)
    }

    pub fn responder(&self) -> Responder<'_> {
        // Read from text, a name is known by its text only.
        if self.responder_name.is_empty() && self.responder_text.is_empty() {
            Responder::Key(&self.responder_key)
        } else {
            Responder::Name {
                raw: &self.responder_name,
                text: &self.responder_text,
            }
        }
    }

    /// Its responderID as people read it: the name, or `key hash AB:CD:…`.
    pub fn responder_label(&self) -> String {
        match self.responder() {
            Responder::Name { text, .. } => text.to_owned(),
            Responder::Key(hash) => {
                format!("key hash {}", crate::certificate::upper_hex(hash, ":"))
            }
        }
    }

    /// Its signature algorithm, named as certificates' are.
    pub fn algorithm(&self) -> Option<SignatureAlgorithm> {
        let (_, algorithm) =
            x509_parser::x509::AlgorithmIdentifier::from_der(&self.algorithm).ok()?;
        Some(signature_algorithm(&algorithm))
    }
}

/// One SingleResponse: a certificate's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Single {
    /// The OID of the CertID's hash (SHA-1 from most responders): [`Single::hash`].
    pub hash_oid: String,
    /// The hash of the issuer's encoded subject.
    #[serde(with = "serde_bytes")]
    pub issuer_name_hash: Vec<u8>,
    /// The hash of the issuer's public key (the subjectPublicKey BIT STRING's contents).
    #[serde(with = "serde_bytes")]
    pub issuer_key_hash: Vec<u8>,
    /// The serial number, the INTEGER contents as encoded.
    #[serde(with = "serde_bytes")]
    pub serial: Vec<u8>,
    /// `good`, `revoked` or `unknown`: [`Single::status`].
    pub status: String,
    pub revoked_at: Option<Timestamp>,
    /// The reason of a revocation, by its RFC 5280 name (`keyCompromise`).
    pub reason: Option<String>,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
    /// The OIDs of its critical extensions.
    pub critical: Vec<String>,
}

/// What the responder says of one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<'a> {
    Good,
    Revoked {
        time: Timestamp,
        reason: Option<&'a str>,
    },
    Unknown,
}

impl Single {
    /// The CertID's hash.
    pub fn hash(&self) -> Hash {
        match self.hash_oid.as_str() {
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => Hash::Unknown,
        }
    }

    pub fn status(&self) -> Status<'_> {
        match (self.status.as_str(), self.revoked_at) {
            ("good", _) => Status::Good,
            ("revoked", Some(time)) => Status::Revoked {
                time,
                reason: self.reason.as_deref(),
            },
            _ => Status::Unknown,
        }
    }

    /// `bytes` hashed with this status's CertID hash; `None` for a hash this tool lacks.
    fn hash_of(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        use ring::digest;
        let algorithm = match self.hash() {
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
            _ => return None,
        };
        Some(digest::digest(algorithm, bytes).as_ref().to_vec())
    }

    /// Is this a status of a certificate `ca` issued (its CertID hashes `ca`'s encoded
    /// subject and public key)?
    pub fn of_issuer(&self, ca: &Certificate) -> bool {
        self.hash_of(&ca.subject_raw).as_ref() == Some(&self.issuer_name_hash)
            && self.hash_of(&ca.spki_key).as_ref() == Some(&self.issuer_key_hash)
    }

    /// Is this the status of `cert`, issued by `issuer`? Serials compare by value
    /// (`ASN1_INTEGER_cmp`, `BigInteger.equals`).
    pub fn names(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        asn1::integer_minimal(&self.serial) == asn1::integer_minimal(&cert.serial_raw)
            && self.of_issuer(issuer)
    }
}

impl Ocsp {
    /// Reads one DER OCSPResponse, or the text `openssl ocsp -resp_text` prints of one
    /// ([`Ocsp::from_text`]).
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        if der.starts_with(TEXT_START.as_bytes()) {
            return Self::from_text(&String::from_utf8_lossy(der)).map_err(|reason| {
                ParseError(format!("not readable OCSP response text: {reason}"))
            });
        }
        read(der).map_err(|reason| ParseError(format!("not a valid OCSP response: {reason}")))
    }

    /// Reads the text `openssl ocsp -resp_text` prints of a response (`OCSP_RESPONSE_print`:
    /// its fields, then each certificate it carries as text and PEM). Hand-written: no crate
    /// reads OpenSSL's text output. The signed bytes are not in it, so the result is
    /// [`Ocsp::from_text`]; the certificates are read from their PEM.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let mut ocsp = Ocsp {
            from_text: true,
            ..Ocsp::default()
        };
        // Which extensions list a line belongs to: the response's, or the last status's.
        let mut in_extensions: Option<bool> = None;
        let mut pem: Option<String> = None;
        // After the response's fields, each certificate it carries (text, then PEM).
        let mut carried = false;
        for line in text.lines() {
            let trimmed = line.trim();
            carried |= line == "Certificate:";
            if let Some(body) = pem.as_mut() {
                if trimmed.starts_with("-----END ") {
                    let der = crate::read::decode::base64_decode(body.as_bytes())
                        .ok_or("a certificate's PEM does not decode")?;
                    ocsp.certificates.push(serde_bytes::ByteBuf::from(der));
                    pem = None;
                } else {
                    body.push_str(trimmed);
                }
                continue;
            }
            if trimmed == "-----BEGIN CERTIFICATE-----" {
                pem = Some(String::new());
                continue;
            }
            let Some((field, value)) = trimmed.split_once(':').filter(|_| !carried) else {
                continue;
            };
            let value = value.trim();
            let last = ocsp.responses.last_mut();
            match (field, last) {
                ("OCSP Response Status", _) => {
                    ocsp.status = value.split(' ').next().unwrap_or_default().to_owned();
                }
                ("Responder Id", _) => match hex(value) {
                    Some(key) if key.len() == 20 => ocsp.responder_key = key,
                    // `X509_NAME_print_ex`'s one-line form, `O = E2E, CN = E2E CA`, written
                    // as the report writes names.
                    _ => ocsp.responder_text = value.replace(" = ", "="),
                },
                ("Produced At", _) => ocsp.produced_at = text_time(value)?,
                ("Certificate ID", _) => {
                    in_extensions = None;
                    ocsp.responses.push(Single {
                        hash_oid: String::new(),
                        issuer_name_hash: Vec::new(),
                        issuer_key_hash: Vec::new(),
                        serial: Vec::new(),
                        status: String::new(),
                        revoked_at: None,
                        reason: None,
                        this_update: 0,
                        next_update: None,
                        critical: Vec::new(),
                    });
                }
                ("Hash Algorithm", Some(single)) => {
                    single.hash_oid = match value {
                        "sha1" => "1.3.14.3.2.26",
                        "sha256" => "2.16.840.1.101.3.4.2.1",
                        "sha384" => "2.16.840.1.101.3.4.2.2",
                        "sha512" => "2.16.840.1.101.3.4.2.3",
                        other => other,
                    }
                    .to_owned();
                }
                ("Issuer Name Hash", Some(single)) => {
                    single.issuer_name_hash = hex(value).ok_or("an issuer name hash is not hex")?;
                }
                ("Issuer Key Hash", Some(single)) => {
                    single.issuer_key_hash = hex(value).ok_or("an issuer key hash is not hex")?;
                }
                ("Serial Number", Some(single)) => {
                    let mut serial = hex(value).ok_or("a serial number is not hex")?;
                    // OpenSSL prints the magnitude; the INTEGER's contents keep a leading zero
                    // byte before a high bit.
                    if serial.first().is_some_and(|&b| b >= 0x80) {
                        serial.insert(0, 0);
                    }
                    single.serial = serial;
                }
                ("Cert Status", Some(single)) => single.status = value.to_owned(),
                ("Revocation Time", Some(single)) => single.revoked_at = Some(text_time(value)?),
                ("Revocation Reason", Some(single)) => {
                    single.reason = value.split(' ').next().map(str::to_owned);
                }
                ("This Update", Some(single)) => single.this_update = text_time(value)?,
                ("Next Update", Some(single)) => single.next_update = Some(text_time(value)?),
                ("Response Extensions", _) => in_extensions = Some(true),
                ("Response Single Extensions", _) => in_extensions = Some(false),
                ("Signature Algorithm", _) => in_extensions = None,
                // An extension: its name, then ": critical" when it is.
                (name, last) if value == "critical" => {
                    let oid = match name {
                        "OCSP Nonce" => "1.3.6.1.5.5.7.48.1.2",
                        "OCSP CRL ID" => "1.3.6.1.5.5.7.48.1.3",
                        other => other,
                    }
                    .to_owned();
                    match (in_extensions, last) {
                        (Some(true), _) => ocsp.critical.push(oid),
                        (Some(false), Some(single)) => single.critical.push(oid),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if ocsp.status.is_empty() {
            return Err("it has no response status".to_owned());
        }
        if ocsp.status == "successful" {
            let incomplete = ocsp
                .responses
                .iter()
                .any(|s| s.hash_oid.is_empty() || s.serial.is_empty() || s.status.is_empty());
            if ocsp.responses.is_empty() || incomplete || ocsp.produced_at == 0 {
                return Err("it is not complete".to_owned());
            }
        }
        Ok(ocsp)
    }
}

/// How `openssl ocsp -resp_text` output starts.
pub const TEXT_START: &str = "OCSP Response Data:";

/// Bytes written as hex digits, as OpenSSL prints hashes and serial numbers (a negative serial,
/// written with `-`, is not read).
fn hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok().filter(|bytes| !bytes.is_empty())
}

/// A time as `ASN1_GENERALIZEDTIME_print` writes it: `Dec  1 10:00:37 2026 GMT` (fractions of a
/// second after the seconds), converted by the der crate's calendar.
fn text_time(text: &str) -> Result<Timestamp, String> {
    let bad = || format!("the time `{text}` is not as OpenSSL prints times");
    let mut parts = text.split_whitespace();
    let (Some(month), Some(day), Some(clock), Some(year)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month).ok_or_else(bad)? + 1;
    let mut clock = clock.split(['.', ':']);
    let number = |part: Option<&str>| part.and_then(|p| p.parse::<u8>().ok()).ok_or_else(bad);
    let (hour, minute, second) = (
        number(clock.next())?,
        number(clock.next())?,
        number(clock.next())?,
    );
    let day = number(Some(day))?;
    let year: u16 = year.parse().map_err(|_| bad())?;
    let time =
        der07::DateTime::new(year, month as u8, day, hour, minute, second).map_err(|_| bad())?;
    i64::try_from(time.unix_duration().as_secs()).map_err(|_| bad())
}

fn read(der: &[u8]) -> Result<Ocsp, String> {
    let response = OcspResponse::from_der(der).map_err(|e| e.to_string())?;
    let status = match response.response_status {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    };
    let mut read = match (&response.response_status, response.response_bytes) {
        (OcspResponseStatus::Successful, Some(bytes)) => {
            let kind = bytes.response_type.to_string();
            if kind != BASIC {
                return Err(format!("its response type {kind} is not the basic one"));
            }
            read_basic(bytes.response.as_bytes())?
        }
        (OcspResponseStatus::Successful, None) => {
            return Err("it says successful but holds no response".to_owned());
        }
        _ => Ocsp::default(),
    };
    read.status = status.to_owned();
    Ok(read)
}

fn read_basic(der: &[u8]) -> Result<Ocsp, String> {
    let basic = BasicOcspResponse::from_der(der).map_err(|e| e.to_string())?;
    // The signed bytes as they came (the structure decoded above checked them).
    let tbs = der07::SliceReader::new(der)
        .and_then(|mut reader| {
            der07::Header::decode(&mut reader)?;
            reader.tlv_bytes().map(<[u8]>::to_vec)
        })
        .map_err(|e| e.to_string())?;
    let algorithm = basic
        .signature_algorithm
        .to_der()
        .map_err(|e| e.to_string())?;
    let data = &basic.tbs_response_data;
    let (responder_name, responder_text, responder_key) = match &data.responder_id {
        ResponderId::ByName(name) => {
            let raw = name.to_der().map_err(|e| e.to_string())?;
            let text = x509_parser::x509::X509Name::from_der(&raw)
                .map(|(_, name)| names::display(&name))
                .map_err(|_| "its responder name does not decode".to_owned())?;
            (raw, text, Vec::new())
        }
        ResponderId::ByKey(hash) => (Vec::new(), String::new(), hash.as_bytes().to_vec()),
    };
    // Only critical extensions matter to the stacks.
    let critical = data
        .response_extensions
        .iter()
        .flatten()
        .filter(|e| e.critical)
        .map(|e| e.extn_id.to_string())
        .collect();
    let responses = data.responses.iter().map(single).collect();
    let certificates = basic
        .certs
        .iter()
        .flatten()
        .map(|c| c.to_der().map(serde_bytes::ByteBuf::from))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    Ok(Ocsp {
        status: String::new(),
        tbs,
        algorithm,
        signature: basic.signature.raw_bytes().to_vec(),
        responder_name,
        responder_text,
        responder_key,
        produced_at: seconds(&data.produced_at),
        responses,
        certificates,
        critical,
        from_text: false,
    })
}

fn single(response: &x509_ocsp::SingleResponse) -> Single {
    let id = &response.cert_id;
    let (status, revoked_at, reason) = match &response.cert_status {
        CertStatus::Good(_) => ("good", None, None),
        CertStatus::Revoked(info) => (
            "revoked",
            Some(seconds(&info.revocation_time)),
            info.revocation_reason.map(|reason| {
                // `KeyCompromise` as RFC 5280 writes it: `keyCompromise`.
                let name = format!("{reason:?}");
                let mut chars = name.chars();
                chars
                    .next()
                    .map(|first| first.to_lowercase().chain(chars).collect())
                    .unwrap_or(name)
            }),
        ),
        CertStatus::Unknown(_) => ("unknown", None, None),
    };
    Single {
        hash_oid: id.hash_algorithm.oid.to_string(),
        issuer_name_hash: id.issuer_name_hash.as_bytes().to_vec(),
        issuer_key_hash: id.issuer_key_hash.as_bytes().to_vec(),
        serial: id.serial_number.as_bytes().to_vec(),
        status: status.to_owned(),
        revoked_at,
        reason,
        this_update: seconds(&response.this_update),
        next_update: response.next_update.as_ref().map(seconds),
        critical: response
            .single_extensions
            .iter()
            .flatten()
            .filter(|e| e.critical)
            .map(|e| e.extn_id.to_string())
            .collect(),
    }
}

fn seconds(time: &OcspGeneralizedTime) -> Timestamp {
    i64::try_from(time.0.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(Ocsp::parse(&[0xff; 10]).is_err());
        assert!(Ocsp::parse(&[]).is_err());
    }

    #[test]
    fn a_responder_error_has_no_basic_response() {
        // OCSPResponse { responseStatus tryLater(3) }
        let der = [0x30, 0x03, 0x0a, 0x01, 0x03];
        let ocsp = Ocsp::parse(&der).unwrap();
        assert_eq!(ocsp.status, "tryLater");
        assert!(ocsp.basic().is_none());
    }
}
