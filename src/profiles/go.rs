//! Go's crypto/tls with `RequireAndVerifyClientCert`: `x509.Certificate.Verify`.

use super::*;

/// The extensions Go's parser decodes (crypto/x509/parser.go `processExtensions`): one that does
/// not decode makes the whole certificate unparseable.
const GO_PARSED: &[&str] = &[
    "2.5.29.15",         // keyUsage
    "2.5.29.19",         // basicConstraints
    "2.5.29.17",         // subjectAltName
    "2.5.29.30",         // nameConstraints
    "2.5.29.31",         // cRLDistributionPoints
    "2.5.29.35",         // authorityKeyIdentifier
    "2.5.29.37",         // extendedKeyUsage
    "2.5.29.14",         // subjectKeyIdentifier
    "2.5.29.32",         // certificatePolicies
    "2.5.29.33",         // policyMappings
    "2.5.29.36",         // policyConstraints
    "2.5.29.54",         // inhibitAnyPolicy
    "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
];

/// Why Go's `x509.ParseCertificate` refuses a certificate (crypto/tls then rejects the client's
/// whole Certificate message: "tls: failed to parse client certificate"): anything not strict
/// DER (bytes after it, long or indefinite lengths, a BER boolean, a padded OID, a serial with
/// needless leading bytes), a name value invalid for its string type, a repeated extension, an
/// extension it decodes that does not decode, a version above 3, dates not in RFC 5280's forms
/// (a UTCTime without seconds excepted), a signature algorithm that differs inside and out, a
/// signature BIT STRING with unused bits. Data after the extensions it ignores.
pub(crate) fn unparseable(cert: &Certificate) -> Option<String> {
    if cert.version > 3 {
        return Some(format!("its version field says {}", cert.version));
    }
    for (field, time) in [
        ("notBefore", &cert.not_before_encoding),
        ("notAfter", &cert.not_after_encoding),
    ] {
        if !time_form_ok(time, true) {
            return Some(format!("its {field} \"{}\" is malformed", time.text));
        }
    }
    first_fault(cert, |f| match f {
        Fault::DataAfterExtensions => false,
        Fault::UndecodableExtension { oid, .. } => GO_PARSED.contains(&oid.as_str()),
        _ => true,
    })
}

// ---------------------------------------------------------------------------------------------
// Go

/// Whether Go handles this extension when it is critical: every extension its parser decodes
/// but authorityInfoAccess (crypto/x509/parser.go refuses a critical one).
fn go_handles_critical(oid: &str) -> bool {
    oid != "1.3.6.1.5.5.7.1.1" && GO_PARSED.contains(&oid)
}

/// Go's `x509.Certificate.Verify` as `crypto/tls` calls it for a client certificate
/// (`KeyUsages: ClientAuth`, the client's other certificates as intermediates, `ClientCAs` as
/// roots). Read from Go 1.27's crypto/x509 and checked against it by tests/go_differential.rs:
/// any trusted certificate is a root; every certificate of the chain, root included, must be
/// valid at the time, carry no unhandled critical extension and allow the usage in its EKU
/// (anyExtendedKeyUsage allows everything); every issuer must be a CA (a v1 root may lack
/// basicConstraints) whose key usage, when present, has keyCertSign; pathLenConstraint counts
/// every intermediate; SHA-1 and MD5 signatures and RSA keys under 1024 bits verify nothing;
/// the leaf's key usage is ignored, and CRLs are never checked.
pub fn go_rules(context: &Context<'_>) -> Evaluation {
    let graph = context.graph;
    // Go builds every candidate chain and keeps those that pass: a chain that fails a rule
    // does not hide another that passes.
    let accept = |path: &[usize]| go_path_violations(context, path, true).is_empty();
    // A client certificate the roots hold is its own chain, whoever issued it
    // (`opts.Roots.contains(c)`).
    let search = if is_pinned(context) {
        Search::Complete(vec![context.leaf])
    } else {
        graph.search_accepting(
            context.leaf,
            NameMatching::Exact,
            context.anchors,
            Some(&accept),
        )
    };
    let path = search.path().to_vec();
    let mut violations = go_path_violations(context, &path, matches!(search, Search::Complete(_)));
    unreadable_sent(context, unparseable, &mut violations);
    dead_end(&search, &mut violations);
    Evaluation {
        search,
        violations,
        revocation: Vec::new(),
    }
}

/// Go's rules on one path (the root last when `complete`).
fn go_path_violations(context: &Context<'_>, path: &[usize], complete: bool) -> Vec<Violation> {
    let mut violations = Vec::new();
    for step in walk(context, path) {
        validity(step.cert, step.index, context.time, &mut violations);
        unhandled_critical(&step, go_handles_critical, &mut violations);
        // Go's parser handles DNS, IP, e-mail and URI subtrees only: with any other kind
        // (directoryName…) a critical name constraints extension is unhandled.
        let other_kinds = step.cert.name_constraints.as_ref().is_some_and(|nc| {
            nc.permitted.iter().chain(&nc.excluded).any(|base| {
                !["DNS:", "IP:", "email:", "URI:"]
                    .iter()
                    .any(|kind| base.starts_with(kind))
            })
        });
        if other_kinds
            && step
                .cert
                .critical_extension_oids()
                .any(|oid| oid == "2.5.29.30")
        {
            violations.push(
                Violation::new(Code::UnsupportedCriticalExtension, step.index)
                    .value("2.5.29.30 (name constraints with directoryName or other subtrees)"),
            );
        }
        // An empty EKU is no EKU for Go (`len(c.ExtKeyUsage) == 0`).
        let eku_allows = step
            .cert
            .extended_key_usage
            .as_ref()
            .filter(|e| !e.purposes.is_empty())
            .is_none_or(|eku| eku.any || context.usage.listed_in(eku));
        eku_rule(&step, eku_allows, &mut violations);
        if !step.is_leaf() {
            let is_root = complete && step.position + 1 == path.len();
            issuer_rules(&step, is_root, &mut violations);
        }
    }
    for (subject, issuer) in links(path) {
        if let Some(KeyAlgorithm::Rsa { bits }) = context.certificate(issuer).map(|c| &c.key)
            && *bits < 1024
        {
            violations.push(Violation::new(Code::WeakKey, issuer).value(&format!("RSA {bits}")));
            continue;
        }
        signature_rules(
            context,
            subject,
            issuer,
            SignatureRules::Go,
            &mut violations,
        );
    }
    name_constraints(context, path, CommonName::Ignored, &mut violations);
    violations
}

/// `CheckSignatureFrom` (every issuer) and `isValid` (intermediates): CA:TRUE (a v1 root may
/// lack basicConstraints), keyCertSign when a key usage is present, pathLenConstraint counting
/// every intermediate below.
fn issuer_rules(step: &Step<'_>, is_root: bool, out: &mut Vec<Violation>) {
    let cert = step.cert;
    let not_ca = match cert.basic_constraints {
        Some(bc) => !bc.ca,
        None => !is_root || cert.version == 3,
    };
    if not_ca {
        out.push(Violation::new(Code::IssuerNotCa, step.index));
    }
    issuer_key_cert_sign(step, out);
    path_length(step, step.intermediates_below(), out);
}
