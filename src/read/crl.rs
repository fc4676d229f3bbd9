//! Certificate revocation lists, read with x509-parser into owned summaries; what decides
//! whether a stack may use one (an unknown critical extension, one that does not decode) is
//! kept as a [`CrlFault`].

use x509_parser::extensions::{ParsedExtension, SubjectAlternativeName};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::read::certificate::{
    Certificate, ParseError, Reason, Timestamp, describe_error, offset_of, timestamp,
};
use crate::read::extensions::{directory_names, point_names};
use crate::read::names::{self, OpensslCanonical};
use crate::read::signature::{
    SignatureAlgorithm, SignatureCheck, check_signature, signature_algorithm,
};

/// Something about a CRL that decides whether a stack may use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrlFault {
    /// A critical CRL extension the stacks do not process.
    UnknownCriticalExtension { oid: String },
    /// A critical extension on a revoked entry that the stacks do not process.
    UnknownCriticalEntryExtension {
        oid: String,
        /// The serial of the entry (INTEGER contents as encoded).
        serial: Vec<u8>,
    },
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

/// One entry of a CRL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// The serial number, the INTEGER contents exactly as encoded.
    pub serial: Vec<u8>,
    pub date: Timestamp,
    /// The cRLReason entry extension, by its RFC 5280 name (`keyCompromise`).
    pub reason: Option<String>,
    /// The issuer of the revoked certificate when an indirect CRL names another one (the
    /// certificateIssuer of this entry or of an earlier one, RFC 5280 §5.3.3), encoded.
    pub issuer: Option<Vec<u8>>,
    /// The OIDs of its critical extensions.
    pub critical: Vec<String>,
}

/// A CRL's issuingDistributionPoint (RFC 5280 §5.2.5): which certificates it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuingDistributionPoint {
    /// The distribution point's names, as a certificate's cRLDistributionPoints holds them.
    pub names: Option<Vec<String>>,
    pub only_user_certificates: bool,
    pub only_ca_certificates: bool,
    pub only_attribute_certificates: bool,
    /// onlySomeReasons, as ReasonFlags bits.
    pub only_some_reasons: Option<u16>,
    pub indirect: bool,
}

impl IssuingDistributionPoint {
    /// More than one of the "only" flags: OpenSSL's IDP_INVALID (RFC 5280 allows one).
    pub fn is_invalid(&self) -> bool {
        [
            self.only_user_certificates,
            self.only_ca_certificates,
            self.only_attribute_certificates,
        ]
        .iter()
        .filter(|&&f| f)
        .count()
            > 1
    }
}

/// An owned, parsed certificate revocation list.
#[derive(Clone, Debug)]
pub struct Crl {
    pub der: Vec<u8>,
    pub issuer: String,
    pub issuer_raw: Vec<u8>,
    pub issuer_canonical: Option<OpensslCanonical>,
    /// Java's canonical form of the issuer (`X500Principal` equality).
    pub issuer_java: String,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
    /// The revoked certificates' entries.
    pub revoked: Vec<Revoked>,
    pub signature_algorithm: SignatureAlgorithm,
    pub signature: Vec<u8>,
    pub tbs: std::ops::Range<usize>,
    pub authority_key_id: Option<Vec<u8>>,
    pub faults: Vec<CrlFault>,
    pub issuing_distribution_point: Option<IssuingDistributionPoint>,
    /// A delta CRL (deltaCRLIndicator, RFC 5280 §5.2.4).
    pub delta: bool,
    /// The OIDs of its critical extensions.
    pub critical: Vec<String>,
    /// An entry's serial number is not in DER's minimal form (a needless leading byte):
    /// OpenSSL does not load such a CRL at all.
    pub padded_serial: bool,
}

impl Crl {
    /// Parses one DER CRL with x509-parser.
    pub fn parse(der: &[u8]) -> Result<Self, ParseError> {
        parse_crl(der).map_err(|reason| ParseError(format!("not a valid CRL: {reason}")))
    }

    /// Does this CRL list `certificate`'s serial? Serials are compared as encoded.
    pub fn lists(&self, certificate: &Certificate) -> bool {
        self.entry_for(certificate).is_some()
    }

    /// This CRL's entry for `certificate`'s serial (compared as encoded).
    pub fn entry_for(&self, certificate: &Certificate) -> Option<&Revoked> {
        self.revoked
            .iter()
            .find(|entry| entry.serial == certificate.serial_raw)
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
            None,
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
    let mut issuing_distribution_point = None;
    let mut delta = false;
    let mut critical = Vec::new();
    for extension in tbs.extensions() {
        let oid = crate::read::asn1::dotted(&extension.oid);
        match extension.parsed_extension() {
            ParsedExtension::ParseError { .. } => {
                faults.push(CrlFault::UndecodableExtension { oid: oid.clone() });
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
            }
            ParsedExtension::IssuingDistributionPoint(idp) => {
                issuing_distribution_point = Some(IssuingDistributionPoint {
                    names: point_names(idp.distribution_point.as_ref()),
                    only_user_certificates: idp.only_contains_user_certs,
                    only_ca_certificates: idp.only_contains_ca_certs,
                    only_attribute_certificates: idp.only_contains_attribute_certs,
                    only_some_reasons: idp.only_some_reasons.as_ref().map(|r| r.flags),
                    indirect: idp.indirect_crl,
                });
            }
            _ => {}
        }
        delta |= oid == DELTA_CRL_INDICATOR;
        if extension.critical {
            if !KNOWN_CRL_EXTENSIONS.contains(&oid.as_str()) {
                faults.push(CrlFault::UnknownCriticalExtension { oid: oid.clone() });
            }
            critical.push(oid);
        }
    }
    let mut revoked = Vec::new();
    let mut padded_serial = false;
    let mut entry_issuer: Option<Vec<u8>> = None;
    for entry in &tbs.revoked_certificates {
        let serial = entry.raw_serial();
        padded_serial |= crate::read::asn1::integer_minimal(serial).len() != serial.len();
        let mut entry_critical = Vec::new();
        for extension in entry.extensions() {
            let oid = crate::read::asn1::dotted(&extension.oid);
            if oid == CERTIFICATE_ISSUER {
                entry_issuer = certificate_issuer(extension.value);
            }
            if extension.critical {
                if !KNOWN_CRL_ENTRY_EXTENSIONS.contains(&oid.as_str()) {
                    faults.push(CrlFault::UnknownCriticalEntryExtension {
                        oid: oid.clone(),
                        serial: serial.to_vec(),
                    });
                }
                entry_critical.push(oid);
            }
        }
        revoked.push(Revoked {
            issuer: entry_issuer.clone(),
            critical: entry_critical,
            serial: serial.to_vec(),
            date: timestamp(&entry.revocation_date),
            // x509-parser names reasons as `KeyCompromise`; RFC 5280's names begin in lower case.
            reason: entry.reason_code().map(|(_, code)| {
                let name = code.to_string();
                let mut chars = name.chars();
                chars
                    .next()
                    .map(|first| first.to_lowercase().chain(chars).collect())
                    .unwrap_or(name)
            }),
        });
    }
    Ok(Crl {
        der: der_bytes.to_vec(),
        issuer: names::display(&tbs.issuer),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        issuer_canonical: OpensslCanonical::of(&tbs.issuer),
        issuer_java: names::java_canonical(&tbs.issuer),
        this_update: timestamp(&tbs.this_update),
        next_update: tbs.next_update.as_ref().map(timestamp),
        revoked,
        signature_algorithm: signature_algorithm(&crl.signature_algorithm),
        signature: crl.signature_value.data.to_vec(),
        tbs: offset_of(der_bytes, tbs.as_ref()),
        authority_key_id,
        faults,
        issuing_distribution_point,
        delta,
        critical,
        padded_serial,
    })
}

/// An encoded Name's OpenSSL and Java canonical forms (`None` when it does not decode).
pub fn name_forms(raw: &[u8]) -> Option<(Option<OpensslCanonical>, String)> {
    let (_, name) = x509_parser::x509::X509Name::from_der(raw).ok()?;
    Some((OpensslCanonical::of(&name), names::java_canonical(&name)))
}

const DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const CERTIFICATE_ISSUER: &str = "2.5.29.29";

/// The first directory name of a certificateIssuer entry extension (GeneralNames), encoded.
fn certificate_issuer(value: &[u8]) -> Option<Vec<u8>> {
    let (_, names) = SubjectAlternativeName::from_der(value).ok()?;
    directory_names(&names.general_names).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(Crl::parse(&[0xff; 10]).is_err());
        assert!(Crl::parse(&[]).is_err());
    }
}
