//! Scenario tests: every diagnosis code on certificates generated at a fixed time, with the
//! verdict of each server profile.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::diagnosis::{Code, Severity};
use mtls_inspector::{Profile, Verdict};

#[test]
fn every_scenario_gets_the_expected_verdict_per_profile() {
    let mut failures = Vec::new();
    for scenario in common::all() {
        let report = scenario.inspect();
        for (profile, expected) in scenario.expect {
            let result = report.profiles.iter().find(|p| p.name == profile).unwrap();
            let ok = match expected {
                None => result.verdict == Verdict::Accepted,
                Some(code) => {
                    result.verdict == Verdict::Rejected && result.findings.contains(&code)
                }
            };
            if !ok {
                failures.push(format!(
                    "{}: {} expected {:?}, got {:?} {:?}",
                    scenario.name,
                    profile.name(),
                    expected,
                    result.verdict,
                    result.findings
                ));
            }
        }
        for code in &scenario.also {
            if !report.findings.iter().any(|f| f.code == *code) {
                failures.push(format!("{}: missing finding {code}", scenario.name));
            }
        }
        // Accepted only when every profile accepts (the go and java profiles are checked
        // against Go and the JDK by their differential tests).
        let all_accept = report
            .profiles
            .iter()
            .all(|p| p.verdict == Verdict::Accepted)
            && scenario.expect.iter().all(|(_, e)| e.is_none());
        let overall = if all_accept {
            Verdict::Accepted
        } else {
            Verdict::Rejected
        };
        if report.verdict != overall {
            failures.push(format!("{}: overall {:?}", scenario.name, report.verdict));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_code_of_the_spec_has_a_scenario() {
    let scenarios = common::all();
    let mut seen: Vec<Code> = Vec::new();
    for scenario in &scenarios {
        seen.extend(scenario.expect.iter().filter_map(|(_, code)| *code));
    }
    let required = [
        Code::IssuerNotFound,
        Code::UntrustedRoot,
        Code::IssuerKeyMismatch,
        Code::BadSignature,
        Code::Expired,
        Code::NotYetValid,
        Code::ClientAuthEkuMissing,
        Code::IssuerEkuExcludesClientAuth,
        Code::IssuerNotCa,
        Code::IssuerMissingKeyCertSign,
        Code::LeafKeyUsageMissingDigitalSignature,
        Code::CaUsedAsClientCertificate,
        Code::PathLengthExceeded,
        Code::NameConstraintsViolated,
        Code::UnsupportedSignatureAlgorithm,
        Code::WeakKey,
        Code::UnsupportedCriticalExtension,
        Code::UnsupportedVersion,
        Code::Revoked,
        Code::PrivateKeyMismatch,
        Code::ChainTooDeep,
        Code::MalformedCertificate,
        Code::RevocationStatusUnknown,
        Code::CrlExpired,
    ];
    for code in required {
        assert!(seen.contains(&code), "no scenario for {code}");
    }
}

#[test]
fn the_failing_certificate_and_field_are_named() {
    let scenario = common::all()
        .into_iter()
        .find(|s| s.name == "serverAuth-only client certificate")
        .unwrap();
    let report = scenario.inspect();
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == Code::ClientAuthEkuMissing)
        .unwrap();
    assert!(
        finding.detail.contains("CN=server-only"),
        "{}",
        finding.detail
    );
    assert!(finding.detail.contains("serverAuth"), "{}", finding.detail);
    assert!(
        finding.remedy.contains("extendedKeyUsage = clientAuth"),
        "{}",
        finding.remedy
    );
    assert_eq!(finding.certificate, Some(report.chain[0]));
    assert!(
        finding
            .log_lines
            .iter()
            .any(|l| l.line.contains("26:unsupported certificate purpose"))
    );
}

#[test]
fn the_bundle_order_never_changes_the_verdict() {
    for scenario in common::all() {
        let forward = scenario.inspect();
        let mut reversed = scenario;
        reversed.client.reverse();
        let backward = reversed.inspect();
        let verdicts = |r: &mtls_inspector::Report| {
            r.profiles
                .iter()
                .map(|p| (p.name, p.verdict))
                .collect::<Vec<_>>()
        };
        assert_eq!(verdicts(&forward), verdicts(&backward), "{}", reversed.name);
    }
}

#[test]
fn a_missing_intermediate_names_the_issuer_that_is_missing() {
    let scenario = common::all()
        .into_iter()
        .find(|s| s.name == "missing intermediate")
        .unwrap();
    let report = scenario.inspect();
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == Code::IssuerNotFound)
        .unwrap();
    assert!(
        finding.detail.contains("Example Issuing CA"),
        "{}",
        finding.detail
    );
    let webpki = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Webpki)
        .unwrap();
    assert_eq!(webpki.reported.as_deref(), Some("UnknownIssuer"));
}

#[test]
fn no_trust_bundle_assumes_the_client_root_or_is_incomplete() {
    let pki = common::Pki::new("Lonely");
    let leaf = pki.client(common::client("lonely"));
    let inputs = |files: &[&str]| {
        files
            .iter()
            .map(|pem| pem.as_bytes().to_vec())
            .collect::<Vec<_>>()
    };
    let with_root = inputs(&[&leaf.pem, &pki.intermediate.pem, &pki.root.pem]);
    let run = |files: &[Vec<u8>]| {
        let inputs: Vec<mtls_inspector::Input<'_>> = files
            .iter()
            .map(|bytes| mtls_inspector::Input {
                side: mtls_inspector::Side::Client,
                name: "client.pem",
                bytes,
            })
            .collect();
        mtls_inspector::inspect(&inputs, &mtls_inspector::Options::at(common::NOW))
    };
    let report = run(&with_root);
    assert_eq!(report.verdict, Verdict::Accepted);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::AssumedTrustAnchor)
    );

    let without_root = inputs(&[&leaf.pem, &pki.intermediate.pem]);
    let report = run(&without_root);
    assert_eq!(report.verdict, Verdict::Incomplete);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::NoTrustAnchors && f.severity == Severity::Incomplete)
    );
}

#[test]
fn a_key_alone_is_incomplete() {
    let key = common::key();
    let pem = key.serialize_pem();
    let inputs = [mtls_inspector::Input {
        side: mtls_inspector::Side::Client,
        name: "key.pem",
        bytes: pem.as_bytes(),
    }];
    let report = mtls_inspector::inspect(&inputs, &mtls_inspector::Options::at(common::NOW));
    assert_eq!(report.verdict, Verdict::Incomplete);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::NoClientCertificate)
    );
    assert_eq!(report.private_keys.len(), 1);
}

#[test]
fn the_handshake_stops_where_each_failure_stops_it() {
    use mtls_inspector::handshake::{StepState, handshake};
    let failing_step = |name: &str| {
        let scenario = common::all().into_iter().find(|s| s.name == name).unwrap();
        let steps = handshake(&scenario.inspect());
        assert_eq!(steps.len(), 7);
        steps
            .iter()
            .find(|s| s.state == StepState::Fails)
            .map(|s| (s.message, s.explanation.clone().unwrap()))
    };
    let (message, why) = failing_step("serverAuth-only client certificate").unwrap();
    assert_eq!(message, "Certificate (client)");
    assert!(why.contains("client_auth_eku_missing"), "{why}");
    let (message, why) = failing_step("private key of another certificate").unwrap();
    assert_eq!(message, "CertificateVerify");
    assert!(why.contains("decrypt_error"), "{why}");
    assert_eq!(failing_step("good chain"), None);
}

#[test]
fn links_show_the_same_name_ca_whose_signature_fails() {
    use mtls_inspector::report::LinkState;
    let scenario = common::all()
        .into_iter()
        .find(|s| s.name == "same-name root with a different key")
        .unwrap();
    let report = scenario.inspect();
    assert!(
        report
            .links
            .iter()
            .any(|l| l.state == LinkState::SignatureFails && !l.in_chain)
    );
    let good = common::all()
        .into_iter()
        .find(|s| s.name == "good chain")
        .unwrap()
        .inspect();
    let in_chain: Vec<_> = good.links.iter().filter(|l| l.in_chain).collect();
    assert_eq!(in_chain.len(), 2);
    assert!(in_chain.iter().all(|l| l.state == LinkState::Verified));
}

#[test]
fn inputs_inspected_again_at_another_time_have_no_signature_verified_again() {
    use mtls_inspector::inspect::{Prepared, inspect_prepared};
    use mtls_inspector::{Input, Options, Side, inspect};
    let root = common::self_signed(common::ca("Again Root"), common::key());
    let intermediate = common::issue(common::ca("Again Issuing CA"), common::key(), &root);
    let leaf = common::issue(common::client("again"), common::key(), &intermediate);
    let client = format!("{}{}", leaf.pem, intermediate.pem);
    let inputs = [
        Input {
            side: Side::Client,
            name: "client.pem",
            bytes: client.as_bytes(),
        },
        Input {
            side: Side::Trust,
            name: "root.pem",
            bytes: root.pem.as_bytes(),
        },
    ];
    let prepared = Prepared::read(&inputs, &mut |_, _| {
        Err(mtls_inspector::protected::Failure::NeedsPassword)
    });
    let first = inspect_prepared(&prepared, &inputs, &Options::at(common::NOW));
    assert_eq!(first.verdict, Verdict::Accepted);
    // The leaf's and the intermediate's signatures, each once for every profile; the root's
    // own is never verified.
    assert_eq!(prepared.signatures_verified(), 2);
    for later in [
        common::NOW + common::DAY,
        common::NOW + 10 * 365 * common::DAY,
    ] {
        let again = inspect_prepared(&prepared, &inputs, &Options::at(later));
        assert_eq!(
            prepared.signatures_verified(),
            2,
            "verified again at {later}"
        );
        assert!(
            again == inspect(&inputs, &Options::at(later)),
            "the report at {later} differs from a fresh inspection's"
        );
    }
}
