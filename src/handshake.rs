//! The mTLS handshake as a sequence of steps, with the step where this client would fail.
//!
//! Path-validation failures stop the handshake when the server checks the client's Certificate
//! message; key problems stop it at CertificateVerify, where the client proves it holds the key.

use serde::{Deserialize, Serialize};

use crate::diagnosis::{Code, Severity};
use crate::report::{Finding, Report, Verdict};

/// Who sends a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Client,
    Server,
}

/// How far the handshake gets at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    /// This step succeeds.
    Passes,
    /// The handshake stops here.
    Fails,
    /// The handshake never gets here.
    NotReached,
    /// Nothing decided yet (incomplete inputs).
    Unknown,
}

/// One message of the handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub message: &'static str,
    pub from: Party,
    /// What happens at this step, in general.
    pub purpose: &'static str,
    pub state: StepState,
    /// Why it fails here, for the failing step.
    pub explanation: Option<String>,
}

const STEPS: [(&str, Party, &str); 7] = [
    (
        "ClientHello",
        Party::Client,
        "The client offers TLS versions, cipher suites and signature algorithms.",
    ),
    (
        "ServerHello",
        Party::Server,
        "The server picks the version and cipher suite.",
    ),
    (
        "Certificate (server)",
        Party::Server,
        "The server proves its own identity; the client checks it.",
    ),
    (
        "CertificateRequest",
        Party::Server,
        "The server asks for a client certificate and may list the CA names it trusts and the signature algorithms it accepts.",
    ),
    (
        "Certificate (client)",
        Party::Client,
        "The client sends its certificate and intermediates; the server checks them against its trusted CAs.",
    ),
    (
        "CertificateVerify",
        Party::Client,
        "The client signs the handshake with its private key; the server verifies the signature with the certificate's public key.",
    ),
    (
        "Finished",
        Party::Client,
        "Both sides confirm the handshake; application data can flow.",
    ),
];

/// Codes that stop the handshake at CertificateVerify rather than at the certificate check.
fn fails_at_certificate_verify(code: Code) -> bool {
    matches!(code, Code::PrivateKeyMismatch | Code::UnsupportedKeyType)
}

/// Where the handshake stops for this client, and why, as the engine puts it in the report
/// (the page only lays the steps out: [`handshake`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    /// The step it stops at (0 = ClientHello).
    pub step: usize,
    pub why: String,
}

/// The handshake for this report: every step, the failing one marked and explained (from
/// where the report says the handshake stops).
pub fn handshake(report: &Report) -> Vec<Step> {
    let failing = report.handshake.as_ref();
    STEPS
        .iter()
        .enumerate()
        .map(|(index, &(message, from, purpose))| {
            let state = match (failing, report.verdict) {
                (Some(stop), _) if index == stop.step => StepState::Fails,
                (Some(stop), _) if index > stop.step => StepState::NotReached,
                (Some(_), _) => StepState::Passes,
                (None, Verdict::Incomplete) if index >= 4 => StepState::Unknown,
                (None, _) => StepState::Passes,
            };
            let explanation = failing
                .filter(|stop| stop.step == index)
                .map(|stop| stop.why.clone());
            Step {
                message,
                from,
                purpose,
                state,
                explanation,
            }
        })
        .collect()
}

/// Where the handshake stops for the findings of `report`, and why.
pub fn stop(report: &Report) -> Option<Stop> {
    let errors: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !f.profiles.is_empty())
        .collect();
    let no_client_certificate = report
        .findings
        .iter()
        .any(|f| f.code == Code::NoClientCertificate);
    let certificate_error = errors.iter().find(|f| !fails_at_certificate_verify(f.code));
    let verify_error = errors.iter().find(|f| fails_at_certificate_verify(f.code));
    let failing: Option<(usize, String)> = if no_client_certificate {
        Some((
            4,
            "The client has no certificate to send, so it sends an empty Certificate message and \
             a server that requires one stops here (nginx: \"client sent no required SSL \
             certificate\")."
                .to_owned(),
        ))
    } else if report.verdict == Verdict::Incomplete {
        None
    } else if let Some(finding) = certificate_error.filter(|f| after_handshake(f.code)) {
        Some((
            6,
            format!(
                "The handshake completes, and the server then refuses the client by its own \
                 rules: {} ({}). No TLS alert is sent: the refusal comes after TLS (PostgreSQL \
                 answers with an authentication error).",
                finding.title, finding.code
            ),
        ))
    } else if let Some(finding) = certificate_error {
        // nginx asks its OCSP responder once the handshake is done, and answers HTTP 400.
        let ocsp =
            finding.code == Code::OcspResponseUnusable || finding.detail.contains("OCSP response");
        let nginx = if ocsp && finding.profiles.contains(&crate::Profile::Nginx) {
            " nginx (ssl_ocsp) completes the handshake instead and answers HTTP 400."
        } else {
            ""
        };
        Some((
            4,
            format!(
                "The server checks the client's certificate against its trusted CAs here, and \
                 this is where it stops: {} ({}). It answers with a TLS alert ({}) and logs the \
                 reason.{nginx}",
                finding.title,
                finding.code,
                alert(finding.code)
            ),
        ))
    } else {
        verify_error.map(|finding| {
            (
                5,
                format!(
                    "The certificate is accepted, but the client cannot prove it holds the key: {} \
                     ({}). The server answers with a TLS alert ({}).",
                    finding.title,
                    finding.code,
                    alert(finding.code)
                ),
            )
        })
    };
    failing.map(|(step, why)| Stop { step, why })
}

/// Refused after the TLS handshake, by the server's own rules (a user name, an access rule).
fn after_handshake(code: Code) -> bool {
    matches!(code, Code::ClientNameMismatch | Code::AccessRuleRefuses)
}

/// The TLS alert a server sends for a failure (RFC 8446 section 6.2).
pub fn alert(code: Code) -> &'static str {
    match code {
        Code::SubjectAltNameNotAllowed => "certificate_unknown (46)",
        Code::CertificatePinMismatch => "bad_certificate_hash_value (114)",
        Code::IssuerNotFound | Code::UntrustedRoot | Code::IssuerKeyMismatch => "unknown_ca (48)",
        Code::Expired | Code::NotYetValid => "certificate_expired (45)",
        Code::Revoked => "certificate_revoked (44)",
        Code::ClientAuthEkuMissing
        | Code::IssuerEkuExcludesClientAuth
        | Code::LeafKeyUsageMissingDigitalSignature
        | Code::UnsupportedSignatureAlgorithm
        | Code::UnsupportedCriticalExtension
        | Code::UnsupportedVersion
        | Code::WeakKey => "unsupported_certificate (43) or bad_certificate (42)",
        Code::PrivateKeyMismatch | Code::UnsupportedKeyType => "decrypt_error (51)",
        Code::RevocationStatusUnknown
        | Code::CrlExpired
        | Code::CrlNotYetValid
        | Code::CrlUnusable => "certificate_unknown (46)",
        _ => "bad_certificate (42)",
    }
}
