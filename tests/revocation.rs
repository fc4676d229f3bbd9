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
            "CN=Revocation Issuing CA): revoked since \
             {since}, reason keyCompromise."
        )),
        "{}",
        revoked.detail
    );
    let text = report.to_text();
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
