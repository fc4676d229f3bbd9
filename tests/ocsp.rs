//! OCSP responses given as files: how they are reported (each status with the certificate it
//! is about, the findings with each server's lines), what an unreadable one gives, and share
//! links that carry them. Which verdict each stack gives is tests/ocsp_differential.rs's.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::ocsp_corpus::{OcspCase, ocsp_cases};
use mtls_inspector::diagnosis::Code;
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::share::Shared;
use mtls_inspector::{Options, Profile, Report, Side, Verdict, inspect};

fn case(name: &str) -> OcspCase {
    ocsp_cases()
        .into_iter()
        .find(|c| c.case.name == name)
        .unwrap()
}

fn files(case: &OcspCase) -> Vec<(Side, String, Vec<u8>)> {
    let mut files = vec![(
        Side::Client,
        "client.pem".to_owned(),
        case.case.client_pems().concat().into_bytes(),
    )];
    files.push((
        Side::Trust,
        "roots.pem".to_owned(),
        case.case.root_pems().concat().into_bytes(),
    ));
    for response in &case.responses {
        files.push((Side::Trust, "response.der".to_owned(), response.clone()));
    }
    files
}

fn report(files: &[(Side, String, Vec<u8>)]) -> Report {
    inspect(&borrow_inputs(files), &Options::at(common::NOW))
}

fn verdict(report: &Report, profile: Profile) -> Verdict {
    report
        .profiles
        .iter()
        .find(|p| p.name == profile)
        .unwrap()
        .verdict
}

#[test]
fn a_revoked_status_is_reported_with_its_certificate_and_each_servers_line() {
    let report = report(&files(&case("ocsp-revoked-key-compromise")));
    let [response] = report.ocsp_responses.as_slice() else {
        panic!("one response: {:?}", report.ocsp_responses)
    };
    assert_eq!(
        response.responder,
        "O=mtls-inspector tests, CN=Corpus Issuing CA"
    );
    assert_eq!(response.response_status, "successful");
    let [status] = response.statuses.as_slice() else {
        panic!("one status")
    };
    assert_eq!(status.status, "revoked");
    assert_eq!(status.reason.as_deref(), Some("keyCompromise"));
    assert_eq!(status.cert_id_hash, "SHA-1");
    assert_eq!(status.certificate, Some(0), "the client certificate");
    assert_eq!(report.inputs[2].ocsp_responses, 1);
    for profile in [Profile::Openssl, Profile::Nginx, Profile::Java] {
        assert_eq!(verdict(&report, profile), Verdict::Rejected, "{profile:?}");
    }
    // Neither rustls nor Go checks client certificates with OCSP.
    for profile in [Profile::Webpki, Profile::Go] {
        assert_eq!(verdict(&report, profile), Verdict::Accepted, "{profile:?}");
    }
    let revoked = report
        .findings
        .iter()
        .find(|f| f.code == Code::Revoked)
        .unwrap();
    assert!(
        revoked
            .detail
            .contains("is revoked: the OCSP response of 'O=mtls-inspector tests, CN=Corpus Issuing CA' says so"),
        "{}",
        revoked.detail
    );
    let printers: Vec<&str> = revoked
        .log_lines
        .iter()
        .map(|l| l.printed_by.as_str())
        .collect();
    assert_eq!(printers, ["Java (revocation enabled)", "nginx (ssl_ocsp)"]);
    // Java refuses in the handshake; nginx checks OCSP once it is done.
    let stop = mtls_inspector::handshake::stop(&report).unwrap();
    assert!(
        stop.why.contains("certificate_revoked (44)"),
        "{}",
        stop.why
    );
    assert!(
        stop.why
            .contains("nginx (ssl_ocsp) completes the handshake instead and answers HTTP 400"),
        "{}",
        stop.why
    );
    // nginx, OpenSSL and Java took the client's status from the response; no one else did.
    for profile in Profile::ALL {
        let sources = &report
            .profiles
            .iter()
            .find(|p| p.name == profile)
            .unwrap()
            .revocation;
        let expected = match profile {
            Profile::Openssl | Profile::Nginx | Profile::Java => vec![(0, Some(0))],
            _ => Vec::new(),
        };
        let got: Vec<(usize, Option<usize>)> =
            sources.iter().map(|s| (s.certificate, s.ocsp)).collect();
        assert_eq!(got, expected, "{profile:?}");
    }
    let text = report.to_text();
    assert!(
        text.contains(
            "status of `CN=alice`: the OCSP response of `CN=Corpus Issuing CA` (response.der)"
        ),
        "{text}"
    );
    assert!(text.contains("OCSP responses:"), "{text}");
    assert!(
        text.contains("nginx    nginx with ssl_ocsp on asks"),
        "{text}"
    );
    // The JSON leaves the response's PEM out, as it does certificates' and CRLs'.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert!(json["ocsp_responses"][0].get("pem").is_none());
    assert_eq!(
        json["ocsp_responses"][0]["statuses"][0]["status"],
        "revoked"
    );
}

#[test]
fn an_unusable_response_names_its_reason_and_only_its_own_lines() {
    let report = report(&files(&case("ocsp-delegated-without-eku")));
    let unusable: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::OcspResponseUnusable)
        .collect();
    // OpenSSL and Java refuse it for the same reason: one finding.
    let [finding] = unusable.as_slice() else {
        panic!("{unusable:#?}")
    };
    assert_eq!(
        finding.profiles,
        [Profile::Openssl, Profile::Nginx, Profile::Java]
    );
    assert!(
        finding
            .detail
            .contains("lacks the OCSPSigning extended key usage"),
        "{}",
        finding.detail
    );
    let lines: Vec<&str> = finding.log_lines.iter().map(|l| l.line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "client SSL certificate verify error: certificate status request failed while reading client request headers"
        ]
    );
    // Java's own message for it is explained when pasted.
    let explained = mtls_inspector::messages::explain(
        "java.security.cert.CertPathValidatorException: Responder's certificate not valid for signing OCSP responses",
    );
    assert_eq!(explained[0].codes, [Code::OcspResponseUnusable]);
}

#[test]
fn a_response_without_a_status_for_the_client_says_which_hash_it_used() {
    let report = report(&files(&case("ocsp-sha256-cert-id")));
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == Code::OcspResponseUnusable)
        .unwrap();
    assert!(
        finding
            .detail
            .contains("hashed with SHA-256; servers look it up by SHA-1"),
        "{}",
        finding.detail
    );
    // The report still says which certificate the status is about.
    assert_eq!(report.ocsp_responses[0].statuses[0].certificate, Some(0));
}

#[test]
fn an_unreadable_response_is_a_warning_and_decides_nothing() {
    let mut files = files(&case("ocsp-good-by-issuer"));
    // OCSPResponse { successful, [0] { } }: the shape of one, without its response.
    files.last_mut().unwrap().2 = vec![0x30, 0x05, 0x0a, 0x01, 0x00, 0xa0, 0x00];
    let report = report(&files);
    let malformed = report
        .findings
        .iter()
        .find(|f| f.code == Code::MalformedOcspResponse)
        .expect("a malformed_ocsp_response finding");
    assert_eq!(
        malformed.severity,
        mtls_inspector::diagnosis::Severity::Warning
    );
    assert!(report.ocsp_responses.is_empty());
    assert_eq!(report.verdict, Verdict::Accepted);
}

#[test]
fn a_share_link_carries_the_ocsp_response() {
    let report = report(&files(&case("ocsp-unknown")));
    let shared = Shared::from_bytes(&Shared::of(&report).to_bytes()).unwrap();
    assert_eq!(shared.ocsp.len(), 1);
    let restored = inspect(&borrow_inputs(&shared.inputs()), &Options::at(shared.time));
    assert_eq!(restored.ocsp_responses.len(), 1);
    for profile in Profile::ALL {
        assert_eq!(
            verdict(&restored, profile),
            verdict(&report, profile),
            "{profile:?}"
        );
    }
    assert_eq!(verdict(&restored, Profile::Nginx), Verdict::Rejected);
}

#[test]
fn a_share_link_made_before_ocsp_responses_still_opens() {
    #[derive(serde::Serialize)]
    struct Version2 {
        time: i64,
        client: Vec<serde_bytes::ByteBuf>,
        trust: Vec<serde_bytes::ByteBuf>,
        crls: Vec<serde_bytes::ByteBuf>,
        trust_left_out: usize,
    }
    let ocsp_case = case("ocsp-good-by-issuer");
    let old = Version2 {
        time: common::NOW,
        client: vec![serde_bytes::ByteBuf::from(ocsp_case.case.leaf.clone())],
        trust: vec![serde_bytes::ByteBuf::from(ocsp_case.case.roots[0].clone())],
        crls: Vec::new(),
        trust_left_out: 3,
    };
    let mut bytes = vec![2];
    bytes.extend(postcard::to_allocvec(&old).unwrap());
    let shared = Shared::from_bytes(&bytes).expect("a version 2 link is read");
    assert_eq!(shared.client.len(), 1);
    assert_eq!(shared.trust_left_out, 3);
    assert!(shared.ocsp.is_empty());
}

/// nginx as configured: `ssl_ocsp` decides whether the answer counts, and what it logs.
fn nginx(case: &OcspCase, ocsp: &str) -> Report {
    let config = format!(
        "http {{ server {{ listen 443 ssl; ssl_verify_client on; ssl_verify_depth 2; \
         ssl_client_certificate roots.pem; {ocsp} }} }}"
    );
    let mut options = Options::at(common::NOW);
    options.server_configs = vec![("nginx.conf".to_owned(), config.into_bytes())];
    inspect(&borrow_inputs(&files(case)), &options)
}

#[test]
fn nginx_checks_ocsp_only_with_ssl_ocsp_and_logs_as_it_does() {
    let revoked = case("ocsp-revoked-key-compromise");
    let report = nginx(&revoked, "ssl_ocsp leaf;");
    assert_eq!(verdict(&report, Profile::Nginx), Verdict::Rejected);
    let server = report.server.as_ref().unwrap();
    assert_eq!(
        server.log_line.as_deref(),
        Some(
            "client SSL certificate verify error: certificate revoked while reading client request headers"
        )
    );
    let verify = server
        .identity
        .iter()
        .find(|f| f.name == "$ssl_client_verify")
        .unwrap();
    assert_eq!(verify.value, "FAILED:certificate revoked");
    assert!(
        server.verify_errors.is_empty(),
        "{:?}",
        server.verify_errors
    );
    assert!(
        server
            .settings
            .iter()
            .any(|s| s.name == "ssl_ocsp" && s.value == "leaf")
    );
    // A response nginx cannot use: the request failed.
    let report = nginx(&case("ocsp-delegated-without-eku"), "ssl_ocsp on;");
    assert_eq!(
        report.server.as_ref().unwrap().log_line.as_deref(),
        Some(
            "client SSL certificate verify error: certificate status request failed while reading client request headers"
        )
    );
    // Without ssl_ocsp the answer is not asked for: accepted, and said so.
    let report = nginx(&revoked, "");
    assert_eq!(verdict(&report, Profile::Nginx), Verdict::Accepted);
    let server = report.server.as_ref().unwrap();
    assert!(
        server
            .settings
            .iter()
            .any(|s| s.name == "ssl_ocsp" && s.value.contains("off"))
    );
    assert!(server.log_line.is_none());
}

/// `openssl ocsp -resp_text` output of a DER response (the text a user pastes).
fn openssl_text(der: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "mtls-ocsp-text-{}-{:x}.der",
        std::process::id(),
        der.iter()
            .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    ));
    std::fs::write(&path, der).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["ocsp", "-respin"])
        .arg(&path)
        .args(["-resp_text", "-noverify"])
        .output()
        .expect("openssl runs");
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn openssl_ocsp_text_reads_as_the_response_it_prints() {
    use mtls_inspector::read::ocsp::Ocsp;
    let mut compared = 0;
    for case in ocsp_cases() {
        for der in &case.responses {
            // openssl prints only "Responder Error: trylater (3)" for an error status.
            let Some(from_der) = Ocsp::parse(der).ok().filter(|o| o.status == "successful") else {
                continue;
            };
            let text = openssl_text(der);
            let from_text = Ocsp::parse(text.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", case.case.name));
            let name = &case.case.name;
            assert!(from_text.from_text, "{name}");
            assert_eq!(from_text.status, from_der.status, "{name}");
            assert_eq!(from_text.responder_key, from_der.responder_key, "{name}");
            assert_eq!(
                from_text.responder_text.is_empty(),
                from_der.responder_text.is_empty(),
                "{name}"
            );
            assert_eq!(from_text.produced_at, from_der.produced_at, "{name}");
            assert_eq!(from_text.responses, from_der.responses, "{name}\n{text}");
            assert_eq!(from_text.certificates, from_der.certificates, "{name}");
            assert_eq!(from_text.critical, from_der.critical, "{name}\n{text}");
            compared += 1;
        }
    }
    assert!(compared >= 30, "{compared} responses compared");
}

#[test]
fn a_response_pasted_as_text_decides_with_a_warning_that_its_signature_is_not_checked() {
    let case = case("ocsp-revoked-key-compromise");
    let mut files = files(&case);
    let response = files.pop().unwrap();
    // The root comes with the paste only.
    files.retain(|(_, name, _)| name != "roots.pem");
    // As a terminal shows it: the text, what openssl says after it, and the issuer's PEM.
    let pasted = format!(
        "{}Response verify OK\n{}",
        openssl_text(&response.2),
        case.case.root_pems().concat()
    );
    files.push((Side::Trust, "trust paste".to_owned(), pasted.into_bytes()));
    let report = report(&files);
    assert_eq!(report.ocsp_responses.len(), 1);
    assert!(report.ocsp_responses[0].from_text);
    assert_eq!(report.ocsp_responses[0].statuses[0].status, "revoked");
    assert_eq!(report.ocsp_responses[0].statuses[0].certificate, Some(0));
    // The root after the text is read as a certificate of the input.
    assert_eq!(report.inputs[1].certificates, 1, "{:?}", report.inputs);
    for profile in [Profile::Openssl, Profile::Nginx, Profile::Java] {
        assert_eq!(verdict(&report, profile), Verdict::Rejected, "{profile:?}");
    }
    let warning = report
        .findings
        .iter()
        .find(|f| f.code == Code::OcspResponseUnverifiable)
        .expect("the warning");
    assert_eq!(
        warning.location.as_ref().map(|l| l.source.as_str()),
        Some("trust paste")
    );
    assert!(
        report
            .to_text()
            .contains("given as text, signature not checked"),
        "{}",
        report.to_text()
    );
    // A share link carries it, and it reads back as text again.
    let shared = Shared::from_bytes(&Shared::of(&report).to_bytes()).unwrap();
    let restored = inspect(&borrow_inputs(&shared.inputs()), &Options::at(shared.time));
    assert!(restored.ocsp_responses[0].from_text);
    for profile in Profile::ALL {
        assert_eq!(
            verdict(&restored, profile),
            verdict(&report, profile),
            "{profile:?}"
        );
    }
}
