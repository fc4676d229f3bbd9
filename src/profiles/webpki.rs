//! rustls-webpki: the decision is the library's own, made as rustls' client-certificate
//! verifier makes it; the rules here only say which certificate and which field.

use super::*;
use crate::read::signature::{Verification, Verified};

// ---------------------------------------------------------------------------------------------
// rustls-webpki

/// The signature algorithms rustls' *ring* provider offers to webpki, each with the
/// verification *ring* makes for it, when the chain builder's is the same (the key, message
/// and signature verified the same way; the 3,072-bit RSA minimum is webpki's alone): such a
/// signature is verified once per inspection ([`Verified`]).
pub static WEBPKI_ALGORITHMS: &[(
    &dyn pki_types::SignatureVerificationAlgorithm,
    Option<Verification>,
)] = &[
    (
        ::webpki::ring::ECDSA_P256_SHA256,
        Some(Verification::EcdsaP256Sha256),
    ),
    (
        ::webpki::ring::ECDSA_P256_SHA384,
        Some(Verification::EcdsaP256Sha384),
    ),
    (
        ::webpki::ring::ECDSA_P384_SHA256,
        Some(Verification::EcdsaP384Sha256),
    ),
    (
        ::webpki::ring::ECDSA_P384_SHA384,
        Some(Verification::EcdsaP384Sha384),
    ),
    (::webpki::ring::ED25519, Some(Verification::Ed25519)),
    (
        ::webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        Some(Verification::RsaPssSha256),
    ),
    (
        ::webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        Some(Verification::RsaPssSha384),
    ),
    (
        ::webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        Some(Verification::RsaPssSha512),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        Some(Verification::RsaPkcs1Sha256),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA384,
        Some(Verification::RsaPkcs1Sha384),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA512,
        Some(Verification::RsaPkcs1Sha512),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        Some(Verification::RsaPkcs1Sha256),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        Some(Verification::RsaPkcs1Sha384),
    ),
    (
        ::webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        Some(Verification::RsaPkcs1Sha512),
    ),
    (::webpki::ring::RSA_PKCS1_3072_8192_SHA384, None),
];

/// What rustls-webpki decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebpkiDecision {
    /// Valid; the path webpki chose, as DER, anchor excluded (leaf first).
    Accepted {
        intermediates: Vec<Vec<u8>>,
    },
    Rejected(::webpki::Error),
    /// rustls refuses to build its verifier with one of the CRLs (it does not parse, or has a
    /// critical extension webpki does not process): every client is then refused.
    CrlRefused(::webpki::Error),
}

/// Calls rustls-webpki exactly as rustls' `WebPkiClientVerifier` does: every trusted
/// certificate is an anchor, the client's other certificates are intermediates, CRLs checked
/// for the whole chain with unknown status rejected and expired CRLs accepted. Signatures
/// already in `verified` are not verified again.
#[allow(clippy::too_many_arguments)]
pub fn webpki_verify(
    end_entity: &[u8],
    intermediates: &[Vec<u8>],
    trusted: &[Vec<u8>],
    crls: &[Vec<u8>],
    time: Timestamp,
    usage: Usage,
    max_intermediates: Option<usize>,
    verified: &Verified,
) -> WebpkiDecision {
    let memoized: Vec<_> = WEBPKI_ALGORITHMS
        .iter()
        .map(|&(algorithm, verification)| verified.memoized(algorithm, verification))
        .collect();
    let algorithms: Vec<&dyn pki_types::SignatureVerificationAlgorithm> = memoized
        .iter()
        .map(|m| m as &dyn pki_types::SignatureVerificationAlgorithm)
        .collect();
    let end_entity_der = pki_types::CertificateDer::from(end_entity);
    let end_entity = match ::webpki::EndEntityCert::try_from(&end_entity_der) {
        Ok(cert) => cert,
        Err(error) => return WebpkiDecision::Rejected(error),
    };
    let trusted_der: Vec<pki_types::CertificateDer<'_>> = trusted
        .iter()
        .map(|c| pki_types::CertificateDer::from(c.as_slice()))
        .collect();
    let anchors: Vec<pki_types::TrustAnchor<'_>> = trusted_der
        .iter()
        .filter_map(|c| ::webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let intermediates: Vec<pki_types::CertificateDer<'_>> = intermediates
        .iter()
        .map(|c| pki_types::CertificateDer::from(c.as_slice()))
        .collect();
    let mut parsed_crls = Vec::new();
    for crl in crls {
        match ::webpki::OwnedCertRevocationList::from_der(crl) {
            Ok(crl) => parsed_crls.push(::webpki::CertRevocationList::from(crl)),
            // rustls refuses to build a verifier with an unparseable CRL.
            Err(error) => return WebpkiDecision::CrlRefused(error),
        }
    }
    let crl_refs: Vec<&::webpki::CertRevocationList<'_>> = parsed_crls.iter().collect();
    let revocation = ::webpki::RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|builder| {
            builder
                .with_depth(::webpki::RevocationCheckDepth::Chain)
                .with_status_policy(::webpki::UnknownStatusPolicy::Deny)
                .with_expiration_policy(::webpki::ExpirationPolicy::Ignore)
                .build()
        });
    let key_usage = match usage {
        Usage::Client => ::webpki::KeyUsage::client_auth(),
        Usage::Server => ::webpki::KeyUsage::server_auth(),
    };
    let depth_check = |path: &::webpki::VerifiedPath<'_>| match max_intermediates {
        Some(max) if path.intermediate_certificates().count() > max => {
            Err(::webpki::Error::MaximumPathDepthExceeded)
        }
        _ => Ok(()),
    };
    let time = pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(time).unwrap_or(0),
    ));
    match end_entity.verify_for_usage(
        &algorithms,
        &anchors,
        &intermediates,
        time,
        key_usage,
        revocation,
        Some(&depth_check),
    ) {
        Ok(path) => WebpkiDecision::Accepted {
            intermediates: path
                .intermediate_certificates()
                .map(|c| c.der().to_vec())
                .collect(),
        },
        Err(error) => WebpkiDecision::Rejected(error),
    }
}

/// The name of a webpki error, for reports (never its `Debug` output).
pub fn webpki_error_name(error: &::webpki::Error) -> &'static str {
    use ::webpki::Error as E;
    #[allow(deprecated, reason = "every variant must be named, deprecated or not")]
    match error {
        E::BadDer => "BadDer",
        E::BadDerTime => "BadDerTime",
        E::CaUsedAsEndEntity => "CaUsedAsEndEntity",
        E::CertDistrusted => "CertDistrusted",
        E::CertExpired { .. } => "CertExpired",
        E::CertNotValidForName(_) => "CertNotValidForName",
        E::CertNotValidYet { .. } => "CertNotValidYet",
        E::CertRevoked => "CertRevoked",
        E::CrlExpired { .. } => "CrlExpired",
        E::EmptyEkuExtension => "EmptyEkuExtension",
        E::EndEntityUsedAsCa => "EndEntityUsedAsCa",
        E::ExtensionValueInvalid => "ExtensionValueInvalid",
        E::InvalidCertValidity => "InvalidCertValidity",
        E::InvalidCrlNumber => "InvalidCrlNumber",
        E::InvalidNetworkMaskConstraint => "InvalidNetworkMaskConstraint",
        E::InvalidSerialNumber => "InvalidSerialNumber",
        E::InvalidCrlSignatureForPublicKey => "InvalidCrlSignatureForPublicKey",
        E::InvalidSignatureForPublicKey => "InvalidSignatureForPublicKey",
        E::IssuerNotCrlSigner => "IssuerNotCrlSigner",
        E::MalformedDnsIdentifier => "MalformedDnsIdentifier",
        E::MalformedExtensions => "MalformedExtensions",
        E::MalformedNameConstraint => "MalformedNameConstraint",
        E::MaximumNameConstraintComparisonsExceeded => "MaximumNameConstraintComparisonsExceeded",
        E::MaximumPathBuildCallsExceeded => "MaximumPathBuildCallsExceeded",
        E::MaximumPathDepthExceeded => "MaximumPathDepthExceeded",
        E::MaximumSignatureChecksExceeded => "MaximumSignatureChecksExceeded",
        E::NameConstraintViolation => "NameConstraintViolation",
        E::PathLenConstraintViolated => "PathLenConstraintViolated",
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => "InvalidPurpose",
        E::SignatureAlgorithmMismatch => "SignatureAlgorithmMismatch",
        E::TrailingData(_) => "TrailingData",
        E::UnknownIssuer => "UnknownIssuer",
        E::UnknownRevocationStatus => "UnknownRevocationStatus",
        E::UnsupportedCertVersion => "UnsupportedCertVersion",
        E::UnsupportedCriticalExtension => "UnsupportedCriticalExtension",
        E::UnsupportedCrlIssuingDistributionPoint => "UnsupportedCrlIssuingDistributionPoint",
        E::UnsupportedCrlVersion => "UnsupportedCrlVersion",
        E::UnsupportedDeltaCrl => "UnsupportedDeltaCrl",
        E::UnsupportedIndirectCrl => "UnsupportedIndirectCrl",
        E::UnsupportedNameType => "UnsupportedNameType",
        E::UnsupportedRevocationReason => "UnsupportedRevocationReason",
        E::UnsupportedRevocationReasonsPartitioning => "UnsupportedRevocationReasonsPartitioning",
        E::UnsupportedCrlSignatureAlgorithm | E::UnsupportedCrlSignatureAlgorithmContext(_) => {
            "UnsupportedCrlSignatureAlgorithm"
        }
        E::UnsupportedSignatureAlgorithm | E::UnsupportedSignatureAlgorithmContext(_) => {
            "UnsupportedSignatureAlgorithm"
        }
        E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => {
            "UnsupportedCrlSignatureAlgorithmForPublicKey"
        }
        E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "UnsupportedSignatureAlgorithmForPublicKey"
        }
        _ => "UnknownError",
    }
}

/// The diagnosis code a webpki error corresponds to, when it is not a path-building failure.
pub fn webpki_error_code(error: &::webpki::Error) -> Code {
    use ::webpki::Error as E;
    #[allow(deprecated, reason = "every variant must be mapped, deprecated or not")]
    match error {
        E::CertExpired { .. } => Code::Expired,
        E::CertNotValidYet { .. } => Code::NotYetValid,
        E::CertRevoked => Code::Revoked,
        E::UnknownRevocationStatus => Code::RevocationStatusUnknown,
        E::CrlExpired { .. } => Code::CrlExpired,
        E::InvalidSignatureForPublicKey => Code::BadSignature,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => Code::UnsupportedSignatureAlgorithm,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            Code::ClientAuthEkuMissing
        }
        E::CaUsedAsEndEntity => Code::CaUsedAsClientCertificate,
        E::EndEntityUsedAsCa => Code::IssuerNotCa,
        E::PathLenConstraintViolated => Code::PathLengthExceeded,
        E::NameConstraintViolation
        | E::MalformedNameConstraint
        | E::MaximumNameConstraintComparisonsExceeded
        | E::InvalidNetworkMaskConstraint
        | E::UnsupportedNameType => Code::NameConstraintsViolated,
        E::UnsupportedCriticalExtension => Code::UnsupportedCriticalExtension,
        E::UnsupportedCertVersion => Code::UnsupportedVersion,
        E::UnknownIssuer => Code::IssuerNotFound,
        E::MaximumPathDepthExceeded => Code::ChainTooDeep,
        E::MaximumPathBuildCallsExceeded | E::MaximumSignatureChecksExceeded => {
            Code::ChainSearchExhausted
        }
        E::IssuerNotCrlSigner
        | E::InvalidCrlSignatureForPublicKey
        | E::InvalidCrlNumber
        | E::UnsupportedCrlIssuingDistributionPoint
        | E::UnsupportedCrlVersion
        | E::UnsupportedDeltaCrl
        | E::UnsupportedIndirectCrl
        | E::UnsupportedRevocationReason
        | E::UnsupportedRevocationReasonsPartitioning
        | E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => Code::CrlUnusable,
        _ => Code::MalformedCertificate,
    }
}

/// Critical extensions rustls-webpki understands.
const WEBPKI_KNOWN_CRITICAL: &[&str] = &[
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.37",
];

/// Explains a path under rustls-webpki's rules. The decision itself comes from
/// [`webpki_verify`]; these rules say which certificate and which field.
pub fn webpki_rules(context: &Context<'_>) -> Evaluation {
    let search = context
        .graph
        .search(context.leaf, NameMatching::Exact, context.anchors);
    let path = search.path().to_vec();
    let mut violations = Vec::new();
    let complete = matches!(search, Search::Complete(_));
    // The anchor contributes only its name, key and name constraints.
    let checked = without_anchor(&path, complete);
    for step in walk(context, checked) {
        certificate_rules(context, &step, &mut violations);
    }
    // Signatures: each certificate by the next one on the path.
    for (subject, issuer) in links(&path) {
        signature_rules(
            context,
            subject,
            issuer,
            SignatureRules::Webpki,
            &mut violations,
        );
    }
    let mut sources = Vec::new();
    if !context.crls.is_empty() {
        revocation(
            context,
            &path,
            checked.len(),
            CrlRules::Webpki,
            &mut violations,
            &mut sources,
        );
    }
    dead_end(&search, &mut violations);
    Evaluation {
        search,
        violations,
        revocation: sources,
    }
}

/// What webpki checks on each certificate below the anchor: version 3, validity, critical
/// extensions, EKU (the required purpose must be listed), and CA:TRUE on issuers only
/// (`EndEntityOrCa`), with their pathLenConstraint counting every intermediate below.
fn certificate_rules(context: &Context<'_>, step: &Step<'_>, out: &mut Vec<Violation>) {
    let (cert, index) = (step.cert, step.index);
    if cert.version != 3 {
        out.push(Violation::new(Code::UnsupportedVersion, index));
    }
    validity(cert, index, context.time, out);
    unhandled_critical(step, |oid| WEBPKI_KNOWN_CRITICAL.contains(&oid), out);
    let eku_allows = cert
        .extended_key_usage
        .as_ref()
        .is_none_or(|eku| context.usage.listed_in(eku));
    eku_rule(step, eku_allows, out);
    if step.is_leaf() {
        if cert.is_ca() {
            out.push(Violation::new(Code::CaUsedAsClientCertificate, index));
        }
    } else {
        if !cert.is_ca() {
            out.push(Violation::new(Code::IssuerNotCa, index));
        }
        path_length(step, step.intermediates_below(), out);
    }
}
