//! Revocation as each server configured with the CRLs does it: which CRL lists which
//! certificate, expired CRLs, and the per-profile decisions (rustls: unknown status rejects,
//! expired CRL accepted; OpenSSL-based servers and nginx: every level, expired rejects; Java:
//! every certificate below the anchor; Go: no CRL ever checked).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{DAY, NOW, run};
use mtls_inspector::diagnosis::Code;
use mtls_inspector::{Profile, Report, Verdict};

fn verdict(report: &Report, profile: Profile) -> (Verdict, Vec<Code>) {
    let p = report.profiles.iter().find(|p| p.name == profile).unwrap();
    (p.verdict, p.findings.clone())
}

fn verdict_sources(report: &Report, profile: Profile) -> &[mtls_inspector::report::StatusSource] {
    &report
        .profiles
        .iter()
        .find(|p| p.name == profile)
        .unwrap()
        .revocation
}

#[test]
fn a_revoked_client_is_shown_with_the_crl_that_lists_it_and_each_servers_policy() {
    let pki = common::Pki::new("Revocation");
    let leaf = pki.client(common::client("revoked"));
    let issuing_crl = common::crl_with_reason(
        &pki.intermediate,
        &[&leaf],
        NOW - DAY,
        NOW + 7 * DAY,
        Some(rcgen::RevocationReason::KeyCompromise),
    );
    let root_crl = common::crl(&pki.root, &[], NOW - DAY, NOW + 7 * DAY);
    let report = run(
        &[
            ("leaf.pem", leaf.pem.as_bytes()),
            ("ca.pem", pki.intermediate.pem.as_bytes()),
        ],
        &[
            ("root.pem", pki.root.pem.as_bytes()),
            ("issuing.crl", issuing_crl.as_bytes()),
            ("root.crl", root_crl.as_bytes()),
        ],
    );
    let listing = report
        .crls
        .iter()
        .find(|c| c.issuer.contains("Issuing CA"))
        .unwrap();
    assert_eq!(listing.lists, vec![report.chain[0]]);
    assert!(!listing.expired);
    assert_eq!(listing.revoked, 1);
    for profile in [
        Profile::Webpki,
        Profile::Openssl,
        Profile::Nginx,
        Profile::Java,
    ] {
        let (v, codes) = verdict(&report, profile);
        assert_eq!(v, Verdict::Rejected, "{profile:?}");
        assert!(codes.contains(&Code::Revoked), "{profile:?}");
    }
    assert_eq!(verdict(&report, Profile::Go).0, Verdict::Accepted);
    // Which CRL, since when and why (the entry's revocationDate and cRLReason).
    let revoked = report
        .findings
        .iter()
        .find(|f| f.code == Code::Revoked)
        .unwrap();
    let since = mtls_inspector::diagnosis::format_time(NOW - DAY);
    assert!(
        revoked.detail.ends_with(&format!(
            "is revoked: the CRL of 'O=mtls-inspector tests, CN=Revocation Issuing CA' lists it, \
             revoked since {since}, reason keyCompromise."
        )),
        "{}",
        revoked.detail
    );
    // Where each stack took each status from: the issuing CA's CRL for the client, the root's
    // for the intermediate (every level below the anchor); Go none.
    let issuing = report
        .crls
        .iter()
        .position(|c| c.issuer.contains("Issuing CA"));
    let root = report.crls.iter().position(|c| c.issuer.contains("Root"));
    for profile in [
        Profile::Webpki,
        Profile::Openssl,
        Profile::Nginx,
        Profile::Java,
    ] {
        let sources = &report
            .profiles
            .iter()
            .find(|p| p.name == profile)
            .unwrap()
            .revocation;
        let of = |certificate: usize| {
            sources
                .iter()
                .filter(|s| s.certificate == certificate)
                .map(|s| s.crl)
                .collect::<Vec<_>>()
        };
        assert_eq!(of(report.chain[0]), vec![issuing], "{profile:?}");
        assert_eq!(of(report.chain[1]), vec![root], "{profile:?}");
    }
    assert!(verdict_sources(&report, Profile::Go).is_empty());
    let text = report.to_text();
    assert!(
        text.contains("status of `CN=revoked`: the CRL of `CN=Revocation Issuing CA` (issuing.crl"),
        "{text}"
    );
    assert!(text.contains("lists CN=revoked as revoked"), "{text}");
    assert!(text.contains("Go's crypto/tls never checks CRLs"), "{text}");
}

#[test]
fn an_expired_crl_rejects_for_openssl_nginx_and_java_but_not_for_rustls() {
    let pki = common::Pki::new("Stale CRL");
    let leaf = pki.client(common::client("alice"));
    let stale = common::crl(&pki.intermediate, &[], NOW - 30 * DAY, NOW - DAY);
    let root_crl = common::crl(&pki.root, &[], NOW - DAY, NOW + 7 * DAY);
    let report = run(
        &[
            ("leaf.pem", leaf.pem.as_bytes()),
            ("ca.pem", pki.intermediate.pem.as_bytes()),
        ],
        &[
            ("root.pem", pki.root.pem.as_bytes()),
            ("stale.crl", stale.as_bytes()),
            ("root.crl", root_crl.as_bytes()),
        ],
    );
    assert!(report.crls.iter().any(|c| c.expired && c.lists.is_empty()));
    assert_eq!(verdict(&report, Profile::Webpki).0, Verdict::Accepted);
    for profile in [Profile::Openssl, Profile::Nginx, Profile::Java] {
        let (v, codes) = verdict(&report, profile);
        assert_eq!(v, Verdict::Rejected, "{profile:?}");
        assert!(codes.contains(&Code::CrlExpired), "{profile:?}");
    }
    // A CRL only for the root: rustls cannot tell the client's status.
    let report = run(
        &[
            ("leaf.pem", leaf.pem.as_bytes()),
            ("ca.pem", pki.intermediate.pem.as_bytes()),
        ],
        &[
            ("root.pem", pki.root.pem.as_bytes()),
            ("root.crl", root_crl.as_bytes()),
        ],
    );
    let (webpki, codes) = verdict(&report, Profile::Webpki);
    assert_eq!(webpki, Verdict::Rejected);
    assert!(codes.contains(&Code::RevocationStatusUnknown));
    assert_eq!(verdict(&report, Profile::Go).0, Verdict::Accepted);
}

/// One case of the malformed corpus (tests/common/crl_corpus.rs) inspected as the page does.
fn corpus_report(name: &str) -> Report {
    let case = common::malformed::corpus()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap();
    let client = case.client_pems().concat();
    let trust = [case.root_pems(), case.crl_pems()].concat().concat();
    run(
        &[("client.pem", client.as_bytes())],
        &[("trust.pem", trust.as_bytes())],
    )
}

fn finding(report: &Report, code: Code, profile: Profile) -> &mtls_inspector::report::Finding {
    report
        .findings
        .iter()
        .find(|f| f.code == code && f.profiles.contains(&profile))
        .unwrap_or_else(|| panic!("no {code:?} finding for {profile:?}: {:?}", report.findings))
}

#[test]
fn a_crl_out_of_scope_is_explained_with_its_scope_and_the_line_openssl_prints() {
    let report = corpus_report("crl-idp-only-ca-certs-for-the-client");
    let scope = finding(&report, Code::CrlUnusable, Profile::Nginx);
    assert!(
        scope.detail.contains("different CRL scope")
            && scope
                .detail
                .contains("CA certificates only (onlyContainsCACerts)"),
        "{}",
        scope.detail
    );
    let lines: Vec<&str> = scope.log_lines.iter().map(|l| l.line.as_str()).collect();
    assert!(lines.contains(&"client SSL certificate verify error: (44:different CRL scope)"));
    assert!(
        !lines.iter().any(|l| l.contains("CRL signature failure")),
        "{lines:?}"
    );
    // Java refuses it for the same reason, and says only that it cannot tell.
    let java = finding(&report, Code::CrlUnusable, Profile::Java);
    let lines: Vec<&str> = java.log_lines.iter().map(|l| l.line.as_str()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("Could not determine revocation status"))
            && !lines.iter().any(|l| l.contains("revoked CRL entry")),
        "{lines:?}"
    );
    // rustls refuses the CRL's scope too; Go never checks.
    assert_eq!(verdict(&report, Profile::Webpki).0, Verdict::Rejected);
    assert_eq!(verdict(&report, Profile::Go).0, Verdict::Accepted);
}

#[test]
fn an_indirect_crl_counts_for_java_and_is_ignored_by_openssl_with_the_reason_said() {
    let report = corpus_report("crl-indirect-covers-the-client");
    assert_eq!(verdict(&report, Profile::Java).0, Verdict::Accepted);
    let unknown = finding(&report, Code::RevocationStatusUnknown, Profile::Openssl);
    assert!(
        unknown.detail.contains("it is an indirect CRL"),
        "{}",
        unknown.detail
    );
    let report = corpus_report("crl-indirect-revokes-the-client");
    let (java, codes) = verdict(&report, Profile::Java);
    assert_eq!(java, Verdict::Rejected);
    assert!(codes.contains(&Code::Revoked), "{codes:?}");
}

#[test]
fn a_crl_entry_removed_from_the_crl_revokes_for_java_not_for_openssl() {
    let report = corpus_report("crl-revokes-the-client-remove-from-crl");
    assert_eq!(verdict(&report, Profile::Openssl).0, Verdict::Accepted);
    assert_eq!(verdict(&report, Profile::Nginx).0, Verdict::Accepted);
    let revoked = finding(&report, Code::Revoked, Profile::Java);
    assert!(
        revoked.detail.contains("reason removeFromCRL"),
        "{}",
        revoked.detail
    );
}

#[test]
fn each_stack_says_which_of_two_crls_it_took_the_status_from() {
    // Two CRLs of the client's issuer: an older one that revokes it, a newer that does not.
    for name in [
        "crl-older-revokes-newer-does-not-1",
        "crl-older-revokes-newer-does-not-2",
    ] {
        let report = corpus_report(name);
        let (older, newer) = {
            let by_issuer: Vec<usize> = (0..report.crls.len())
                .filter(|&i| report.crls[i].issuer.contains("Issuing"))
                .collect();
            let lists = |i: &usize| !report.crls[*i].lists.is_empty();
            (
                by_issuer.iter().copied().find(lists).unwrap(),
                by_issuer.iter().copied().find(|i| !lists(i)).unwrap(),
            )
        };
        let client = report.chain[0];
        let took = |profile: Profile| {
            verdict_sources(&report, profile)
                .iter()
                .filter(|s| s.certificate == client)
                .map(|s| s.crl.unwrap())
                .collect::<Vec<_>>()
        };
        // OpenSSL takes the newer of two equally good CRLs: accepted.
        assert_eq!(took(Profile::Openssl), vec![newer], "{name}");
        assert_eq!(verdict(&report, Profile::Openssl).0, Verdict::Accepted);
        // Java the first its HashSet gives: rejected exactly when that is the older one.
        let java = took(Profile::Java);
        assert_eq!(java.len(), 1, "{name}");
        assert_eq!(
            verdict(&report, Profile::Java).0 == Verdict::Rejected,
            java[0] == older,
            "{name}"
        );
        let text = report.to_text();
        let said = format!("status of `{}`: the CRL of", report.label(client));
        assert!(text.contains(&said), "{text}");
    }
}

#[test]
fn a_delta_newer_than_its_base_is_the_crl_openssl_takes_and_java_ignores() {
    // OpenSSL without delta support scores a delta CRL as any other and takes the newer;
    // Java's PKIX uses no delta CRL (both measured by tests/malformed_differential.rs).
    for (name, openssl, java) in [
        (
            "crl-delta-newer-than-its-base-revokes-the-client",
            Verdict::Rejected,
            Verdict::Accepted,
        ),
        (
            "crl-delta-newer-than-the-base-that-revokes-the-client",
            Verdict::Accepted,
            Verdict::Rejected,
        ),
    ] {
        let report = corpus_report(name);
        assert_eq!(verdict(&report, Profile::Openssl).0, openssl, "{name}");
        assert_eq!(verdict(&report, Profile::Java).0, java, "{name}");
        let client = report.chain[0];
        let took = |profile: Profile| {
            verdict_sources(&report, profile)
                .iter()
                .find(|s| s.certificate == client)
                .and_then(|s| s.crl)
                .unwrap()
        };
        // The newer CRL is the delta (issued half a day after the base).
        let newest = (0..report.crls.len())
            .max_by_key(|&i| report.crls[i].this_update.clone())
            .unwrap();
        assert_eq!(took(Profile::Openssl), newest, "{name}");
        assert_ne!(took(Profile::Java), newest, "{name}");
    }
}
