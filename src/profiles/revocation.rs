//! Revocation: the CRLs a server is configured with, processed as each stack processes them —
//! RFC 5280 §6.3 as OpenSSL's `X509_verify_cert` does it without extended CRL support (what
//! nginx, Apache, HAProxy, PostgreSQL and Mosquitto run), as Java's PKIX `RevocationChecker`
//! does it, and as rustls-webpki does it. Every rule here was measured against the real stack
//! by tests/malformed_differential.rs (tests/common/crl_corpus.rs holds the cases).

use super::*;
use crate::read::crl::IssuingDistributionPoint;
use crate::report::StatusSource;

/// Whose CRL processing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrlRules {
    Openssl,
    Java,
    Webpki,
}

/// CRL checks for the first `checked` certificates of `path` (client first; each one's issuer
/// is the next): each needs a CRL its stack can use, and must not be on it. The CRLs that gave
/// a status are added to `used`.
pub(crate) fn revocation(
    context: &Context<'_>,
    path: &[usize],
    checked: usize,
    rules: CrlRules,
    out: &mut Vec<Violation>,
    used: &mut Vec<StatusSource>,
) {
    for (position, &index) in path.iter().enumerate().take(checked) {
        let Some(cert) = context.certificate(index) else {
            continue;
        };
        let mut took = |crl: &Crl| {
            used.push(StatusSource {
                certificate: index,
                crl: context.crls.iter().position(|c| std::ptr::eq(c, crl)),
                ocsp: None,
            })
        };
        let found = match rules {
            CrlRules::Openssl => openssl(context, path, position, cert, &mut took),
            CrlRules::Java => {
                // The anchor's key usage is not consulted (`RevocationChecker` starts with
                // crlSignFlag set; limbo's crl::issuer-missing-crlsign, measured).
                let prev = Prev {
                    issuer: path.get(position + 1).copied(),
                    by_anchor: position + 1 == checked && path.len() > checked,
                    above: path.get(position + 2..).unwrap_or_default(),
                };
                java(context, &prev, cert, &mut took)
            }
            CrlRules::Webpki => {
                webpki(context, index, cert, out, &mut took);
                continue;
            }
        };
        if let Some((code, value)) = found {
            out.push(Violation::new(code, index).value(&value));
        }
    }
}

/// A finding: its code and value.
type Finding = Option<(Code, String)>;

// OpenSSL's CRL scores (x509_vfy.c): the best-scoring CRL is used, the newer one on a tie.
const SCORE_NO_CRITICAL: u32 = 0x100;
const SCORE_SCOPE: u32 = 0x080;
const SCORE_TIME: u32 = 0x040;
const SCORE_ISSUER_NAME: u32 = 0x020;
const SCORE_ISSUER_CERT: u32 = 0x018;
const SCORE_SAME_PATH: u32 = 0x008;
const SCORE_AKID: u32 = 0x004;

/// The critical CRL extensions OpenSSL processes (`crl_cb`), and the one of entries.
const OPENSSL_CRITICAL: &[&str] = &["2.5.29.28", "2.5.29.35", "2.5.29.27"];
const OPENSSL_CRITICAL_ENTRY: &str = "2.5.29.29";

/// `check_cert` for one certificate: `get_crl_sk` picks the best-scoring CRL of its issuer,
/// `check_crl` then reports the first thing wrong with it (cRLSign 35, scope 44, time 11/12,
/// signature 8), `cert_crl` an unhandled critical extension (36) or the certificate's entry
/// (23; removeFromCRL does not revoke). No usable CRL at all is error 3. The CRL that gives
/// the status goes to `took`.
fn openssl(
    context: &Context<'_>,
    path: &[usize],
    position: usize,
    cert: &Certificate,
    took: &mut dyn FnMut(&Crl),
) -> Finding {
    let mut best: Option<(u32, &Crl, &Certificate)> = None;
    let mut ignored = String::new();
    for crl in context.crls {
        let idp = crl.issuing_distribution_point.as_ref();
        let named = crl.issuer_canonical.is_some() && crl.issuer_canonical == cert.issuer_canonical;
        // An indirect CRL the certificate names as its CRL issuer's: said why it does not count.
        let named_by_point = || {
            cert.crl_distribution_points
                .iter()
                .any(|point| point.crl_issuers.iter().any(|raw| openssl_names(raw, crl)))
        };
        let indirect_for_it = idp.is_some_and(|p| p.indirect) && named_by_point();
        if !(named || indirect_for_it) {
            continue;
        }
        let why = if crl.padded_serial {
            Some("OpenSSL does not load it: an entry's serial number is not in DER's minimal form")
        } else if idp.is_some_and(IssuingDistributionPoint::is_invalid) {
            Some("its issuing distribution point sets more than one onlyContains… flag")
        } else if idp.is_some_and(|p| p.indirect) {
            Some("it is an indirect CRL, which OpenSSL uses only with extended CRL support")
        } else if idp.is_some_and(|p| p.only_some_reasons.is_some()) {
            Some(
                "it covers only some revocation reasons, which OpenSSL uses only with extended \
                 CRL support",
            )
        } else {
            None
        };
        if let Some(why) = why {
            ignored.push_str("; ");
            ignored.push_str(&of_crl(crl, &["does not count: ", why].concat()));
            continue;
        }
        let mut score = SCORE_ISSUER_NAME;
        if !openssl_critical(crl) {
            score |= SCORE_NO_CRITICAL;
        }
        // `X509_cmp_time` counts a nextUpdate equal to the time as past.
        if crl.this_update <= context.time && crl.next_update.is_none_or(|n| context.time < n) {
            score |= SCORE_TIME;
        }
        // `crl_akid_check`: the certificate's issuer on the path, else one above it with the
        // CRL's name, whose key the CRL's authority key identifier names.
        let akid = |signer: &Certificate| match (&crl.authority_key_id, &signer.subject_key_id) {
            (Some(crl_id), Some(key_id)) => crl_id == key_id,
            _ => true,
        };
        let direct = path
            .get(position + 1)
            .or(path.get(position))
            .and_then(|&i| context.certificate(i));
        let above = || {
            path.iter()
                .skip(position + 2)
                .filter_map(|&i| context.certificate(i))
                .find(|c| c.subject_canonical == crl.issuer_canonical && akid(c))
        };
        let signer = match direct {
            Some(issuer) if akid(issuer) => {
                score |= SCORE_AKID | SCORE_ISSUER_CERT;
                issuer
            }
            _ => match above() {
                Some(issuer) => {
                    score |= SCORE_AKID | SCORE_SAME_PATH;
                    issuer
                }
                None => {
                    ignored.push_str("; ");
                    ignored.push_str(&of_crl(crl, OTHER_KEY));
                    continue;
                }
            },
        };
        if openssl_scope(cert, crl).is_none() {
            score |= SCORE_SCOPE;
        }
        let better = match best {
            None => true,
            Some((best_score, best_crl, _)) => {
                score > best_score
                    || (score == best_score && crl.this_update > best_crl.this_update)
            }
        };
        if better {
            best = Some((score, crl, signer));
        }
    }
    let Some((score, crl, signer)) = best else {
        return Some((Code::RevocationStatusUnknown, ignored));
    };
    // `check_crl`: a delta CRL skips the issuer and scope checks.
    if !crl.delta {
        if signer.key_usage.is_some_and(|ku| !ku.crl_sign) {
            return Some((Code::CrlUnusable, no_crl_sign(signer)));
        }
        if score & SCORE_SCOPE == 0 {
            let why = openssl_scope(cert, crl).unwrap_or_default();
            return Some((
                Code::CrlUnusable,
                of_crl(
                    crl,
                    &["does not cover it (different CRL scope): ", &why].concat(),
                ),
            ));
        }
    }
    if crl.this_update > context.time {
        return Some((Code::CrlNotYetValid, crl.issuer.clone()));
    }
    if crl.next_update.is_some_and(|next| context.time >= next) {
        return Some((Code::CrlExpired, crl.issuer.clone()));
    }
    if crl.signature_by(signer) == SignatureCheck::Invalid {
        return Some((Code::CrlUnusable, bad_signature(crl)));
    }
    if let Some(oid) = openssl_critical_oid(crl) {
        return Some((
            Code::CrlUnusable,
            of_crl(
                crl,
                &["has the unhandled critical extension ", oid].concat(),
            ),
        ));
    }
    took(crl);
    let entry = crl
        .revoked
        .iter()
        .find(|e| e.issuer.is_none() && e.serial == cert.serial_raw)?;
    (entry.reason.as_deref() != Some("removeFromCRL")).then(|| revoked(crl, entry))
}

fn openssl_critical_oid(crl: &Crl) -> Option<&str> {
    let extension = crl
        .critical
        .iter()
        .find(|oid| !OPENSSL_CRITICAL.contains(&oid.as_str()));
    let entry = || {
        crl.revoked
            .iter()
            .flat_map(|e| &e.critical)
            .find(|oid| *oid != OPENSSL_CRITICAL_ENTRY)
    };
    extension.or_else(entry).map(String::as_str)
}

fn openssl_critical(crl: &Crl) -> bool {
    openssl_critical_oid(crl).is_some()
}

/// `crl_crldp_check`: why the CRL's issuing distribution point does not cover `cert`, if it
/// does not.
fn openssl_scope(cert: &Certificate, crl: &Crl) -> Option<String> {
    let idp = crl.issuing_distribution_point.as_ref();
    if let Some(why) = idp.and_then(|idp| flag_scope(cert, idp)) {
        return Some(why);
    }
    let idp_names = idp.and_then(|p| p.names.as_ref());
    let covered = cert.crl_distribution_points.iter().any(|point| {
        let issuer_named = point.crl_issuers.is_empty()
            || point.crl_issuers.iter().any(|raw| openssl_names(raw, crl));
        issuer_named && names_meet(point.names.as_ref(), idp_names)
    });
    (!covered && idp_names.is_some()).then(|| point_mismatch(cert, idp_names))
}

/// Is the encoded name `raw` the CRL's issuer, compared as OpenSSL compares names?
fn openssl_names(raw: &[u8], crl: &Crl) -> bool {
    crate::read::crl::name_forms(raw)
        .is_some_and(|(canonical, _)| canonical.is_some() && canonical == crl.issuer_canonical)
}

/// Is the encoded name `raw` the name whose Java canonical form is `java`?
fn java_names(raw: &[u8], java: &str) -> bool {
    crate::read::crl::name_forms(raw).is_some_and(|(_, form)| form == java)
}

/// Do two distribution point names share a name (either absent counts as yes)?
fn names_meet(a: Option<&Vec<String>>, b: Option<&Vec<String>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.iter().any(|name| b.contains(name)),
        _ => true,
    }
}

fn point_mismatch(cert: &Certificate, idp_names: Option<&Vec<String>>) -> String {
    let names = idp_names.map(|n| n.join(", ")).unwrap_or_default();
    if cert.crl_distribution_points.is_empty() {
        format!(
            "its issuing distribution point is {names}, and the certificate names no CRL \
             distribution point"
        )
    } else {
        format!(
            "its issuing distribution point is {names}, which none of the certificate's CRL \
             distribution points names"
        )
    }
}

/// The onlyContains… flags of an issuing distribution point against `cert`.
fn flag_scope(cert: &Certificate, idp: &IssuingDistributionPoint) -> Option<String> {
    let is_ca = cert.basic_constraints.is_some_and(|bc| bc.ca);
    if idp.only_attribute_certificates {
        Some("it lists attribute certificates only (onlyContainsAttributeCerts)".to_owned())
    } else if is_ca && idp.only_user_certificates {
        Some(
            "it lists end-entity certificates only (onlyContainsUserCerts), and this is a CA"
                .to_owned(),
        )
    } else if !is_ca && idp.only_ca_certificates {
        Some("it lists CA certificates only (onlyContainsCACerts)".to_owned())
    } else {
        None
    }
}

/// The certificate's issuer on the path, and the certificates above it.
struct Prev<'p> {
    issuer: Option<usize>,
    /// The issuer is the trust anchor.
    by_anchor: bool,
    above: &'p [usize],
}

/// Java's PKIX `RevocationChecker` with the CRLs in a CertStore. The CRLs current at the
/// validation time (a nextUpdate, within 15 minutes' clock skew) are tried in the order of the
/// `HashSet` that holds them; each that applies and covers a reason no earlier one does is
/// used, until every reason is covered — complete (no delta), in
/// scope, signed by the key of the certificate's issuer on the path (after a key rollover: of
/// a certificate above it with the CRL's name; an indirect CRL: of its named CRL issuer) with
/// cRLSign, its authority key identifier naming that key, without an
/// unknown critical extension. The certificate must be on none of them; a reason no CRL
/// covers leaves its status unknown. Each CRL used goes to `took`.
fn java(
    context: &Context<'_>,
    prev: &Prev<'_>,
    cert: &Certificate,
    took: &mut dyn FnMut(&Crl),
) -> Finding {
    let current = |crl: &&Crl| {
        crl.next_update
            .is_some_and(|next| context.time <= next.saturating_add(JAVA_SKEW))
            && crl.this_update <= context.time.saturating_add(JAVA_SKEW)
    };
    let mut order: Vec<&Crl> = java_hash_order(context.crls.iter().filter(current).collect());
    order.extend(context.crls.iter().filter(|crl| !current(crl)));
    let mut refused: Finding = None;
    let (mut covered, mut on, mut partial) = (0u16, None, None::<&Crl>);
    for crl in order {
        let direct = crl.issuer_java == cert.issuer_java;
        let idp = crl.issuing_distribution_point.as_ref();
        let idp_names = idp.and_then(|p| p.names.as_ref());
        // The certificate's distribution points that lead to this CRL.
        let led = cert.crl_distribution_points.iter().any(|point| {
            let issuer_named = if direct {
                point.crl_issuers.is_empty()
            } else {
                idp.is_some_and(|p| p.indirect)
                    && point
                        .crl_issuers
                        .iter()
                        .any(|raw| java_names(raw, &crl.issuer_java))
            };
            issuer_named && names_meet(point.names.as_ref(), idp_names)
        });
        if !direct && !led {
            continue;
        }
        if let Some(finding) = java_refusal(context, prev, cert, crl, direct, led) {
            refused.get_or_insert(finding);
            continue;
        }
        // `verifyCRL` approves a CRL only for reasons no approved one covers yet.
        let reasons = idp
            .and_then(|p| p.only_some_reasons)
            .map_or(ALL_REASONS, |r| r & ALL_REASONS);
        if reasons & !covered == 0 {
            continue;
        }
        covered |= reasons;
        took(crl);
        let entry = crl.revoked.iter().find(|e| {
            let issued = match &e.issuer {
                Some(raw) => java_names(raw, &cert.issuer_java),
                None => direct,
            };
            issued && same_integer(&e.serial, &cert.serial_raw)
        });
        if let Some(entry) = entry {
            on.get_or_insert_with(|| revoked(crl, entry));
        }
        if reasons != ALL_REASONS {
            partial.get_or_insert(crl);
        }
        if covered == ALL_REASONS {
            break;
        }
    }
    if covered == ALL_REASONS {
        return on;
    }
    if covered != 0 {
        let crl = partial.map(|crl| crl.issuer.as_str()).unwrap_or_default();
        return Some((
            Code::CrlUnusable,
            [
                "the CRL of `",
                crl,
                "` covers only some revocation reasons (onlySomeReasons), and the CRLs given \
                 do not cover every reason between them",
            ]
            .concat(),
        ));
    }
    Some(refused.unwrap_or((Code::RevocationStatusUnknown, String::new())))
}

/// Java's ALL_REASONS: the nine ReasonFlags bits, `unused` (0) included — a CRL must cover it
/// too, or one without onlySomeReasons be given.
const ALL_REASONS: u16 = 0x1ff;

/// The clock skew Java's `RevocationChecker` allows a CRL's dates (MAX_CLOCK_SKEW).
const JAVA_SKEW: i64 = 900;

/// The iteration order of a `java.util.HashSet` holding these CRLs, added in this order:
/// by bucket of `X509CRL.hashCode()` (the sum of each encoded byte, signed, times its
/// position, from the second), spread as `HashMap.hash` spreads it, over the table size
/// the set has grown to; within a bucket, in the order added.
fn java_hash_order(crls: Vec<&Crl>) -> Vec<&Crl> {
    let mut table = 16usize;
    while crls.len() * 4 > table * 3 {
        table *= 2;
    }
    let bucket = |crl: &Crl| {
        let hash = crl
            .der
            .iter()
            .enumerate()
            .skip(1)
            .fold(0i32, |sum, (i, &b)| {
                sum.wrapping_add(i32::from(b as i8).wrapping_mul(i as i32))
            });
        let spread = (hash as u32) ^ ((hash as u32) >> 16);
        spread as usize & (table - 1)
    };
    let buckets: Vec<usize> = crls.iter().map(|crl| bucket(crl)).collect();
    (0..table)
        .flat_map(|b| {
            crls.iter()
                .zip(&buckets)
                .filter(move |&(_, &of)| of == b)
                .map(|(&crl, _)| crl)
        })
        .collect()
}

/// Why Java's `DistributionPointFetcher.verifyCRL` does not approve `crl` for `cert`.
fn java_refusal(
    context: &Context<'_>,
    prev: &Prev<'_>,
    cert: &Certificate,
    crl: &Crl,
    direct: bool,
    led: bool,
) -> Finding {
    let idp = crl.issuing_distribution_point.as_ref();
    let idp_names = idp.and_then(|p| p.names.as_ref());
    let unusable = |why: String| Some((Code::CrlUnusable, why));
    if direct && idp_names.is_some() && !led {
        return unusable(of_crl(
            crl,
            &["does not cover it: ", &point_mismatch(cert, idp_names)].concat(),
        ));
    }
    let scope = if crl.delta {
        Some("it is a delta CRL, which Java's PKIX does not use".to_owned())
    } else {
        idp.and_then(|p| flag_scope(cert, p))
    };
    if let Some(why) = scope {
        return unusable(of_crl(crl, &["does not count: ", &why].concat()));
    }
    let Some(next_update) = crl.next_update else {
        return unusable(of_crl(
            crl,
            "has no nextUpdate, and Java's PKIX uses only CRLs that have one",
        ));
    };
    if context.time > next_update.saturating_add(JAVA_SKEW) {
        return Some((Code::CrlExpired, crl.issuer.clone()));
    }
    if crl.this_update > context.time.saturating_add(JAVA_SKEW) {
        return Some((Code::CrlNotYetValid, crl.issuer.clone()));
    }
    // The issuer's key, else (a key rollover: a self-issued certificate for the new key, the
    // CRL signed by the old) a certificate above it on the path with the CRL's name; an
    // indirect CRL's issuer wherever it is. A separate CRL signer outside the path is not
    // found (measured).
    let verifies = |c: &&Certificate| crl.signature_by(c) != SignatureCheck::Invalid;
    let named = |c: &&Certificate| c.subject_java == crl.issuer_java;
    let from_issuer = prev
        .issuer
        .and_then(|i| context.certificate(i))
        .filter(|c| direct && verifies(c));
    let signer = if direct {
        from_issuer.or_else(|| {
            prev.above
                .iter()
                .filter_map(|&i| context.certificate(i))
                .filter(named)
                .find(verifies)
        })
    } else {
        context
            .graph
            .entries()
            .iter()
            .map(|e| &e.certificate)
            .filter(named)
            .find(verifies)
    };
    let by_anchor = from_issuer.is_some() && prev.by_anchor;
    let Some(signer) = signer else {
        return unusable(bad_signature(crl));
    };
    if !by_anchor && signer.key_usage.is_some_and(|ku| !ku.crl_sign) {
        return unusable(no_crl_sign(signer));
    }
    if let (Some(crl_id), Some(key_id)) = (&crl.authority_key_id, &signer.subject_key_id)
        && crl_id != key_id
    {
        return unusable(of_crl(crl, OTHER_KEY));
    }
    // `verifyCRL` processes one critical CRL extension, the issuing distribution point.
    if let Some(oid) = crl.critical.iter().find(|oid| *oid != "2.5.29.28") {
        return unusable(of_crl(
            crl,
            &["has the unknown critical extension ", oid].concat(),
        ));
    }
    unknown_critical(crl, Some(cert)).and_then(unusable)
}

/// Two INTEGER contents with the same value (a needless leading byte ignored), as Java
/// compares serial numbers (BigInteger).
fn same_integer(a: &[u8], b: &[u8]) -> bool {
    use crate::read::asn1::integer_minimal;
    integer_minimal(a) == integer_minimal(b)
}

/// rustls-webpki's CRL checks, as far as the report explains them (the library decides): a
/// CRL from the certificate's issuer (names compared as encoded), signed by a key with that
/// name, that may sign CRLs, and that rustls can load. The first such CRL goes to `took` (the
/// library takes the first authoritative CRL).
fn webpki(
    context: &Context<'_>,
    index: usize,
    cert: &Certificate,
    out: &mut Vec<Violation>,
    took: &mut dyn FnMut(&Crl),
) {
    let mut first = true;
    let named: Vec<&Crl> = context
        .crls
        .iter()
        .filter(|crl| crl.issuer_raw == cert.issuer_raw)
        .collect();
    if named.is_empty() {
        out.push(Violation::new(Code::RevocationStatusUnknown, index));
        return;
    }
    let issuers = context.graph.named_issuers(index, NameMatching::Exact);
    for crl in named {
        let signer = issuers.iter().find_map(|&i| {
            let issuer = context.certificate(i)?;
            (crl.signature_by(issuer) != SignatureCheck::Invalid).then_some(issuer)
        });
        let unusable = match signer {
            None => Some(bad_signature(crl)),
            Some(signer) if signer.key_usage.is_some_and(|ku| !ku.crl_sign) => {
                Some(no_crl_sign(signer))
            }
            Some(_) => unknown_critical(crl, None),
        };
        if let Some(reason) = unusable {
            out.push(Violation::new(Code::CrlUnusable, index).value(&reason));
            continue;
        }
        if std::mem::take(&mut first) {
            took(crl);
        }
        if let Some(entry) = crl.entry_for(cert) {
            let (code, value) = revoked(crl, entry);
            out.push(Violation::new(code, index).value(&value));
        }
    }
}

fn revoked(crl: &Crl, entry: &crate::read::crl::Revoked) -> (Code, String) {
    let reason = entry
        .reason
        .as_ref()
        .map(|reason| format!(", reason {reason}"))
        .unwrap_or_default();
    (
        Code::Revoked,
        format!(
            ": the CRL of `{}` lists it, revoked since {}{reason}",
            crl.issuer,
            crate::diagnosis::format_time(entry.date)
        ),
    )
}

fn bad_signature(crl: &Crl) -> String {
    of_crl(
        crl,
        "is not signed by the key of its issuer (CRL signature failure)",
    )
}

/// "the CRL of `issuer` …", every CRL note's start.
fn of_crl(crl: &Crl, what: &str) -> String {
    ["the CRL of `", &crl.issuer, "` ", what].concat()
}

const OTHER_KEY: &str =
    "does not count: its authority key identifier names another key than its issuer's";

fn no_crl_sign(signer: &Certificate) -> String {
    format!(
        "the key usage of `{}` does not include cRLSign, so its CRL does not count",
        signer.label()
    )
}

/// A critical extension the stacks (Java, rustls) do not process: on the CRL, or on an entry
/// — Java looks only at `cert`'s own entry (`RevocationChecker`), rustls refuses the CRL.
fn unknown_critical(crl: &Crl, java_cert: Option<&Certificate>) -> Option<String> {
    let counts = |fault: &&CrlFault| match fault {
        CrlFault::UnknownCriticalEntryExtension { serial, .. } => {
            java_cert.is_none_or(|cert| same_integer(serial, &cert.serial_raw))
        }
        _ => true,
    };
    crl.faults.iter().find(counts).map(|fault| match fault {
        CrlFault::UnknownCriticalExtension { oid } => {
            of_crl(crl, &["has the unknown critical extension ", oid].concat())
        }
        CrlFault::UnknownCriticalEntryExtension { oid, .. } => format!(
            "an entry of the CRL of `{}` has the unknown critical extension {oid}",
            crl.issuer
        ),
        CrlFault::UndecodableExtension { oid } => {
            format!(
                "the extension {oid} of the CRL of `{}` does not decode",
                crl.issuer
            )
        }
    })
}
