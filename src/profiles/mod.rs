//! Server profiles: how each server stack decides on a client certificate.
//!
//! `webpki` is decided by rustls-webpki itself, called the way rustls' client-certificate
//! verifier calls it; its rules only explain that decision. The others are decided by rules
//! read from their stacks' sources and checked against the real implementations by the
//! differential tests: [`openssl`] (OpenSSL `X509_verify_cert`, and nginx's settings on top),
//! [`go`] (Go's crypto/x509 and crypto/tls), [`java`] (JSSE's PKIX). Each walks the same
//! search over the certificates ([`crate::chain`]) and reads the same facts; what differs is
//! written in each stack's file.

use serde::{Deserialize, Serialize};

use crate::certificate::{Certificate, Fault, Side, TimeEncoding, Timestamp};
pub use crate::chain::NameMatching;
use crate::chain::{Dead, Graph, Search};
use crate::crl::{Crl, CrlFault};
use crate::diagnosis::{Code, Violation};
use crate::keys::KeyAlgorithm;
use crate::signature::{Hash, SignatureCheck};
pub use crate::usage::Usage;

pub mod go;
pub mod java;
mod name_constraints;
mod ocsp;
pub mod openssl;
pub mod openssl_errors;
mod revocation;
pub mod webpki;

pub(crate) use name_constraints::{CommonName, name_constraints};

pub use go::go_rules;
pub use java::java_rules;
use ocsp::{OcspRules, ocsp};
pub use openssl::{OpensslSettings, openssl_rules};
use revocation::{CrlRules, revocation};
pub use webpki::{
    WEBPKI_ALGORITHMS, WebpkiDecision, webpki_error_code, webpki_error_name, webpki_rules,
    webpki_verify,
};

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
    /// What the profile's server does with the OCSP responses given (the responder's answers).
    pub fn ocsp_policy(self) -> &'static str {
        match self {
            Self::Webpki => "rustls does not check client certificates with OCSP",
            Self::Openssl => {
                "OpenSSL-based servers that check client certificates with OCSP ask about every \
                 certificate of the chain but the root: the answer must be signed by the \
                 certificate's CA or by a responder certificate it issued with OCSPSigning, hold \
                 a status under a SHA-1 CertID, be current within 5 minutes, and say good"
            }
            Self::Nginx => {
                "nginx with ssl_ocsp on asks about every certificate of the chain but the root \
                 (ssl_ocsp leaf: the client certificate only): the answer must be signed by the \
                 certificate's CA or by a responder certificate it issued with OCSPSigning, hold \
                 a status under a SHA-1 CertID, be current within 5 minutes, and say good"
            }
            Self::Go => "Go's crypto/tls never checks client certificates with OCSP",
            Self::Java => {
                "a Java server with revocation and OCSP enabled needs the client certificate's \
                 status: signed by its CA or by a responder certificate the CA issued with \
                 OCSPSigning, every status of the answer current within 15 minutes (one \
                 without nextUpdate only 15 minutes after its thisUpdate), no unknown critical \
                 extension, and good"
            }
        }
    }

    pub fn revocation_policy(self) -> &'static str {
        match self {
            Self::Webpki => {
                "rustls checks the supplied CRLs for the whole chain: a certificate no CRL covers \
                 is rejected (unknown status), an expired CRL is still used"
            }
            Self::Openssl => {
                "OpenSSL-based servers configured with CRLs (HAProxy crl-file, PostgreSQL \
                 ssl_crl_file, Apache SSLCARevocationFile) check every level of the chain: a \
                 certificate no CRL covers, or an expired CRL, is rejected"
            }
            Self::Nginx => {
                "nginx with ssl_crl checks every level of the chain: a certificate no CRL covers, \
                 or an expired CRL, is rejected"
            }
            Self::Go => "Go's crypto/tls never checks CRLs",
            Self::Java => {
                "a Java server configured with CRLs (Tomcat's certificateRevocationListFile: \
                 revocation enabled, the CRLs in a CertStore) checks every certificate below \
                 the anchor: one no current CRL covers is rejected"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Everything a profile needs to decide.
pub struct Context<'a> {
    pub graph: &'a Graph<'a>,
    pub crls: &'a [Crl],
    /// The OCSP responses given: what the server's responder answers.
    pub ocsp: &'a [std::sync::Arc<crate::read::ocsp::Ocsp>],
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

/// Is this a finding of an OCSP answer (rather than of a CRL or of the chain)?
pub fn from_ocsp(violation: &Violation) -> bool {
    violation.code == Code::OcspResponseUnusable
        || violation
            .value
            .as_deref()
            .is_some_and(|v| v.contains("OCSP response"))
}

/// How a server checks the CRLs it is configured with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrlCheck {
    /// No CRL is configured (or checking is off): CRLs given are not used.
    Off,
    /// Only the client certificate is checked (OpenSSL `X509_V_FLAG_CRL_CHECK`).
    Leaf,
    /// Every certificate below the anchor is checked (`X509_V_FLAG_CRL_CHECK_ALL`).
    Chain,
}

/// The result of one profile.
pub struct Evaluation {
    pub search: Search,
    pub violations: Vec<Violation>,
    /// The CRLs and OCSP responses the stack took revocation statuses from.
    pub revocation: Vec<crate::report::StatusSource>,
}

/// One certificate of a path, as every profile's per-certificate rules see it: where it
/// stands and what it is. Each profile walks its path with [`walk`] and applies its stack's
/// rules, most of them shared below.
pub(crate) struct Step<'a> {
    /// 0 for the client certificate, counting towards the anchor.
    pub position: usize,
    /// Its index in the graph.
    pub index: usize,
    pub cert: &'a Certificate,
}

impl Step<'_> {
    pub fn is_leaf(&self) -> bool {
        self.position == 0
    }

    /// The certificates between this one and the client certificate.
    pub fn intermediates_below(&self) -> usize {
        self.position.saturating_sub(1)
    }
}

/// The certificates of `path` that the graph holds, client certificate first.
pub(crate) fn walk<'c>(
    context: &'c Context<'_>,
    path: &'c [usize],
) -> impl DoubleEndedIterator<Item = Step<'c>> + 'c {
    path.iter().enumerate().filter_map(|(position, &index)| {
        let cert = context.certificate(index)?;
        Some(Step {
            position,
            index,
            cert,
        })
    })
}

/// A critical extension the stack does not process: RFC 5280 §4.2 says the certificate must
/// then be rejected, and every stack does.
pub(crate) fn unhandled_critical(
    step: &Step<'_>,
    handled: impl Fn(&str) -> bool,
    out: &mut Vec<Violation>,
) {
    for oid in step.cert.critical_extension_oids() {
        if !handled(oid) {
            out.push(Violation::new(Code::UnsupportedCriticalExtension, step.index).value(oid));
        }
    }
}

/// An extended key usage that does not allow the usage (`allowed` as the stack reads it).
pub(crate) fn eku_rule(step: &Step<'_>, allowed: bool, out: &mut Vec<Violation>) {
    if allowed {
        return;
    }
    let purposes = step
        .cert
        .extended_key_usage
        .as_ref()
        .map(|e| e.purposes.clone())
        .unwrap_or_default();
    out.push(eku_violation(step.is_leaf(), step.index, &purposes));
}

/// An EKU that does not allow the usage: the client certificate's own, or a CA's.
pub(crate) fn eku_violation(is_leaf: bool, index: usize, purposes: &[String]) -> Violation {
    let code = if is_leaf {
        Code::ClientAuthEkuMissing
    } else {
        Code::IssuerEkuExcludesClientAuth
    };
    Violation::new(code, index).value(&purposes.join(", "))
}

/// An issuer whose key usage, when present, lacks keyCertSign (RFC 5280 §4.2.1.3).
pub(crate) fn issuer_key_cert_sign(step: &Step<'_>, out: &mut Vec<Violation>) {
    if let Some(ku) = step.cert.key_usage
        && !ku.key_cert_sign
    {
        out.push(
            Violation::new(Code::IssuerMissingKeyCertSign, step.index)
                .value(&ku.names().join(", ")),
        );
    }
}

/// An issuer's pathLenConstraint (RFC 5280 §4.2.1.9) against the intermediates below it,
/// counted as the stack counts them.
pub(crate) fn path_length(step: &Step<'_>, below: usize, out: &mut Vec<Violation>) {
    if let Some(len) = step.cert.basic_constraints.and_then(|bc| bc.path_len)
        && below > len as usize
    {
        out.push(
            Violation::new(Code::PathLengthExceeded, step.index)
                .value(&format!("pathlen:{len}, {below} intermediates below it")),
        );
    }
}

/// The certificates of a path whose own fields are checked: the anchor of a complete path
/// contributes only its name and key.
pub(crate) fn without_anchor(path: &[usize], complete: bool) -> &[usize] {
    match (complete, path.split_last()) {
        (true, Some((_, rest))) => rest,
        _ => path,
    }
}

/// Each certificate of a path with its issuer.
pub(crate) fn links(path: &[usize]) -> impl Iterator<Item = (usize, usize)> + '_ {
    path.iter().copied().zip(path.iter().copied().skip(1))
}

pub(crate) fn validity(
    cert: &Certificate,
    index: usize,
    time: Timestamp,
    out: &mut Vec<Violation>,
) {
    if time > cert.not_after {
        out.push(Violation::new(Code::Expired, index));
    } else if time < cert.not_before {
        out.push(Violation::new(Code::NotYetValid, index));
    }
}

/// Whose signature rules [`signature_rules`] applies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureRules {
    /// OpenSSL at security level 2 (whose key sizes are checked apart).
    Openssl,
    /// Go's crypto/x509.
    Go,
    /// rustls-webpki with rustls' *ring* algorithms.
    Webpki,
}

/// The signature of `subject` by `issuer` as a stack judges it: hashes it refuses, RSASSA-PSS
/// forms it does not implement, keys it does not take, and the signature itself.
pub(crate) fn signature_rules(
    context: &Context<'_>,
    subject: usize,
    issuer: usize,
    rules: SignatureRules,
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
    // Go and rustls-webpki know RSASSA-PSS only in its three standard forms (Go's
    // `getSignatureAlgorithmFromAI`: "algorithm unimplemented").
    let pss_unimplemented = rules != SignatureRules::Openssl
        && cert.signature_algorithm.pss_is_standard() == Some(false);
    if weak_hash || pss_unimplemented {
        out.push(
            Violation::new(Code::UnsupportedSignatureAlgorithm, subject)
                .value(&cert.signature_algorithm.name),
        );
        return;
    }
    if rules == SignatureRules::Webpki {
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

pub(crate) fn dead_end(search: &Search, out: &mut Vec<Violation>) {
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

/// OpenSSL security level 2 requires 112 bits of security: RSA and DSA of 2048 bits, EC of 224.
pub(crate) fn weak_key_at_level_2(key: &KeyAlgorithm) -> Option<String> {
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

/// Do the server's trusted certificates hold the client certificate itself? (Go's
/// `opts.Roots.contains(c)`, Java's `trustedCerts.contains(chain[0])`.)
pub(crate) fn is_pinned(context: &Context<'_>) -> bool {
    let graph = context.graph;
    (0..graph.entries().len())
        .any(|i| (context.anchors)(i) && graph.same_certificate(i, context.leaf))
}

/// `MalformedCertificate` for each certificate the client sends that its stack cannot read:
/// a server reads the whole Certificate message before it decides anything.
pub(crate) fn unreadable_sent(
    context: &Context<'_>,
    unreadable: fn(&Certificate) -> Option<String>,
    out: &mut Vec<Violation>,
) {
    let graph = context.graph;
    for index in 0..graph.entries().len() {
        if graph.side(index) != Some(Side::Client) {
            continue;
        }
        if let Some(reason) = graph.certificate(index).and_then(unreadable) {
            out.push(Violation::new(Code::MalformedCertificate, index).value(&reason));
        }
    }
}

/// The first fault `judge` finds in `cert`, described.
pub(crate) fn first_fault(cert: &Certificate, judge: impl Fn(&Fault) -> bool) -> Option<String> {
    cert.faults.iter().find(|f| judge(f)).map(Fault::describe)
}

/// Is a validity date written as RFC 5280 says (`YYMMDDHHMMSSZ`, `YYYYMMDDHHMMSSZ`), or, with
/// `seconds_optional`, also without its seconds (Go's UTCTime)?
pub(crate) fn time_form_ok(time: &TimeEncoding, seconds_optional: bool) -> bool {
    let digits = time.text.len().saturating_sub(1);
    let expected = if time.generalized { 14 } else { 12 };
    time.text.is_empty()
        || (time.text.ends_with('Z')
            && time
                .text
                .get(..digits)
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
            && (digits == expected || (seconds_optional && !time.generalized && digits == 10)))
}

/// Which side an anchor must come from.
pub fn is_trusted(graph: &Graph<'_>, index: usize, assumed: &[usize]) -> bool {
    graph.side(index) == Some(Side::Trust) || assumed.contains(&index)
}
