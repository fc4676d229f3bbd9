//! Server profiles: how each server stack decides on a client certificate.
//!
//! `webpki` is decided by rustls-webpki itself, called the way rustls' client-certificate
//! verifier calls it; its rules below only explain that decision. `openssl` and `nginx` are
//! decided by the rules here, which a differential test checks against `openssl verify`.

use serde::{Deserialize, Serialize};

use crate::certificate::{Certificate, Crl, Hash, Side, SignatureCheck, Timestamp};
use crate::chain::{Dead, Graph, Search};
use crate::diagnosis::{Code, Violation};
use crate::keys::KeyAlgorithm;

/// A server stack whose decision the inspector reproduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// rustls servers: the exact rustls-webpki decision.
    Webpki,
    /// OpenSSL `X509_verify_cert`, purpose sslclient, security level 2.
    Openssl,
    /// nginx `ssl_verify_client on`: OpenSSL plus `ssl_verify_depth 1` and `ssl_crl`.
    Nginx,
    /// Go `crypto/tls` with `RequireAndVerifyClientCert`: `x509.Certificate.Verify`.
    Go,
    /// Java JSSE (`X509TrustManagerImpl.checkClientTrusted`): PKIX, then the TLS-client
    /// end-entity checks.
    Java,
}

impl Profile {
    pub const ALL: [Profile; 5] = [
        Profile::Webpki,
        Profile::Openssl,
        Profile::Nginx,
        Profile::Go,
        Profile::Java,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Webpki => "webpki",
            Self::Openssl => "openssl",
            Self::Nginx => "nginx",
            Self::Go => "go",
            Self::Java => "java",
        }
    }

    /// The server the profile stands for, as a user knows it.
    pub fn server(self) -> &'static str {
        match self {
            Self::Webpki => "rustls",
            Self::Openssl => "OpenSSL",
            Self::Nginx => "nginx",
            Self::Go => "Go",
            Self::Java => "Java",
        }
    }

    /// How the server this profile stands for uses CRLs, in one sentence.
    pub fn revocation_policy(self) -> &'static str {
        match self {
            Self::Webpki => {
                "rustls checks the supplied CRLs for the whole chain: a certificate no CRL covers \
                 is rejected (unknown status), an expired CRL is still used"
            }
            Self::Openssl => {
                "openssl verify checks no CRL unless -crl_check is given (the profile assumes it \
                 is not)"
            }
            Self::Nginx => {
                "nginx with ssl_crl checks every level of the chain: a certificate no CRL covers, \
                 or an expired CRL, is rejected"
            }
            Self::Go => "Go's crypto/tls never checks CRLs",
            Self::Java => {
                "Java checks no CRL unless revocation checking is turned on (it is off by default)"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The extended key usage to require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    Client,
    Server,
}

impl Usage {
    /// Does this EKU name the usage (anyExtendedKeyUsage aside)?
    pub fn listed_in(self, eku: &crate::certificate::ExtendedKeyUsage) -> bool {
        match self {
            Self::Client => eku.client_auth,
            Self::Server => eku.server_auth,
        }
    }

    pub fn eku_name(self) -> &'static str {
        match self {
            Self::Client => "clientAuth",
            Self::Server => "serverAuth",
        }
    }
}

/// Everything a profile needs to decide.
pub struct Context<'a> {
    pub graph: &'a Graph<'a>,
    pub crls: &'a [Crl],
    pub time: Timestamp,
    pub usage: Usage,
    /// The client certificate.
    pub leaf: usize,
    /// Is this certificate a trust anchor for the server?
    pub anchors: &'a dyn Fn(usize) -> bool,
}

impl Context<'_> {
    fn certificate(&self, index: usize) -> Option<&Certificate> {
        self.graph.certificate(index)
    }
}

/// The result of one profile.
pub struct Evaluation {
    pub search: Search,
    pub violations: Vec<Violation>,
}

// ---------------------------------------------------------------------------------------------
// rustls-webpki

/// The signature algorithms rustls' *ring* provider offers to webpki.
pub static WEBPKI_ALGORITHMS: &[&dyn pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_3072_8192_SHA384,
];

/// What rustls-webpki decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebpkiDecision {
    /// Valid; the path webpki chose, as DER, anchor excluded (leaf first).
    Accepted {
        intermediates: Vec<Vec<u8>>,
    },
    Rejected(webpki::Error),
}

/// Calls rustls-webpki exactly as rustls' `WebPkiClientVerifier` does: every trusted
/// certificate is an anchor, the client's other certificates are intermediates, CRLs checked
/// for the whole chain with unknown status rejected and expired CRLs accepted.
pub fn webpki_verify(
    end_entity: &[u8],
    intermediates: &[Vec<u8>],
    trusted: &[Vec<u8>],
    crls: &[Vec<u8>],
    time: Timestamp,
    usage: Usage,
    max_intermediates: Option<usize>,
) -> WebpkiDecision {
    let end_entity_der = pki_types::CertificateDer::from(end_entity);
    let end_entity = match webpki::EndEntityCert::try_from(&end_entity_der) {
        Ok(cert) => cert,
        Err(error) => return WebpkiDecision::Rejected(error),
    };
    let trusted_der: Vec<pki_types::CertificateDer<'_>> = trusted
        .iter()
        .map(|c| pki_types::CertificateDer::from(c.as_slice()))
        .collect();
    let anchors: Vec<pki_types::TrustAnchor<'_>> = trusted_der
        .iter()
        .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let intermediates: Vec<pki_types::CertificateDer<'_>> = intermediates
        .iter()
        .map(|c| pki_types::CertificateDer::from(c.as_slice()))
        .collect();
    let mut parsed_crls = Vec::new();
    for crl in crls {
        match webpki::OwnedCertRevocationList::from_der(crl) {
            Ok(crl) => parsed_crls.push(webpki::CertRevocationList::from(crl)),
            // rustls refuses to build a verifier with an unparseable CRL.
            Err(error) => return WebpkiDecision::Rejected(error),
        }
    }
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = parsed_crls.iter().collect();
    let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|builder| {
            builder
                .with_depth(webpki::RevocationCheckDepth::Chain)
                .with_status_policy(webpki::UnknownStatusPolicy::Deny)
                .with_expiration_policy(webpki::ExpirationPolicy::Ignore)
                .build()
        });
    let key_usage = match usage {
        Usage::Client => webpki::KeyUsage::client_auth(),
        Usage::Server => webpki::KeyUsage::server_auth(),
    };
    let depth_check = |path: &webpki::VerifiedPath<'_>| match max_intermediates {
        Some(max) if path.intermediate_certificates().count() > max => {
            Err(webpki::Error::MaximumPathDepthExceeded)
        }
        _ => Ok(()),
    };
    let time = pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(time).unwrap_or(0),
    ));
    match end_entity.verify_for_usage(
        WEBPKI_ALGORITHMS,
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
pub fn webpki_error_name(error: &webpki::Error) -> &'static str {
    use webpki::Error as E;
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
pub fn webpki_error_code(error: &webpki::Error) -> Code {
    use webpki::Error as E;
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

/// Explains a path under rustls-webpki's rules. The decision itself comes from
/// [`webpki_verify`]; these rules say which certificate and which field.
pub fn webpki_rules(context: &Context<'_>) -> Evaluation {
    let search = context.graph.search(context.leaf, context.anchors);
    let path = search.path().to_vec();
    let mut violations = Vec::new();
    let complete = matches!(search, Search::Complete(_));
    // The anchor contributes only its name, key and name constraints.
    let checked = without_anchor(&path, complete);
    for (position, &index) in checked.iter().enumerate() {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        let is_leaf = position == 0;
        if cert.version != 3 {
            violations.push(Violation::new(Code::UnsupportedVersion, index));
        }
        validity(cert, index, context.time, &mut violations);
        for oid in cert.critical_extension_oids() {
            if !WEBPKI_KNOWN_CRITICAL.contains(&oid) {
                violations
                    .push(Violation::new(Code::UnsupportedCriticalExtension, index).value(oid));
            }
        }
        if let Some(eku) = &cert.extended_key_usage {
            let allowed = context.usage.listed_in(eku);
            if !allowed {
                violations.push(eku_violation(is_leaf, index, &eku.purposes));
            }
        }
        if is_leaf {
            if cert.is_ca() {
                violations.push(Violation::new(Code::CaUsedAsClientCertificate, index));
            }
        } else {
            if !cert.is_ca() {
                violations.push(Violation::new(Code::IssuerNotCa, index));
            }
            if let Some(len) = cert.basic_constraints.and_then(|bc| bc.path_len) {
                let below = position - 1;
                if below > len as usize {
                    violations.push(
                        Violation::new(Code::PathLengthExceeded, index)
                            .value(&format!("pathlen:{len}, {below} intermediates below it")),
                    );
                }
            }
        }
    }
    // Signatures: each certificate by the next one on the path.
    for (subject, issuer) in links(&path) {
        signature_rules(context, subject, issuer, true, &mut violations);
    }
    if !context.crls.is_empty() {
        revocation(context, checked, Profile::Webpki, &mut violations);
    }
    dead_end(&search, &mut violations);
    Evaluation { search, violations }
}

/// An EKU that does not allow the usage: the client certificate's own, or a CA's.
fn eku_violation(is_leaf: bool, index: usize, purposes: &[String]) -> Violation {
    let code = if is_leaf {
        Code::ClientAuthEkuMissing
    } else {
        Code::IssuerEkuExcludesClientAuth
    };
    Violation::new(code, index).value(&purposes.join(", "))
}

/// The certificates of a path whose own fields are checked: the anchor of a complete path
/// contributes only its name and key.
fn without_anchor(path: &[usize], complete: bool) -> &[usize] {
    match (complete, path.split_last()) {
        (true, Some((_, rest))) => rest,
        _ => path,
    }
}

/// Each certificate of a path with its issuer.
fn links(path: &[usize]) -> impl Iterator<Item = (usize, usize)> + '_ {
    path.iter().copied().zip(path.iter().copied().skip(1))
}

fn validity(cert: &Certificate, index: usize, time: Timestamp, out: &mut Vec<Violation>) {
    if time > cert.not_after {
        out.push(Violation::new(Code::Expired, index));
    } else if time < cert.not_before {
        out.push(Violation::new(Code::NotYetValid, index));
    }
}

fn signature_rules(
    context: &Context<'_>,
    subject: usize,
    issuer: usize,
    webpki_rules: bool,
    out: &mut Vec<Violation>,
) {
    let (Some(cert), Some(issuer_cert)) =
        (context.certificate(subject), context.certificate(issuer))
    else {
        return;
    };
    let weak_hash = matches!(
        cert.signature_algorithm.hash,
        Hash::Md5 | Hash::Sha1 | Hash::Sha224 | Hash::Unknown
    );
    if weak_hash {
        out.push(
            Violation::new(Code::UnsupportedSignatureAlgorithm, subject)
                .value(&cert.signature_algorithm.name),
        );
        return;
    }
    if webpki_rules {
        match &issuer_cert.key {
            KeyAlgorithm::Rsa { bits } if *bits < 2048 => {
                out.push(Violation::new(Code::WeakKey, issuer).value(&issuer_cert.key.to_string()));
                return;
            }
            KeyAlgorithm::Ec { curve } if curve != "P-256" && curve != "P-384" => {
                out.push(
                    Violation::new(Code::UnsupportedSignatureAlgorithm, subject).value(&format!(
                        "{} by an {} key",
                        cert.signature_algorithm.name, issuer_cert.key
                    )),
                );
                return;
            }
            _ => {}
        }
    }
    if context.graph.signature(subject, issuer) == SignatureCheck::Invalid {
        out.push(Violation::new(Code::BadSignature, subject).related(issuer));
    }
}

fn dead_end(search: &Search, out: &mut Vec<Violation>) {
    if let Search::Incomplete(_, dead) = search {
        out.push(match dead {
            Dead::IssuerNotFound { last } => Violation::new(Code::IssuerNotFound, *last),
            Dead::IssuerKeyMismatch { last, candidates } => {
                let mut v = Violation::new(Code::IssuerKeyMismatch, *last);
                if let Some(&first) = candidates.first() {
                    v = v.related(first);
                }
                v
            }
            Dead::UntrustedRoot { root } => Violation::new(Code::UntrustedRoot, *root),
            Dead::BadSignature { last, issuer } => {
                Violation::new(Code::BadSignature, *last).related(*issuer)
            }
            Dead::Exhausted { last } => Violation::new(Code::ChainSearchExhausted, *last),
        });
    }
}

/// CRL checks for the certificates in `checked` (the anchor excluded).
fn revocation(
    context: &Context<'_>,
    checked: &[usize],
    profile: Profile,
    out: &mut Vec<Violation>,
) {
    for &index in checked {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        let issuers = context.graph.named_issuers(index);
        let covering: Vec<&Crl> = context
            .crls
            .iter()
            .filter(|crl| {
                crl.issuer_raw == cert.issuer_raw
                    && (issuers.is_empty()
                        || issuers.iter().any(|&i| {
                            context
                                .certificate(i)
                                .is_some_and(|issuer| crl.issued_by(issuer))
                        }))
            })
            .collect();
        if covering.is_empty() {
            out.push(Violation::new(Code::RevocationStatusUnknown, index));
            continue;
        }
        if covering.iter().any(|crl| crl.lists(cert)) {
            out.push(Violation::new(Code::Revoked, index));
        }
        if profile != Profile::Webpki {
            for crl in &covering {
                if crl.next_update.is_some_and(|next| context.time > next) {
                    out.push(Violation::new(Code::CrlExpired, index).value(&crl.issuer));
                } else if crl.this_update > context.time {
                    out.push(Violation::new(Code::CrlNotYetValid, index).value(&crl.issuer));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// OpenSSL and nginx

/// OpenSSL's verify settings that the profiles differ in.
pub struct OpensslSettings {
    /// `ssl_verify_depth` / `-verify_depth`: most intermediates allowed.
    pub max_intermediates: Option<usize>,
    /// `-crl_check_all`: check every certificate against the CRLs.
    pub crl_check_all: bool,
}

impl OpensslSettings {
    pub fn for_profile(profile: Profile, have_crls: bool) -> Self {
        match profile {
            Profile::Nginx => Self {
                max_intermediates: Some(1),
                crl_check_all: have_crls,
            },
            _ => Self {
                max_intermediates: None,
                crl_check_all: false,
            },
        }
    }
}

/// OpenSSL `X509_verify_cert` with purpose sslclient at security level 2, without partial
/// chains: the path must end at a self-signed certificate of the trust store.
pub fn openssl_rules(context: &Context<'_>, settings: &OpensslSettings) -> Evaluation {
    let graph = context.graph;
    let is_anchor = |i: usize| (context.anchors)(i) && graph.is_self_signed(i);
    let search = match graph.search(context.leaf, &is_anchor) {
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
    let mut non_self_issued_below = 0usize;
    for (position, &index) in path.iter().enumerate() {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        let is_leaf = position == 0;
        validity(cert, index, context.time, &mut violations);
        for oid in cert.critical_extension_oids() {
            if !OPENSSL_KNOWN_CRITICAL.contains(&oid) {
                violations
                    .push(Violation::new(Code::UnsupportedCriticalExtension, index).value(oid));
            }
        }
        let eku_allows = cert
            .extended_key_usage
            .as_ref()
            .is_none_or(|eku| context.usage.listed_in(eku));
        if !eku_allows {
            let purposes = cert
                .extended_key_usage
                .as_ref()
                .map(|e| e.purposes.clone())
                .unwrap_or_default();
            violations.push(eku_violation(is_leaf, index, &purposes));
        }
        if let Some(weak) = weak_key_at_level_2(&cert.key) {
            violations.push(Violation::new(Code::WeakKey, index).value(&weak));
        }
        if is_leaf {
            if let Some(ku) = cert.key_usage {
                let needed = match context.usage {
                    Usage::Client => ku.digital_signature || ku.key_agreement,
                    Usage::Server => {
                        ku.digital_signature || ku.key_encipherment || ku.key_agreement
                    }
                };
                if !needed {
                    violations.push(
                        Violation::new(Code::LeafKeyUsageMissingDigitalSignature, index)
                            .value(&ku.names().join(", ")),
                    );
                }
            }
        } else {
            // X509_check_ca
            match (cert.basic_constraints, cert.key_usage) {
                (_, Some(ku)) if !ku.key_cert_sign => violations.push(
                    Violation::new(Code::IssuerMissingKeyCertSign, index)
                        .value(&ku.names().join(", ")),
                ),
                (Some(bc), _) if !bc.ca => {
                    violations.push(Violation::new(Code::IssuerNotCa, index))
                }
                (Some(_), _) => {}
                // OpenSSL 3 accepts a CA without basicConstraints only as a v1 self-signed root.
                (None, _) => {
                    let v1_root = cert.version == 1 && graph.is_self_signed(index);
                    if !v1_root {
                        violations.push(Violation::new(Code::IssuerNotCa, index));
                    }
                }
            }
            if position > 1
                && let Some(len) = cert.basic_constraints.and_then(|bc| bc.path_len)
                && non_self_issued_below > len as usize
            {
                violations.push(
                    Violation::new(Code::PathLengthExceeded, index).value(&format!(
                        "pathlen:{len}, {non_self_issued_below} intermediates below it"
                    )),
                );
            }
            if !cert.is_self_issued() {
                non_self_issued_below += 1;
            }
        }
    }
    for (subject, issuer) in links(&path) {
        signature_rules(context, subject, issuer, false, &mut violations);
    }
    name_constraints(context, &path, CommonName::HostWithoutDns, &mut violations);
    if let Some(max) = settings.max_intermediates {
        let intermediates = path.len().saturating_sub(2);
        if matches!(search, Search::Complete(_)) && intermediates > max {
            violations.push(
                Violation::new(Code::ChainTooDeep, context.leaf).value(&format!(
                    "{intermediates} intermediates, ssl_verify_depth {max}"
                )),
            );
        }
    }
    if settings.crl_check_all && !context.crls.is_empty() {
        let checked = without_anchor(&path, matches!(search, Search::Complete(_)));
        revocation(context, checked, Profile::Nginx, &mut violations);
    }
    dead_end(&search, &mut violations);
    Evaluation { search, violations }
}

// ---------------------------------------------------------------------------------------------
// Go

/// Do the server's trusted certificates hold the client certificate itself? (Go's
/// `opts.Roots.contains(c)`, Java's `trustedCerts.contains(chain[0])`.)
fn is_pinned(context: &Context<'_>) -> bool {
    let graph = context.graph;
    (0..graph.entries().len())
        .any(|i| (context.anchors)(i) && graph.same_certificate(i, context.leaf))
}

/// Critical extensions Go's `crypto/x509` parser handles (crypto/x509/parser.go).
const GO_KNOWN_CRITICAL: &[&str] = &[
    "2.5.29.15", // keyUsage
    "2.5.29.19", // basicConstraints
    "2.5.29.17", // subjectAltName
    "2.5.29.30", // nameConstraints
    "2.5.29.31", // cRLDistributionPoints
    "2.5.29.35", // authorityKeyIdentifier
    "2.5.29.36", // policyConstraints
    "2.5.29.37", // extendedKeyUsage
    "2.5.29.14", // subjectKeyIdentifier
    "2.5.29.32", // certificatePolicies
    "2.5.29.33", // policyMappings
    "2.5.29.54", // inhibitAnyPolicy
];

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
        graph.search_accepting(context.leaf, context.anchors, Some(&accept))
    };
    let path = search.path().to_vec();
    let mut violations = go_path_violations(context, &path, matches!(search, Search::Complete(_)));
    dead_end(&search, &mut violations);
    Evaluation { search, violations }
}

/// Go's rules on one path (the root last when `complete`).
fn go_path_violations(context: &Context<'_>, path: &[usize], complete: bool) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (position, &index) in path.iter().enumerate() {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        let is_leaf = position == 0;
        let is_root = complete && position + 1 == path.len() && !is_leaf;
        validity(cert, index, context.time, &mut violations);
        for oid in cert.critical_extension_oids() {
            if !GO_KNOWN_CRITICAL.contains(&oid) {
                violations
                    .push(Violation::new(Code::UnsupportedCriticalExtension, index).value(oid));
            }
        }
        if let Some(eku) = &cert.extended_key_usage {
            let allowed = eku.any || context.usage.listed_in(eku);
            if !allowed {
                violations.push(eku_violation(is_leaf, index, &eku.purposes));
            }
        }
        if is_leaf {
            continue;
        }
        // CheckSignatureFrom (every issuer) and isValid (intermediates).
        let not_ca = match cert.basic_constraints {
            Some(bc) => !bc.ca,
            None => !is_root || cert.version == 3,
        };
        if not_ca {
            violations.push(Violation::new(Code::IssuerNotCa, index));
        }
        if let Some(ku) = cert.key_usage
            && !ku.key_cert_sign
        {
            violations.push(
                Violation::new(Code::IssuerMissingKeyCertSign, index).value(&ku.names().join(", ")),
            );
        }
        if let Some(len) = cert.basic_constraints.and_then(|bc| bc.path_len) {
            let below = position - 1;
            if below > len as usize {
                violations.push(
                    Violation::new(Code::PathLengthExceeded, index)
                        .value(&format!("pathlen:{len}, {below} intermediates below it")),
                );
            }
        }
    }
    for (subject, issuer) in links(path) {
        if let Some(KeyAlgorithm::Rsa { bits }) = context.certificate(issuer).map(|c| &c.key)
            && *bits < 1024
        {
            violations.push(Violation::new(Code::WeakKey, issuer).value(&format!("RSA {bits}")));
            continue;
        }
        signature_rules(context, subject, issuer, false, &mut violations);
    }
    name_constraints(context, path, CommonName::Ignored, &mut violations);
    violations
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
        graph.search_accepting(context.leaf, context.anchors, Some(&accept))
    };
    let complete = matches!(search, Search::Complete(_));
    let path = search.path().to_vec();
    // PKIXValidator returns a trusted client certificate as its own chain before any check,
    // and the end-entity checks run only on longer chains (Validator.validate).
    let mut violations = if pinned {
        Vec::new()
    } else {
        java_path_violations(context, &path, complete)
    };
    dead_end(&search, &mut violations);
    Evaluation { search, violations }
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
    if let Some(eku) = &cert.extended_key_usage {
        let allowed = eku.any || context.usage.listed_in(eku);
        if !allowed {
            out.push(eku_violation(true, index, &eku.purposes));
        }
    }
    out
}

/// The PKIX rules on one path (the anchor last when `complete`), and the end-entity checks.
fn java_path_violations(context: &Context<'_>, path: &[usize], complete: bool) -> Vec<Violation> {
    let mut violations = java_end_entity(context, context.leaf);
    let checked = without_anchor(path, complete);
    let mut max_path_length: Option<usize> = None;
    // PKIX walks from the anchor down; `position` counts from the leaf.
    for (position, &index) in checked.iter().enumerate().rev() {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        validity(cert, index, context.time, &mut violations);
        if let KeyAlgorithm::Rsa { bits } = cert.key
            && bits < 1024
        {
            violations.push(Violation::new(Code::WeakKey, index).value(&cert.key.to_string()));
        }
        // PKIX resolves EKU on the target certificate only (KeyChecker).
        for oid in cert.critical_extension_oids() {
            if !JAVA_KNOWN_CRITICAL.contains(&oid) && (position != 0 || oid != "2.5.29.37") {
                violations
                    .push(Violation::new(Code::UnsupportedCriticalExtension, index).value(oid));
            }
        }
        if position == 0 {
            continue;
        }
        let issued_by_anchor = complete && position + 1 == checked.len();
        let path_len = if cert.version < 3 {
            (issued_by_anchor && cert.is_self_issued()).then_some(usize::MAX)
        } else {
            cert.basic_constraints
                .filter(|bc| bc.ca)
                .map(|bc| bc.path_len.map_or(usize::MAX, |l| l as usize))
        };
        let Some(path_len) = path_len else {
            violations.push(Violation::new(Code::IssuerNotCa, index));
            continue;
        };
        if let Some(ku) = cert.key_usage
            && !ku.key_cert_sign
        {
            violations.push(
                Violation::new(Code::IssuerMissingKeyCertSign, index).value(&ku.names().join(", ")),
            );
        }
        if !cert.is_self_issued() {
            match max_path_length {
                Some(0) => violations.push(
                    Violation::new(Code::PathLengthExceeded, index)
                        .value("a CA above it allows no more intermediates"),
                ),
                Some(n) => max_path_length = Some(n - 1),
                None => {}
            }
        }
        max_path_length = Some(max_path_length.map_or(path_len, |m| m.min(path_len)));
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
        } else if context.graph.signature(subject, issuer) == SignatureCheck::Invalid {
            violations.push(Violation::new(Code::BadSignature, subject).related(issuer));
        }
    }
    name_constraints(context, path, CommonName::Java, &mut violations);
    violations
}

/// RFC 5280 4.2.1.10 name constraints as OpenSSL applies them: each CA's constraints bind every
/// certificate below it (self-issued intermediates excepted), for DNS names, e-mail addresses,
/// IP addresses and URIs in the subjectAltName, and the leaf's common name when it looks like a
/// host name and no DNS name is given.
/// How an implementation treats a subject common name under name constraints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CommonName {
    /// Ignored (Go).
    Ignored,
    /// The client certificate's CN, when it looks like a host name and there is no DNS name
    /// (OpenSSL).
    HostWithoutDns,
    /// Every constrained certificate's CN: as an IP address when it is one and there is no IP
    /// name, else as a DNS name when there is no DNS name (Java's NameConstraintsExtension).
    Java,
}

fn name_constraints(
    context: &Context<'_>,
    path: &[usize],
    common_name: CommonName,
    out: &mut Vec<Violation>,
) {
    for (ca_position, &ca_index) in path.iter().enumerate().skip(1) {
        let Some(constraints) = context
            .certificate(ca_index)
            .and_then(|c| c.name_constraints.as_ref())
        else {
            continue;
        };
        for (position, &index) in path.iter().enumerate().take(ca_position) {
            let Some(cert) = context.certificate(index) else {
                continue;
            };
            if position > 0 && cert.is_self_issued() {
                continue;
            }
            let mut names: Vec<String> = cert.subject_alt_names.clone();
            let has = |kind: &str| names.iter().any(|n| n.starts_with(kind));
            let (has_dns, has_ip) = (has("DNS:"), has("IP:"));
            let is_ip = |cn: &str| cn.parse::<std::net::IpAddr>().is_ok();
            match (common_name, cert.common_name.as_deref()) {
                (CommonName::HostWithoutDns, Some(cn))
                    if position == 0 && !has_dns && looks_like_host(cn) =>
                {
                    names.push(format!("DNS:{cn}"));
                }
                // An IP address in the CN counts only when there is no IP name, and never as
                // a DNS name.
                (CommonName::Java, Some(cn)) if is_ip(cn) && !has_ip => {
                    names.push(format!("IP:{cn}"));
                }
                (CommonName::Java, Some(cn)) if is_ip(cn) => {}
                (CommonName::Java, Some(cn)) if !has_dns && looks_like_dns_name(cn) => {
                    names.push(format!("DNS:{cn}"));
                }
                _ => {}
            }
            for name in names {
                if let Some(reason) =
                    constraint_violation(&name, &constraints.permitted, &constraints.excluded)
                {
                    out.push(
                        Violation::new(Code::NameConstraintsViolated, index)
                            .related(ca_index)
                            .value(&reason),
                    );
                }
            }
        }
    }
}

/// What Java's DNSName accepts: letters, digits and hyphens in dot-separated labels.
fn looks_like_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn looks_like_host(name: &str) -> bool {
    name.contains('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '*')
}

/// Why `name` (`DNS:…`, `email:…`, `IP:…`, `URI:…`) breaks the constraints, if it does.
fn constraint_violation(name: &str, permitted: &[String], excluded: &[String]) -> Option<String> {
    let (kind, value) = name.split_once(':')?;
    let same_kind = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter_map(|c| c.split_once(':'))
            .filter(|(k, _)| *k == kind)
            .map(|(_, v)| v.to_owned())
            .collect()
    };
    let matches = |constraint: &str| match kind {
        "DNS" => dns_within(value, constraint),
        "email" => email_within(value, constraint),
        "URI" => uri_host(value).is_some_and(|host| uri_within(&host, constraint)),
        "IP" => ip_within(value, constraint),
        _ => false,
    };
    if !matches!(kind, "DNS" | "email" | "URI" | "IP") {
        return None;
    }
    if let Some(excluded) = same_kind(excluded).iter().find(|c| matches(c)) {
        return Some(format!(
            "{name} is in the excluded subtree {kind}:{excluded}"
        ));
    }
    let permitted = same_kind(permitted);
    if !permitted.is_empty() && !permitted.iter().any(|c| matches(c)) {
        return Some(format!(
            "{name} is outside the permitted subtrees {}",
            permitted
                .iter()
                .map(|p| format!("{kind}:{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    None
}

fn dns_within(name: &str, constraint: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let constraint = constraint.trim_end_matches('.').to_ascii_lowercase();
    if constraint.is_empty() {
        return true;
    }
    if let Some(suffix) = constraint.strip_prefix('.') {
        return name.ends_with(&format!(".{suffix}"));
    }
    name == constraint || name.ends_with(&format!(".{constraint}"))
}

fn email_within(address: &str, constraint: &str) -> bool {
    let address = address.to_ascii_lowercase();
    let constraint = constraint.to_ascii_lowercase();
    if constraint.contains('@') {
        return address == constraint;
    }
    let Some((_, host)) = address.rsplit_once('@') else {
        return false;
    };
    match constraint.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == constraint,
    }
}

fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

fn uri_within(host: &str, constraint: &str) -> bool {
    let constraint = constraint.to_ascii_lowercase();
    match constraint.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == constraint,
    }
}

fn ip_within(address: &str, constraint: &str) -> bool {
    let Ok(address) = address.parse::<std::net::IpAddr>() else {
        return false;
    };
    let Some((network, mask)) = constraint.split_once('/') else {
        return false;
    };
    match (
        address,
        network.parse::<std::net::IpAddr>(),
        mask.parse::<std::net::IpAddr>(),
    ) {
        (std::net::IpAddr::V4(a), Ok(std::net::IpAddr::V4(n)), Ok(std::net::IpAddr::V4(m))) => {
            let (a, n, m) = (u32::from(a), u32::from(n), u32::from(m));
            a & m == n & m
        }
        (std::net::IpAddr::V6(a), Ok(std::net::IpAddr::V6(n)), Ok(std::net::IpAddr::V6(m))) => {
            let (a, n, m) = (u128::from(a), u128::from(n), u128::from(m));
            a & m == n & m
        }
        _ => false,
    }
}

/// OpenSSL security level 2 requires 112 bits of security: RSA and DSA of 2048 bits, EC of 224.
fn weak_key_at_level_2(key: &KeyAlgorithm) -> Option<String> {
    match key {
        KeyAlgorithm::Rsa { bits } if *bits < 2048 => Some(key.to_string()),
        KeyAlgorithm::Ec { curve } if curve == "P-192" || curve == "secp192k1" => {
            Some(key.to_string())
        }
        _ => None,
    }
}

/// Can a server of this profile verify the client's CertificateVerify signature made with this
/// key? rustls (ring) verifies RSA 2048–8192, ECDSA P-256/P-384 and Ed25519.
pub fn handshake_key_violation(
    profile: Profile,
    leaf: usize,
    key: &KeyAlgorithm,
) -> Option<Violation> {
    match profile {
        Profile::Webpki => match key {
            KeyAlgorithm::Rsa { bits } if *bits < 2048 => {
                Some(Violation::new(Code::WeakKey, leaf).value(&key.to_string()))
            }
            KeyAlgorithm::Rsa { bits } if *bits > 8192 => {
                Some(Violation::new(Code::UnsupportedKeyType, leaf).value(&key.to_string()))
            }
            KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Ed25519 => None,
            KeyAlgorithm::Ec { curve } if curve == "P-256" || curve == "P-384" => None,
            _ => Some(Violation::new(Code::UnsupportedKeyType, leaf).value(&key.to_string())),
        },
        // Security level 2 key sizes are already part of path validation.
        Profile::Openssl | Profile::Nginx => None,
        // crypto/tls refuses RSA keys above 8192 bits outright; crypto/rsa verifies nothing
        // below 1024 bits; the CertificateVerify schemes cover ECDSA P-256/384/521 and Ed25519.
        Profile::Go => match key {
            KeyAlgorithm::Rsa { bits } if *bits < 1024 => {
                Some(Violation::new(Code::WeakKey, leaf).value(&key.to_string()))
            }
            KeyAlgorithm::Rsa { bits } if *bits > 8192 => {
                Some(Violation::new(Code::UnsupportedKeyType, leaf).value(&key.to_string()))
            }
            KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Ed25519 => None,
            KeyAlgorithm::Ec { curve } if ["P-256", "P-384", "P-521"].contains(&curve.as_str()) => {
                None
            }
            _ => Some(Violation::new(Code::UnsupportedKeyType, leaf).value(&key.to_string())),
        },
        // JSSE's signature schemes: RSA (its size is a path rule), ECDSA on P-256/384/521,
        // Ed25519 and Ed448.
        Profile::Java => match key {
            KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Ed25519 | KeyAlgorithm::Ed448 => None,
            KeyAlgorithm::Ec { curve } if ["P-256", "P-384", "P-521"].contains(&curve.as_str()) => {
                None
            }
            _ => Some(Violation::new(Code::UnsupportedKeyType, leaf).value(&key.to_string())),
        },
    }
}

/// Which side an anchor must come from.
pub fn is_trusted(graph: &Graph<'_>, index: usize, assumed: &[usize]) -> bool {
    graph.side(index) == Some(Side::Trust) || assumed.contains(&index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_match_constraints_by_label() {
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(!dns_within("example.com", ".example.com"));
    }

    #[test]
    fn ip_addresses_match_by_mask() {
        assert!(ip_within("10.1.2.3", "10.0.0.0/255.0.0.0"));
        assert!(!ip_within("11.1.2.3", "10.0.0.0/255.0.0.0"));
        assert!(!ip_within("not an ip", "10.0.0.0/255.0.0.0"));
    }

    #[test]
    fn violations_name_the_subtree() {
        let permitted = vec!["DNS:example.com".to_owned()];
        let reason = constraint_violation("DNS:evil.org", &permitted, &[]).unwrap();
        assert!(reason.contains("DNS:example.com"));
        assert!(constraint_violation("DNS:a.example.com", &permitted, &[]).is_none());
        assert!(constraint_violation("email:x@evil.org", &permitted, &[]).is_none());
        let excluded = vec!["email:.corp.example".to_owned()];
        assert!(constraint_violation("email:x@a.corp.example", &[], &excluded).is_some());
    }
}
