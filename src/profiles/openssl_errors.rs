//! The `X509_V_ERR_*` errors OpenSSL's `X509_verify_cert` reports to its verify callback for a
//! chain, in the order the callback sees them.
//!
//! Servers report them differently: nginx's callback lets verification go on and logs (and
//! puts in `$ssl_client_verify`) the *last* error; a server with OpenSSL's default callback
//! stops at the *first*. The order is that of OpenSSL 3.0's `verify_chain`: the client key's
//! security level, then building the chain, the extensions of each certificate from the client
//! certificate up (`check_extensions`), the issuers' key and digest levels
//! (`check_auth_level`), revocation from the client certificate up, then signatures and
//! validity from the top down (`internal_verify`), and name constraints last. Checked against a
//! real nginx by tests/servers.rs.

use super::*;

/// One error as OpenSSL reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpensslError {
    /// The `X509_V_ERR_*` number.
    pub number: u32,
    /// `X509_verify_cert_error_string` (OpenSSL 3.0).
    pub text: String,
    /// The depth of the certificate it is about: 0 for the client certificate.
    pub depth: usize,
    /// Reported by `internal_verify`, which walks the path from the top down and signals each
    /// certificate's success to the callback after its own errors.
    pub internal_verify: bool,
}

impl OpensslError {
    /// `20:unable to get local issuer certificate`, as nginx logs it between parentheses.
    pub fn numbered(&self) -> String {
        format!("{}:{}", self.number, self.text)
    }
}

/// The TLS alert OpenSSL sends when verification stops at this error
/// (`ssl_x509err2alert`), as an OpenSSL peer prints it: alerts SSLv3 already had are named
/// `sslv3 alert …`, the others `tlsv1 alert …`.
pub fn alert(number: u32) -> &'static str {
    match number {
        2 | 3 | 18 | 19 | 20 | 21 | 22 | 24 | 25 | 33 | 79 => "tlsv1 alert unknown ca",
        10 | 12 => "sslv3 alert certificate expired",
        23 => "sslv3 alert certificate revoked",
        7 | 8 => "tlsv1 alert decrypt error",
        26 => "sslv3 alert unsupported certificate",
        9 | 11 | 27 | 28 | 35 | 36 | 47 | 48 | 66 | 67 | 68 => "sslv3 alert bad certificate",
        _ => "sslv3 alert certificate unknown",
    }
}

/// The phases of `verify_chain`, in order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    LeafKey,
    Build,
    Extensions,
    AuthLevel,
    Revocation,
    Signatures,
    NameConstraints,
}

/// How nginx says an OCSP finding (`ngx_ssl_ocsp_get_status`): `certificate revoked`,
/// `certificate status unknown`, or `certificate status request failed`.
pub fn ocsp_failure(violations: &[Violation]) -> Option<&'static str> {
    let found = violations.iter().find(|v| crate::profiles::from_ocsp(v))?;
    Some(match found.code {
        Code::Revoked => "certificate revoked",
        Code::RevocationStatusUnknown => "certificate status unknown",
        _ => "certificate status request failed",
    })
}

/// Errors of one violation: (phase, number, text).
/// The text of the first error OpenSSL reports for this violation (`X509_verify_cert_error_string`).
pub fn first_text(violation: &Violation) -> Option<&'static str> {
    errors_of(violation).first().map(|&(_, _, text)| text)
}

fn errors_of(violation: &Violation) -> Vec<(Phase, u32, &'static str)> {
    use Phase::*;
    let value = violation.value.as_deref().unwrap_or_default();
    // What a server makes of an OCSP answer is its own, after verification: not an error of
    // `X509_verify_cert` (`ocsp_failure` says it as nginx does).
    if crate::profiles::from_ocsp(violation) {
        return Vec::new();
    }
    match violation.code {
        // Building stops at the depth limit: too long, then no issuer for the last one kept.
        Code::ChainTooDeep => vec![
            (Build, 22, "certificate chain too long"),
            (Build, 20, "unable to get local issuer certificate"),
        ],
        Code::UnsupportedCriticalExtension => {
            vec![(Extensions, 34, "unhandled critical extension")]
        }
        Code::IssuerNotCa => vec![
            (Extensions, 79, "invalid CA certificate"),
            (Extensions, 26, "unsuitable certificate purpose"),
        ],
        // `X509_check_ca` fails without keyCertSign, so does the CA purpose; internal_verify
        // then refuses the issuer's signing (`ossl_x509_signing_allowed`).
        Code::IssuerMissingKeyCertSign => vec![
            (Extensions, 79, "invalid CA certificate"),
            (Extensions, 26, "unsuitable certificate purpose"),
            (
                Signatures,
                32,
                "key usage does not include certificate signing",
            ),
        ],
        Code::ClientAuthEkuMissing
        | Code::IssuerEkuExcludesClientAuth
        | Code::LeafKeyUsageMissingDigitalSignature => {
            vec![(Extensions, 26, "unsuitable certificate purpose")]
        }
        Code::PathLengthExceeded => vec![(Extensions, 25, "path length constraint exceeded")],
        Code::UnsupportedSignatureAlgorithm => {
            vec![(AuthLevel, 68, "CA signature digest algorithm too weak")]
        }
        Code::RevocationStatusUnknown => vec![(Revocation, 3, "unable to get certificate CRL")],
        Code::CrlExpired => vec![(Revocation, 12, "CRL has expired")],
        Code::CrlNotYetValid => vec![(Revocation, 11, "CRL is not yet valid")],
        Code::CrlUnusable if value.contains("cRLSign") => {
            vec![(Revocation, 35, "key usage does not include CRL signing")]
        }
        Code::CrlUnusable if value.contains("critical extension") => {
            vec![(Revocation, 36, "unhandled critical CRL extension")]
        }
        Code::CrlUnusable if value.contains("different CRL scope") => {
            vec![(Revocation, 44, "different CRL scope")]
        }
        Code::CrlUnusable => vec![(Revocation, 8, "CRL signature failure")],
        Code::Revoked => vec![(Revocation, 23, "certificate revoked")],
        Code::BadSignature => vec![(Signatures, 7, "certificate signature failure")],
        Code::NotYetValid => vec![(Signatures, 9, "certificate is not yet valid")],
        Code::Expired => vec![(Signatures, 10, "certificate has expired")],
        Code::NameConstraintsViolated if value.contains("excluded") => {
            vec![(NameConstraints, 48, "excluded subtree violation")]
        }
        Code::NameConstraintsViolated => {
            vec![(NameConstraints, 47, "permitted subtree violation")]
        }
        _ => Vec::new(),
    }
}

/// The errors `X509_verify_cert` reports for the chain `search` found with these violations,
/// in the order the verify callback sees them.
pub fn verify_errors(
    context: &Context<'_>,
    search: &Search,
    violations: &[Violation],
) -> Vec<OpensslError> {
    let path = search.path();
    let top = path.len();
    let depth_of = |index: Option<usize>| {
        index
            .and_then(|i| path.iter().position(|&p| p == i))
            .unwrap_or(0)
    };
    // (phase, place in the phase, place among one certificate's errors, error)
    let mut keyed: Vec<(Phase, usize, usize, OpensslError)> = Vec::new();
    let error = |number: u32, text: &str, depth: usize| OpensslError {
        number,
        text: text.to_owned(),
        depth,
        internal_verify: false,
    };
    for violation in violations {
        let depth = depth_of(violation.certificate);
        if violation.code == Code::WeakKey {
            keyed.push(if depth == 0 {
                (
                    Phase::LeafKey,
                    0,
                    0,
                    error(66, "EE certificate key too weak", 0),
                )
            } else {
                let text = "CA certificate key too weak";
                (Phase::AuthLevel, depth, 0, error(67, text, depth))
            });
            continue;
        }
        for (sub, (phase, number, text)) in errors_of(violation).into_iter().enumerate() {
            let (place, sub) = match (phase, number) {
                // Top down: a certificate's signature, then its validity; an issuer's
                // keyCertSign while the certificate below it is verified, before the rest.
                (Phase::Signatures, 32) => (top + 1 - depth, 0),
                (Phase::Signatures, 7) => (top - depth, 1),
                (Phase::Signatures, _) => (top - depth, 2),
                _ => (depth, sub),
            };
            keyed.push((phase, place, sub, error(number, text, depth)));
        }
    }
    if let Search::Incomplete(_, dead) = search {
        let last = top.saturating_sub(1);
        let (number, text) = match dead {
            Dead::UntrustedRoot { .. } if top == 1 => (18, "self-signed certificate"),
            Dead::UntrustedRoot { .. } => (19, "self-signed certificate in certificate chain"),
            _ if path
                .last()
                .is_some_and(|&i| context.graph.side(i) == Some(Side::Trust)) =>
            {
                (2, "unable to get issuer certificate")
            }
            _ => (20, "unable to get local issuer certificate"),
        };
        keyed.push((Phase::Build, 0, 0, error(number, text, last)));
        // A lone certificate whose issuer is not found: internal_verify then says it cannot
        // verify it, before checking its dates (measured: Apache logs the 20, nginx the 21).
        if top == 1 && number != 18 {
            let text = "unable to verify the first certificate";
            keyed.push((Phase::Signatures, top, 0, error(21, text, last)));
        }
    }
    keyed.sort_by_key(|(phase, place, sub, _)| (*phase, *place, *sub));
    keyed
        .into_iter()
        .map(|(phase, .., error)| OpensslError {
            internal_verify: phase == Phase::Signatures,
            ..error
        })
        .collect()
}
