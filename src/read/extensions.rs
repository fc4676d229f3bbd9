//! Certificate extensions: each read with x509-parser into the summary's fields the checks
//! use, described in one line for people, and its faults noted (undecodable, repeated, a BER
//! critical flag, a non-minimal purpose OID).

use x509_parser::der_parser::asn1_rs::Oid;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension, X509Extension};

use crate::read::certificate::{
    BasicConstraints, Certificate, DistributionPoint, ExtendedKeyUsage, Extension, Fault, KeyUsage,
    NameConstraints, colon_hex,
};
use crate::read::names::{self, OpensslCanonical};

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
    let dotted = crate::read::asn1::dotted(oid);
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
        GeneralName::RegisteredID(oid) => format!("RID:{}", crate::read::asn1::dotted(oid)),
        GeneralName::OtherName(oid, _) => format!("othername:{}", crate::read::asn1::dotted(oid)),
        GeneralName::X400Address(_) => "X400Address".to_owned(),
        GeneralName::EDIPartyName(_) => "EDIPartyName".to_owned(),
        GeneralName::Invalid(..) => "(invalid name)".to_owned(),
    }
}

fn general_names(list: &[GeneralName<'_>]) -> Vec<String> {
    list.iter().map(general_name).collect()
}

/// A DistributionPointName's names, as [`DistributionPoint::names`] keeps them.
pub(crate) fn point_names(name: Option<&DistributionPointName<'_>>) -> Option<Vec<String>> {
    name.map(|name| match name {
        DistributionPointName::FullName(names) => general_names(names),
        DistributionPointName::NameRelativeToCRLIssuer(_) => vec!["(relative name)".to_owned()],
    })
}

/// The directory names among general names, encoded.
pub(crate) fn directory_names<'a>(
    names: impl IntoIterator<Item = &'a GeneralName<'a>>,
) -> impl Iterator<Item = Vec<u8>> {
    names.into_iter().filter_map(|name| match name {
        GeneralName::DirectoryName(name) => Some(name.as_raw().to_vec()),
        _ => None,
    })
}

fn distribution_points(
    points: &x509_parser::extensions::CRLDistributionPoints<'_>,
) -> Vec<DistributionPoint> {
    points
        .iter()
        .map(|point| DistributionPoint {
            names: point_names(point.distribution_point.as_ref()),
            crl_issuers: directory_names(point.crl_issuer.iter().flatten()).collect(),
        })
        .collect()
}

fn access_method(oid: &Oid<'_>) -> &'static str {
    match crate::read::asn1::dotted(oid).as_str() {
        "1.3.6.1.5.5.7.48.1" => "OCSP",
        "1.3.6.1.5.5.7.48.2" => "CA Issuers",
        _ => "access",
    }
}

/// Reads one extension into `summary`: its field (for the ones the checks use), its line for
/// people, and any fault. `ber_critical` lists the extensions whose critical flag is a BER
/// boolean.
pub(crate) fn read_extension(
    extension: &X509Extension<'_>,
    ber_critical: &[String],
    summary: &mut Certificate,
) {
    let oid = crate::read::asn1::dotted(&extension.oid);
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

pub(crate) const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";

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
        ParsedExtension::ExtendedKeyUsage(eku) => extended_key_usage(eku, summary),
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
        ParsedExtension::NameConstraints(nc) => name_constraints(nc, summary),
        ParsedExtension::CRLDistributionPoints(points) => {
            summary.crl_distribution_points = distribution_points(points);
            informational(parsed, raw)
        }
        other => informational(other, raw),
    }
}

/// extendedKeyUsage: the purposes by name (a non-minimal OID is kept, marked, and noted as a
/// fault: it matches no purpose).
fn extended_key_usage(
    eku: &x509_parser::extensions::ExtendedKeyUsage<'_>,
    summary: &mut Certificate,
) -> String {
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
            purpose: crate::read::asn1::dotted(oid),
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

fn name_constraints(
    nc: &x509_parser::extensions::NameConstraints<'_>,
    summary: &mut Certificate,
) -> String {
    let bases = |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
        subtrees
            .iter()
            .flatten()
            .map(|subtree| general_name(&subtree.base))
            .collect::<Vec<_>>()
    };
    let names = |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
        subtrees
            .iter()
            .flatten()
            .filter_map(|subtree| match &subtree.base {
                GeneralName::DirectoryName(name) => {
                    Some((general_name(&subtree.base), OpensslCanonical::of(name)))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let constraints = NameConstraints {
        permitted: bases(&nc.permitted_subtrees),
        excluded: bases(&nc.excluded_subtrees),
        permitted_names: names(&nc.permitted_subtrees),
        excluded_names: names(&nc.excluded_subtrees),
    };
    let text = format!(
        "permitted: [{}]; excluded: [{}]",
        constraints.permitted.join(", "),
        constraints.excluded.join(", ")
    );
    summary.name_constraints = Some(constraints);
    text
}

/// The one-line description of an extension no check reads.
fn informational(parsed: &ParsedExtension<'_>, raw: &[u8]) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match parsed {
        ParsedExtension::IssuerAlternativeName(ian) => join(general_names(&ian.general_names)),
        ParsedExtension::CRLDistributionPoints(points) => join(
            points
                .points
                .iter()
                .flat_map(|point| match &point.distribution_point {
                    Some(DistributionPointName::FullName(names)) => general_names(names),
                    _ => vec!["(relative name)".to_owned()],
                })
                .collect(),
        ),
        ParsedExtension::AuthorityInfoAccess(aia) => join(
            aia.accessdescs
                .iter()
                .map(|d| {
                    let method = access_method(&d.access_method);
                    format!("{method} {}", general_name(&d.access_location))
                })
                .collect(),
        ),
        ParsedExtension::SubjectInfoAccess(sia) => join(
            sia.accessdescs
                .iter()
                .map(|d| general_name(&d.access_location))
                .collect(),
        ),
        ParsedExtension::CertificatePolicies(policies) => join(
            policies
                .iter()
                .map(|p| crate::read::asn1::dotted(&p.policy_id))
                .collect(),
        ),
        ParsedExtension::PolicyConstraints(pc) => join(
            [
                ("requireExplicitPolicy", pc.require_explicit_policy),
                ("inhibitPolicyMapping", pc.inhibit_policy_mapping),
            ]
            .iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name}:{v}")))
            .collect(),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

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
