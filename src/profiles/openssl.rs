//! OpenSSL `X509_verify_cert` with purpose sslclient at security level 2, and nginx's
//! `ssl_verify_depth` and `ssl_crl` on top.

use super::*;

/// Critical extensions OpenSSL 3 understands (`X509_supported_extension`).
const OPENSSL_KNOWN_CRITICAL: &[&str] = &[
    "2.16.840.1.113730.1.1", // nsCertType
    "2.5.29.15",             // keyUsage
    "2.5.29.17",             // subjectAltName
    "2.5.29.19",             // basicConstraints
    "2.5.29.32",             // certificatePolicies
    "2.5.29.31",             // cRLDistributionPoints
    "2.5.29.37",             // extendedKeyUsage
    "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
    "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
    "1.3.6.1.5.5.7.48.1.5",  // OCSP noCheck
    "2.5.29.36",             // policyConstraints
    "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
    "2.5.29.30",             // nameConstraints
    "2.5.29.33",             // policyMappings
    "2.5.29.54",             // inhibitAnyPolicy
];

/// The extensions `ossl_x509v3_cache_extensions` decodes: when one of them does not decode or
/// appears twice, OpenSSL marks the certificate invalid (EXFLAG_INVALID), and no chain can be
/// built through it (`X509_check_issued` fails: "unable to get local issuer certificate").
const OPENSSL_CACHED: &[&str] = &[
    "2.5.29.19",             // basicConstraints
    "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
    "2.5.29.15",             // keyUsage
    "2.5.29.37",             // extendedKeyUsage
    "2.16.840.1.113730.1.1", // nsCertType
    "2.5.29.14",             // subjectKeyIdentifier
    "2.5.29.35",             // authorityKeyIdentifier
    "2.5.29.17",             // subjectAltName
    "2.5.29.30",             // nameConstraints
    "2.5.29.31",             // cRLDistributionPoints
    "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
    "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
];

/// The universal tags a name's value may have for OpenSSL (`ASN1_PRINTABLE`, the mask
/// `B_ASN1_PRINTABLE` through `ASN1_tag2bit`): the usual string types, BIT STRING, SEQUENCE and
/// the tags it calls unknown. VisibleString, OCTET STRING, INTEGER, times and the rest make the
/// name, and so the certificate, unreadable.
const OPENSSL_NAME_VALUE_TAGS: &[u32] = &[
    3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30, 31,
];

/// Why OpenSSL cannot read a certificate at all (`d2i_X509` fails): a name value of a type it
/// does not take, or that does not convert to its canonical form, a serial number with
/// needless leading bytes, data after the extensions. A server fails the handshake on it; a
/// client cannot load its bundle.
pub(crate) fn unreadable(cert: &Certificate) -> Option<String> {
    let value_types_ok = [&cert.subject_raw, &cert.issuer_raw].iter().all(|raw| {
        crate::read::names::parse(raw).is_some_and(|name| {
            crate::read::names::value_tags(&name)
                .iter()
                .all(|(class, tag)| {
                    *class == der_parser::asn1_rs::Class::Universal
                        && OPENSSL_NAME_VALUE_TAGS.contains(tag)
                })
        })
    });
    if !value_types_ok {
        return Some("a name value is of a type OpenSSL does not read in names".to_owned());
    }
    if cert.subject_canonical.is_none() || cert.issuer_canonical.is_none() {
        return Some("a name value does not decode as its string type".to_owned());
    }
    first_fault(cert, |f| {
        matches!(f, Fault::SerialNotMinimal | Fault::DataAfterExtensions)
    })
}

/// What OpenSSL refuses in a certificate of the path: an invalid extension (one it decodes that
/// does not, or appears twice, or lists a purpose with a padded OID), dates not in RFC 5280's
/// forms (errors 13 and 14), a signature whose algorithm differs inside and outside or whose
/// BIT STRING has unused bits (error 7).
fn path_faults(cert: &Certificate, index: usize, out: &mut Vec<Violation>) {
    let invalid = first_fault(cert, |f| match f {
        Fault::UndecodableExtension { oid, .. } | Fault::DuplicateExtension { oid, .. } => {
            OPENSSL_CACHED.contains(&oid.as_str())
        }
        Fault::NonMinimalOid { .. } => true,
        _ => false,
    });
    if let Some(reason) = invalid {
        out.push(Violation::new(Code::MalformedExtension, index).value(&reason));
    }
    for (field, time) in [
        ("notBefore", &cert.not_before_encoding),
        ("notAfter", &cert.not_after_encoding),
    ] {
        if !time_form_ok(time, false) {
            out.push(
                Violation::new(Code::MalformedCertificate, index).value(&format!(
                    "its {field} \"{}\" is not in the form RFC 5280 requires",
                    time.text
                )),
            );
        }
    }
    let signature = first_fault(cert, |f| {
        matches!(
            f,
            Fault::SignatureAlgorithmMismatch | Fault::SignatureUnusedBits
        )
    });
    if let Some(reason) = signature {
        out.push(Violation::new(Code::MalformedCertificate, index).value(&reason));
    }
}

// ---------------------------------------------------------------------------------------------
// OpenSSL and nginx

/// OpenSSL's verify settings that the profiles and servers differ in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpensslSettings {
    /// `ssl_verify_depth` / `-verify_depth`: most intermediates allowed.
    pub max_intermediates: Option<usize>,
    /// `-crl_check` (the client certificate) or `-crl_check_all` (every level).
    pub crl: CrlCheck,
    /// `X509_V_FLAG_PARTIAL_CHAIN` (`-partial_chain`; Envoy sets it): when no path reaches a
    /// self-signed certificate of the trust store, any certificate of the store ends one.
    pub partial_chain: bool,
    /// Which certificates are checked with OCSP (nginx `ssl_ocsp leaf` or `on`; the same
    /// three choices as for CRLs): the responses given are the responder's answers.
    pub ocsp: CrlCheck,
}

impl OpensslSettings {
    /// The defaults a profile stands for, without a server configuration: a CRL given is a
    /// CRL the server is configured with, and OpenSSL-based servers (nginx, HAProxy,
    /// PostgreSQL) then check every level of the chain.
    pub fn for_profile(profile: Profile, have_crls: bool, have_ocsp: bool) -> Self {
        let crl = if have_crls {
            CrlCheck::Chain
        } else {
            CrlCheck::Off
        };
        match profile {
            Profile::Nginx => Self {
                max_intermediates: Some(1),
                crl,
                partial_chain: false,
                ocsp: if have_ocsp {
                    CrlCheck::Chain
                } else {
                    CrlCheck::Off
                },
            },
            _ => Self {
                max_intermediates: None,
                crl,
                partial_chain: false,
                ocsp: if have_ocsp {
                    CrlCheck::Chain
                } else {
                    CrlCheck::Off
                },
            },
        }
    }
}

/// OpenSSL `X509_verify_cert` with purpose sslclient at security level 2: the path must end at
/// a self-signed certificate of the trust store, or, with partial chains, at any certificate
/// of it when none does.
pub fn openssl_rules(context: &Context<'_>, settings: &OpensslSettings) -> Evaluation {
    let graph = context.graph;
    let is_anchor = |i: usize| (context.anchors)(i) && graph.is_self_signed_openssl(i);
    let mut search = graph.search(context.leaf, NameMatching::Openssl, &is_anchor);
    if settings.partial_chain && !matches!(search, Search::Complete(_)) {
        let partial = graph.search(context.leaf, NameMatching::Openssl, &|i| {
            (context.anchors)(i)
        });
        if matches!(partial, Search::Complete(_)) {
            search = partial;
        }
    }
    let search = match search {
        // A self-signed client certificate that the trust store holds is its own anchor: the
        // chain is that one certificate.
        Search::Complete(path)
            if path.len() == 2
                && path
                    .last()
                    .is_some_and(|&a| graph.same_certificate(a, context.leaf)) =>
        {
            Search::Complete(vec![context.leaf])
        }
        other => other,
    };
    let path = search.path().to_vec();
    let mut violations = Vec::new();
    let mut revocation_sources = Vec::new();
    for step in walk(context, &path) {
        certificate_rules(context, &step, &mut violations);
        if step.is_leaf() {
            leaf_key_usage(context, &step, &mut violations);
        } else {
            check_ca(graph, &step, &mut violations);
        }
    }
    path_lengths(context, &path, &mut violations);
    for (subject, issuer) in links(&path) {
        signature_rules(
            context,
            subject,
            issuer,
            SignatureRules::Openssl,
            &mut violations,
        );
    }
    name_constraints(context, &path, CommonName::HostWithoutDns, &mut violations);
    if let Some(max) = settings.max_intermediates {
        let intermediates = path.len().saturating_sub(2);
        if matches!(search, Search::Complete(_)) && intermediates > max {
            violations.push(
                Violation::new(Code::ChainTooDeep, context.leaf).value(&format!(
                    "{intermediates} intermediates, more than the {max} its verify depth allows"
                )),
            );
        }
    }
    if settings.crl != CrlCheck::Off && !context.crls.is_empty() {
        let below_anchor = without_anchor(&path, matches!(search, Search::Complete(_)));
        let checked = match settings.crl {
            CrlCheck::Leaf => below_anchor.len().min(1),
            _ => below_anchor.len(),
        };
        revocation(
            context,
            &path,
            checked,
            CrlRules::Openssl,
            &mut violations,
            &mut revocation_sources,
        );
    }
    // nginx asks after verification succeeded, about every certificate of the verified chain
    // but its root (`ssl_ocsp on`), or the client certificate only (`ssl_ocsp leaf`).
    let verified = !violations
        .iter()
        .any(|v| v.code.severity() == crate::diagnosis::Severity::Error);
    let complete = matches!(search, Search::Complete(_));
    if settings.ocsp != CrlCheck::Off && !context.ocsp.is_empty() && verified && complete {
        let checked = match settings.ocsp {
            CrlCheck::Leaf => 1,
            _ => path.len().saturating_sub(1),
        };
        ocsp(
            context,
            &path,
            checked,
            OcspRules::Openssl,
            &mut violations,
            &mut revocation_sources,
        );
    }
    unreadable_sent(context, unreadable, &mut violations);
    dead_end(&search, &mut violations);
    Evaluation {
        search,
        violations,
        revocation: revocation_sources,
    }
}

/// What OpenSSL checks on every certificate of the path, anchor included: its validity, its
/// faults, its critical extensions, its EKU (`X509_check_purpose`, sslclient) and, at security
/// level 2, its key size.
fn certificate_rules(context: &Context<'_>, step: &Step<'_>, out: &mut Vec<Violation>) {
    validity(step.cert, step.index, context.time, out);
    // `X509_cmp_time` counts a notAfter equal to the time as past (x509-limbo's
    // rfc5280::validity::notafter-exact, measured).
    if context.time == step.cert.not_after {
        out.push(Violation::new(Code::Expired, step.index));
    }
    path_faults(step.cert, step.index, out);
    unhandled_critical(step, |oid| OPENSSL_KNOWN_CRITICAL.contains(&oid), out);
    let eku_allows = step
        .cert
        .extended_key_usage
        .as_ref()
        .is_none_or(|eku| context.usage.listed_in(eku));
    eku_rule(step, eku_allows, out);
    if let Some(weak) = weak_key_at_level_2(&step.cert.key) {
        out.push(Violation::new(Code::WeakKey, step.index).value(&weak));
    }
}

/// The client certificate's key usage, when present, must allow its part of the handshake
/// (`check_purpose_ssl_client`).
fn leaf_key_usage(context: &Context<'_>, step: &Step<'_>, out: &mut Vec<Violation>) {
    let Some(ku) = step.cert.key_usage else {
        return;
    };
    let allowed = match context.usage {
        Usage::Client => ku.digital_signature || ku.key_agreement,
        Usage::Server => ku.digital_signature || ku.key_encipherment || ku.key_agreement,
    };
    if !allowed {
        out.push(
            Violation::new(Code::LeafKeyUsageMissingDigitalSignature, step.index)
                .value(&ku.names().join(", ")),
        );
    }
}

/// `X509_check_ca`: an issuer needs keyCertSign when it has a key usage, and CA:TRUE; OpenSSL 3
/// accepts a CA without basicConstraints only as a v1 self-signed root.
fn check_ca(graph: &Graph<'_>, step: &Step<'_>, out: &mut Vec<Violation>) {
    let cert = step.cert;
    match (cert.basic_constraints, cert.key_usage) {
        (_, Some(ku)) if !ku.key_cert_sign => issuer_key_cert_sign(step, out),
        (Some(bc), _) if !bc.ca => out.push(Violation::new(Code::IssuerNotCa, step.index)),
        (Some(_), _) => {}
        (None, _) => {
            let v1_root = cert.version == 1 && graph.is_self_signed_openssl(step.index);
            if !v1_root {
                out.push(Violation::new(Code::IssuerNotCa, step.index));
            }
        }
    }
}

/// pathLenConstraint as `check_chain_extensions` counts it: the non-self-issued intermediates
/// below an issuer (the certificate it issued directly does not count).
fn path_lengths(context: &Context<'_>, path: &[usize], out: &mut Vec<Violation>) {
    let mut non_self_issued_below = 0usize;
    for step in walk(context, path).filter(|s| !s.is_leaf()) {
        if step.position > 1 {
            path_length(&step, non_self_issued_below, out);
        }
        if !step.cert.is_self_issued() {
            non_self_issued_below += 1;
        }
    }
}
