//! OCSP: the responses given as files, taken as what the server's responder answers, processed
//! as each stack processes that answer — OpenSSL's `OCSP_basic_verify` as nginx calls it for a
//! client certificate (`ssl_ocsp`: the verified chain as the certificates to look the signer up
//! in, the server's trust store, no flags; then `OCSP_resp_find_status` with a SHA-1 CertID
//! and `OCSP_check_validity` with 300 seconds of leeway), and Java's `OCSPResponse.verify`
//! (PKIX with revocation enabled, the responses given to `PKIXRevocationChecker`). rustls and
//! Go do not check OCSP for client certificates. Every rule here is compared with the real
//! stack by tests/ocsp_differential.rs (its cases: tests/common/ocsp_corpus.rs).

use super::*;
use crate::read::ocsp::{Basic, Ocsp, Responder, Single, Status};

/// Whose OCSP processing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OcspRules {
    Openssl,
    Java,
}

impl OcspRules {
    /// The clock skew allowed on a status's times: OpenSSL's `nsec` as nginx passes it, and
    /// Java's `com.sun.security.ocsp.clockSkew` default (900 s).
    fn leeway(self) -> Timestamp {
        match self {
            Self::Openssl => 300,
            Self::Java => 900,
        }
    }
}

/// OCSP checks for the first `checked` certificates of `path` (client first; each one's issuer
/// is the next): the client certificate needs a status in the responses given, a certificate
/// above it is checked when one is given for it; a status counts when its response verifies.
/// The responses that gave a status are added to `used`.
pub(crate) fn ocsp(
    context: &Context<'_>,
    path: &[usize],
    checked: usize,
    rules: OcspRules,
    out: &mut Vec<Violation>,
    used: &mut Vec<crate::report::StatusSource>,
) {
    for position in 0..checked {
        let (Some(&index), Some(&issuer_index)) = (path.get(position), path.get(position + 1))
        else {
            continue;
        };
        let (Some(cert), Some(issuer)) = (
            context.certificate(index),
            context.certificate(issuer_index),
        ) else {
            continue;
        };
        // Both stacks ask with a SHA-1 CertID (`OCSP_cert_to_id` with no digest; Java's
        // `CertId`), and the hash algorithm is part of the comparison.
        let found = context.ocsp.iter().enumerate().find_map(|(at, response)| {
            let basic = response.basic()?;
            let single = basic
                .responses
                .iter()
                .find(|s| s.hash() == Hash::Sha1 && s.names(cert, issuer))?;
            Some((at, basic, single))
        });
        let finding = match found {
            Some((at, basic, single)) => {
                // Given as text, its signature and signer cannot be checked: taken as the
                // server would take a good one (the report says so).
                let authorised = match rules {
                    _ if basic.from_text => Ok(()),
                    OcspRules::Openssl => openssl_signer(context, path, basic, single),
                    OcspRules::Java => java_signer(context, basic, issuer),
                };
                authorised
                    .and_then(|()| times(context, rules, basic, single))
                    .and_then(|()| critical(rules, basic))
                    .map_or_else(
                        |why| Some(unusable(basic, &why)),
                        |()| {
                            used.push(crate::report::StatusSource {
                                certificate: index,
                                crl: None,
                                ocsp: Some(at),
                            });
                            status(basic, single)
                        },
                    )
            }
            // Only the client certificate's status is required: the responses given stand for
            // the responder's answers, and none was given for the others.
            None if position == 0 => Some(not_found(context.ocsp, cert, issuer)),
            None => None,
        };
        if let Some((code, value)) = finding {
            out.push(Violation::new(code, index).value(&value));
        }
    }
}

fn sha1(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes)
        .as_ref()
        .to_vec()
}

/// Does the certificate's name or key hash match the response's responderID?
fn is_responder(responder: Responder<'_>, cert: &Certificate, java: bool) -> bool {
    match responder {
        Responder::Name { raw, .. } if java => {
            crate::crl::name_forms(raw).is_some_and(|(_, name)| name == cert.subject_java)
        }
        Responder::Name { raw, .. } => {
            raw == cert.subject_raw
                || crate::crl::name_forms(raw).is_some_and(|(canonical, _)| {
                    canonical.is_some() && canonical == cert.subject_canonical
                })
        }
        Responder::Key(hash) => hash.len() == 20 && hash == sha1(&cert.spki_key),
    }
}

/// The certificates the response carries, those that parse.
fn carried(basic: &Basic) -> Vec<Certificate> {
    basic
        .certificates
        .iter()
        .filter_map(|der| Certificate::parse(der).ok())
        .collect()
}

/// Was `cert` issued by `issuer` (its name, and its signature by the issuer's key)?
fn issued(cert: &Certificate, issuer: &Certificate) -> bool {
    cert.issuer_raw == issuer.subject_raw
        && crate::signature::check_signature(
            cert.tbs_bytes(),
            &cert.signature_algorithm,
            &cert.signature,
            issuer,
            None,
        ) == SignatureCheck::Valid
}

fn signed_by(basic: &Basic, signer: &Certificate) -> Result<(), String> {
    let Some(algorithm) = basic.algorithm() else {
        return Err("its signature algorithm does not decode".to_owned());
    };
    match crate::signature::check_signature(&basic.tbs, &algorithm, &basic.signature, signer, None)
    {
        SignatureCheck::Valid => Ok(()),
        SignatureCheck::Invalid => Err(format!(
            "its signature does not verify with the key of `{}`",
            signer.label()
        )),
        SignatureCheck::Unsupported => Err(format!(
            "its signature algorithm {} cannot be verified",
            algorithm.name
        )),
    }
}

const OCSP_SIGNING: &str = "OCSPSigning";

fn can_sign_ocsp(cert: &Certificate) -> bool {
    cert.extended_key_usage
        .as_ref()
        .is_some_and(|eku| eku.purposes.iter().any(|p| p == OCSP_SIGNING))
}

/// `OCSP_basic_verify(response, chain, store, 0)` as nginx calls it: the signer is looked up by
/// the responderID among the client's verified chain, then among the certificates the
/// response carries; its signature is checked; a carried signer must verify up to the trust
/// store (here: be issued by a certificate of the client's path, valid at the time); then
/// `ocsp_check_issuer`: the signer is the CA the status is about, or a certificate it issued
/// with the OCSPSigning extended key usage.
fn openssl_signer(
    context: &Context<'_>,
    path: &[usize],
    basic: &Basic,
    single: &Single,
) -> Result<(), String> {
    let in_path = path
        .iter()
        .filter_map(|&i| context.certificate(i))
        .find(|c| is_responder(basic.responder(), c, false));
    let carried = carried(basic);
    let signer = match in_path {
        Some(signer) => signer,
        None => carried
            .iter()
            .find(|c| is_responder(basic.responder(), c, false))
            .ok_or_else(|| not_carried(basic))?,
    };
    signed_by(basic, signer)?;
    // The signer's own chain: [signer, its issuer, …].
    let signer_issuer = if in_path.is_some() {
        let at = path.iter().position(|&i| {
            context
                .certificate(i)
                .is_some_and(|c| std::ptr::eq(c, signer))
        });
        at.and_then(|at| path.get(at + 1))
            .and_then(|&i| context.certificate(i))
    } else {
        if signer.not_before > context.time || signer.not_after <= context.time {
            return Err(of_responder(signer, NOT_VALID));
        }
        let issuer = path
            .iter()
            .filter_map(|&i| context.certificate(i))
            .find(|c| issued(signer, c));
        Some(issuer.ok_or_else(|| {
            of_responder(
                signer,
                "was not issued by a certificate of the client's chain",
            )
        })?)
    };
    if signer_issuer.is_some_and(|ca| single.of_issuer(ca)) {
        return if can_sign_ocsp(signer) {
            Ok(())
        } else {
            Err(of_responder(signer, NO_OCSP_SIGNING))
        };
    }
    if single.of_issuer(signer) {
        return Ok(());
    }
    Err(of_responder(
        signer,
        "is neither the issuer of the certificate nor authorised by it",
    ))
}

/// "the responder's certificate `…` …", every note on a signer's certificate.
fn of_responder(signer: &Certificate, what: &str) -> String {
    ["the responder's certificate `", &signer.label(), "` ", what].concat()
}

const NOT_VALID: &str = "is not valid at that time";
const NO_OCSP_SIGNING: &str = "lacks the OCSPSigning extended key usage";

/// Java's `OCSPResponse.verify`: the responderID names the issuer (then the issuer's key
/// signed it), or a carried certificate issued by the issuer, with OCSPSigning, valid at the
/// time.
fn java_signer(context: &Context<'_>, basic: &Basic, issuer: &Certificate) -> Result<(), String> {
    if is_responder(basic.responder(), issuer, true) {
        return signed_by(basic, issuer);
    }
    let carried = carried(basic);
    let signer = carried
        .iter()
        .find(|c| is_responder(basic.responder(), c, true))
        .ok_or_else(|| not_carried(basic))?;
    if !can_sign_ocsp(signer) {
        return Err(of_responder(signer, NO_OCSP_SIGNING));
    }
    if signer.not_before > context.time || signer.not_after < context.time {
        return Err(of_responder(signer, NOT_VALID));
    }
    if !issued(signer, issuer) {
        return Err(of_responder(
            signer,
            &["was not issued by `", &issuer.label(), "`"].concat(),
        ));
    }
    signed_by(basic, signer)
}

fn not_carried(basic: &Basic) -> String {
    let who = match basic.responder() {
        Responder::Name { text, .. } => format!("`{text}`"),
        Responder::Key(_) => "its responder (by key hash)".to_owned(),
    };
    format!(
        "the certificate of {who}, which signed it, is neither in the chain nor in the response"
    )
}

/// The status's times: OpenSSL's `OCSP_check_validity(thisUpdate, nextUpdate, 300, -1)` on the
/// status used; Java checks every status of the response, and one without a nextUpdate is
/// current only while its thisUpdate is.
fn times(
    context: &Context<'_>,
    rules: OcspRules,
    basic: &Basic,
    single: &Single,
) -> Result<(), String> {
    let leeway = rules.leeway();
    let now = context.time;
    let checked: Vec<&Single> = match rules {
        OcspRules::Openssl => vec![single],
        OcspRules::Java => basic.responses.iter().collect(),
    };
    for single in checked {
        if single.this_update > now.saturating_add(leeway) {
            return Err(format!(
                "its status is dated {}, later than the time",
                crate::diagnosis::format_time(single.this_update)
            ));
        }
        let end = match (rules, single.next_update) {
            (_, Some(next)) => next,
            (OcspRules::Java, None) => single.this_update,
            (OcspRules::Openssl, None) => continue,
        };
        if end < now.saturating_sub(leeway) {
            return Err(format!(
                "its status expired at {} (nextUpdate)",
                crate::diagnosis::format_time(end)
            ));
        }
        if rules == OcspRules::Openssl && end < single.this_update {
            return Err("its nextUpdate is before its thisUpdate".to_owned());
        }
    }
    Ok(())
}

/// Java refuses a response or status with any critical extension, a critical nonce included
/// (measured: `ocsp-critical-nonce`); OpenSSL does not look at the response's extensions.
fn critical(rules: OcspRules, basic: &Basic) -> Result<(), String> {
    if rules == OcspRules::Openssl {
        return Ok(());
    }
    let single = basic.responses.iter().flat_map(|s| &s.critical);
    match basic.critical.iter().chain(single).next() {
        Some(oid) => Err(format!(
            "it has the critical extension {oid}, which Java does not accept"
        )),
        None => Ok(()),
    }
}

fn status(basic: &Basic, single: &Single) -> Finding {
    match single.status() {
        Status::Good => None,
        Status::Revoked { time, reason } => {
            let reason = reason
                .map(|reason| format!(", reason {reason}"))
                .unwrap_or_default();
            Some((
                Code::Revoked,
                format!(
                    ": the OCSP response of {} says so, revoked since {}{reason}",
                    responder_text(basic),
                    crate::diagnosis::format_time(time)
                ),
            ))
        }
        Status::Unknown => Some((
            Code::RevocationStatusUnknown,
            format!(
                "the OCSP response of {} says its status is unknown",
                responder_text(basic)
            ),
        )),
    }
}

fn responder_text(basic: &Basic) -> String {
    match basic.responder() {
        Responder::Name { text, .. } => format!("`{text}`"),
        Responder::Key(_) => format!("the responder with {}", basic.responder_label()),
    }
}

type Finding = Option<(Code, String)>;

fn unusable(basic: &Basic, why: &str) -> (Code, String) {
    (
        Code::OcspResponseUnusable,
        format!(
            "the OCSP response of {} does not count: {why}",
            responder_text(basic)
        ),
    )
}

/// No status for the client certificate: why none of the responses has one.
fn not_found(
    responses: &[std::sync::Arc<Ocsp>],
    cert: &Certificate,
    issuer: &Certificate,
) -> (Code, String) {
    if let Some(failed) = responses.iter().find(|r| r.basic().is_none()) {
        return (
            Code::OcspResponseUnusable,
            format!(
                "the OCSP responder answered `{}`, not a status",
                failed.status
            ),
        );
    }
    let other_hash = responses
        .iter()
        .filter_map(|r| r.basic())
        .flat_map(|b| &b.responses)
        .find(|s| s.hash() != Hash::Sha1 && s.names(cert, issuer));
    let why = match other_hash {
        Some(single) => format!(
            "the response identifies it with a CertID hashed with {}; servers look it up by \
             SHA-1",
            single.hash().name()
        ),
        None => format!(
            "no response has a status for serial {} issued by `{}`",
            cert.serial,
            issuer.label()
        ),
    };
    (Code::OcspResponseUnusable, why)
}
