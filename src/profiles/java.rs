//! Java's JSSE server check of a client certificate (sun.security.validator, PKIX).

use super::*;

/// Why the JDK's `CertificateFactory` refuses a certificate (JSSE then rejects the client's
/// Certificate message): bytes after it, a signature algorithm that differs inside and out, a
/// repeated extension, a critical extension that does not decode (a non-critical one is kept
/// unparsed and ignored), extensions in a v1 or v2 certificate, a version above 3.
pub(crate) fn unparseable(cert: &Certificate) -> Option<String> {
    let has_extensions = !cert.extensions.is_empty();
    match cert.version {
        1 | 2 if has_extensions => {
            return Some(format!(
                "it is a version {} certificate with extensions",
                cert.version
            ));
        }
        version if version > 3 => return Some(format!("its version field says {version}")),
        _ => {}
    }
    first_fault(cert, |f| match f {
        Fault::TrailingData { .. }
        | Fault::SignatureAlgorithmMismatch
        | Fault::DuplicateExtension { .. } => true,
        Fault::UndecodableExtension { critical, .. } => *critical,
        _ => false,
    })
}

/// Java verifies a signature over the signed part as it re-encodes it: when the original was
/// written with a longer length than DER's, the signature does not verify.
fn signed_part_not_der(cert: &Certificate) -> bool {
    cert.faults.iter().any(|f| {
        matches!(
            f,
            Fault::NotDer {
                part: "its signed part"
            }
        )
    })
}

/// Does the EKU allow the usage, for Java? A purpose written with a padded OID reads as the
/// purpose it spells.
fn java_eku_allows(
    cert: &Certificate,
    eku: &crate::certificate::ExtendedKeyUsage,
    usage: Usage,
) -> bool {
    eku.any
        || usage.listed_in(eku)
        || cert
            .faults
            .iter()
            .any(|f| matches!(f, Fault::NonMinimalOid { purpose, .. } if *purpose == usage.oid()))
}

// ---------------------------------------------------------------------------------------------
// Java

/// Critical extensions JSSE's PKIX validation handles in a CA certificate.
const JAVA_KNOWN_CRITICAL: &[&str] = &[
    "2.5.29.15", // keyUsage
    "2.5.29.19", // basicConstraints
    "2.5.29.17", // subjectAltName
    "2.5.29.30", // nameConstraints
    "2.5.29.32", // certificatePolicies
    "2.5.29.33", // policyMappings
    "2.5.29.36", // policyConstraints
    "2.5.29.54", // inhibitAnyPolicy
];

/// Java's JSSE server check of a client certificate (X509TrustManagerImpl.checkClientTrusted:
/// sun.security.validator's PKIX validator, variant TLS client), read from the JDK sources and
/// checked against the JDK by tests/java_differential.rs: any trusted certificate is an anchor
/// (a trusted client certificate is its own chain, accepted without any check); the anchor
/// contributes only its name and key; every other certificate must be valid at the time; CAs need basicConstraints CA:TRUE (a
/// v1 CA only when the anchor issued it to itself) and keyCertSign when key usage is present;
/// pathLenConstraint counts non-self-issued CAs; MD5 signatures and RSA keys under 1024 bits
/// are refused by jdk.certpath.disabledAlgorithms (SHA-1 is not, for client certificates);
/// the client certificate's key usage must allow digitalSignature and its EKU clientAuth or
/// anyExtendedKeyUsage; a CA's EKU is not checked, and CRLs are not (revocation is off by
/// default).
pub fn java_rules(context: &Context<'_>) -> Evaluation {
    let graph = context.graph;
    let pinned = is_pinned(context);
    let accept = |path: &[usize]| java_path_violations(context, path, true).is_empty();
    let search = if pinned {
        Search::Complete(vec![context.leaf])
    } else {
        graph.search_accepting(
            context.leaf,
            NameMatching::Java,
            context.anchors,
            Some(&accept),
        )
    };
    let complete = matches!(search, Search::Complete(_));
    let path = search.path().to_vec();
    // PKIXValidator returns a trusted client certificate as its own chain before any check,
    // and the end-entity checks run only on longer chains (Validator.validate).
    let mut sources = Vec::new();
    let mut violations = if pinned {
        Vec::new()
    } else {
        java_path_checked(context, &path, complete, &mut sources)
    };
    unreadable_sent(context, unparseable, &mut violations);
    dead_end(&search, &mut violations);
    Evaluation {
        search,
        violations,
        revocation: sources,
    }
}

/// EndEntityChecker's TLS-client checks.
fn java_end_entity(context: &Context<'_>, index: usize) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(cert) = context.certificate(index) else {
        return out;
    };
    if let Some(ku) = cert.key_usage
        && !ku.digital_signature
    {
        out.push(
            Violation::new(Code::LeafKeyUsageMissingDigitalSignature, index)
                .value(&ku.names().join(", ")),
        );
    }
    if let Some(eku) = &cert.extended_key_usage
        && !java_eku_allows(cert, eku, context.usage)
    {
        out.push(eku_violation(true, index, &eku.purposes));
    }
    out
}

/// The PKIX rules on one path (the anchor last when `complete`), and the end-entity checks.
fn java_path_violations(context: &Context<'_>, path: &[usize], complete: bool) -> Vec<Violation> {
    java_path_checked(context, path, complete, &mut Vec::new())
}

/// [`java_path_violations`], adding the CRLs and OCSP responses that gave a status to `sources`.
fn java_path_checked(
    context: &Context<'_>,
    path: &[usize],
    complete: bool,
    sources: &mut Vec<crate::report::StatusSource>,
) -> Vec<Violation> {
    let mut violations = java_end_entity(context, context.leaf);
    let checked = without_anchor(path, complete);
    let mut max_path_length: Option<usize> = None;
    // PKIX walks from the anchor down; `position` counts from the leaf.
    for step in walk(context, checked).rev() {
        let (cert, index) = (step.cert, step.index);
        validity(cert, index, context.time, &mut violations);
        if let KeyAlgorithm::Rsa { bits } = cert.key
            && bits < 1024
        {
            violations.push(Violation::new(Code::WeakKey, index).value(&cert.key.to_string()));
        }
        // PKIX resolves EKU on the target certificate only (KeyChecker).
        let target = step.is_leaf();
        let handled = |oid: &str| JAVA_KNOWN_CRITICAL.contains(&oid) || (target && oid == EKU);
        unhandled_critical(&step, handled, &mut violations);
        if !target {
            let issued_by_anchor = complete && step.position + 1 == checked.len();
            basic_constraints_checker(
                &step,
                issued_by_anchor,
                &mut max_path_length,
                &mut violations,
            );
        }
    }
    if let Some(&anchor) = path.last().filter(|_| complete)
        && let Some(KeyAlgorithm::Rsa { bits }) = context.certificate(anchor).map(|c| &c.key)
        && *bits < 1024
    {
        violations.push(Violation::new(Code::WeakKey, anchor).value(&format!("RSA {bits}")));
    }
    for (subject, issuer) in links(path) {
        let Some(cert) = context.certificate(subject) else {
            continue;
        };
        if matches!(cert.signature_algorithm.hash, Hash::Md5 | Hash::Unknown) {
            violations.push(
                Violation::new(Code::UnsupportedSignatureAlgorithm, subject)
                    .value(&cert.signature_algorithm.name),
            );
        } else if context.graph.signature(subject, issuer) == SignatureCheck::Invalid
            || signed_part_not_der(cert)
        {
            violations.push(Violation::new(Code::BadSignature, subject).related(issuer));
        }
    }
    name_constraints(context, path, CommonName::Java, &mut violations);
    // Configured with CRLs (revocation enabled, the CRLs in a CertStore), PKIX's
    // RevocationChecker checks every certificate below the anchor.
    if !context.crls.is_empty() {
        revocation(
            context,
            path,
            checked.len(),
            CrlRules::Java,
            &mut violations,
            sources,
        );
    }
    if !context.ocsp.is_empty() {
        ocsp(
            context,
            path,
            checked.len(),
            OcspRules::Java,
            &mut violations,
            sources,
        );
    }
    violations
}

const EKU: &str = "2.5.29.37";

/// PKIX's BasicChecker and KeyChecker on an issuer, walking down from the anchor: CA:TRUE (a v1
/// or v2 certificate only as a self-issued CA right below the anchor), keyCertSign when a key
/// usage is present, and the running maximum path length that each non-self-issued CA uses
/// up.
fn basic_constraints_checker(
    step: &Step<'_>,
    issued_by_anchor: bool,
    max_path_length: &mut Option<usize>,
    out: &mut Vec<Violation>,
) {
    let (cert, index) = (step.cert, step.index);
    let path_len = if cert.version < 3 {
        (issued_by_anchor && cert.is_self_issued()).then_some(usize::MAX)
    } else {
        cert.basic_constraints
            .filter(|bc| bc.ca)
            .map(|bc| bc.path_len.map_or(usize::MAX, |l| l as usize))
    };
    let Some(path_len) = path_len else {
        out.push(Violation::new(Code::IssuerNotCa, index));
        return;
    };
    issuer_key_cert_sign(step, out);
    if !cert.is_self_issued() {
        match *max_path_length {
            Some(0) => out.push(
                Violation::new(Code::PathLengthExceeded, index)
                    .value("a CA above it allows no more intermediates"),
            ),
            Some(n) => *max_path_length = Some(n - 1),
            None => {}
        }
    }
    *max_path_length = Some(max_path_length.map_or(path_len, |m| m.min(path_len)));
}
