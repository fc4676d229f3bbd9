//! Envoy: no Envoy runs on this machine, so its documented and coded behaviour
//! (api/envoy/extensions/transport_sockets/tls/v3/common.proto, the default certificate
//! validator, the XFCC header) is checked through the product alone: one listener's
//! `DownstreamTlsContext`, written as Envoy's documentation writes it, against client
//! certificates made for each rule. The pins are computed with the commands Envoy's
//! documentation gives (`openssl x509 -fingerprint -sha256`, `openssl pkey -pubin -outform DER
//! | openssl dgst -sha256 -binary | openssl enc -base64`).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::process::{Command, Stdio};

use common::{DAY, NOW, Node, at, ca, client, issue, key, self_signed};
use mtls_inspector::diagnosis::Code;
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::report::ServerReport;
use mtls_inspector::{Options, Profile, Report, Side, Verdict, inspect};
use rcgen::{ExtendedKeyUsagePurpose, SanType};

/// A listener asking for client certificates, with `validation` under its validation context
/// (indented six spaces) and `manager` beside it (the HTTP connection manager's settings).
fn config(validation: &str, manager: &str) -> String {
    format!(
        "static_resources:
  listeners:
  - name: mtls
    address: {{socket_address: {{address: 0.0.0.0, port_value: 8443}}}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress
{manager}
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          require_client_certificate: true
          common_tls_context:
            tls_certificates:
            - certificate_chain: {{filename: /etc/envoy/server.pem}}
              private_key: {{filename: /etc/envoy/server.key}}
            validation_context:
              trusted_ca: {{filename: /etc/envoy/client-ca.pem}}
{validation}
  clusters:
  - name: backend
    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        common_tls_context:
          validation_context:
            trusted_ca: {{filename: /etc/envoy/backend-ca.pem}}
"
    )
}

/// The root and intermediate every client here is issued under.
struct Pki {
    root: Node,
    intermediate: Node,
}

fn pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| {
        let root = self_signed(ca("Mesh Root CA"), key());
        let intermediate = issue(ca("Mesh Issuing CA"), key(), &root);
        Pki { root, intermediate }
    })
}

/// A workload certificate: the SPIFFE ID as its URI name, a DNS name.
fn workload(name: &str) -> rcgen::CertificateParams {
    let mut params = client(name);
    params.subject_alt_names = vec![
        SanType::URI(
            format!("spiffe://example.org/ns/default/sa/{name}")
                .try_into()
                .unwrap(),
        ),
        SanType::DnsName(format!("{name}.example.com").try_into().unwrap()),
    ];
    params
}

/// The client certificate made from `params`, and the report for it with `yaml` as Envoy's
/// configuration.
fn envoy(params: rcgen::CertificateParams, yaml: &str) -> (Node, Report) {
    let leaf = issue(params, key(), &pki().intermediate);
    let report = inspected(&leaf, yaml);
    (leaf, report)
}

/// The report for `leaf` (with the intermediate) against the root, `yaml` as Envoy's
/// configuration.
fn inspected(leaf: &Node, yaml: &str) -> Report {
    let pki = pki();
    let files = vec![
        (
            Side::Client,
            "client.pem".to_owned(),
            (leaf.pem.clone() + &pki.intermediate.pem).into_bytes(),
        ),
        (
            Side::Trust,
            "client-ca.pem".to_owned(),
            pki.root.pem.clone().into_bytes(),
        ),
    ];
    let options = Options {
        server_configs: vec![("envoy.yaml".to_owned(), yaml.as_bytes().to_vec())],
        ..Options::at(NOW)
    };
    inspect(&borrow_inputs(&files), &options)
}

fn server(report: &Report) -> &ServerReport {
    let server = report.server.as_ref().expect("the configuration is read");
    assert_eq!(server.kind, "Envoy");
    assert_eq!(server.profile, Profile::Openssl);
    server
}

fn verdict(report: &Report) -> (Verdict, Vec<Code>) {
    let openssl = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Openssl)
        .unwrap();
    (openssl.verdict, openssl.findings.clone())
}

/// Whether the report has a finding with this code.
fn found(report: &Report, code: Code) -> bool {
    report.findings.iter().any(|f| f.code == code)
}

fn identity<'a>(server: &'a ServerReport, name: &str) -> Option<&'a str> {
    server
        .identity
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
}

/// `sh -c` with `input` on stdin: the commands of Envoy's documentation.
fn shell(script: &str, input: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{script}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_spiffe_workload_is_accepted_and_named_as_envoy_names_it() {
    let yaml = config(
        "              match_typed_subject_alt_names:
              - san_type: URI
                matcher:
                  prefix: \"spiffe://example.org/ns/default/\"",
        "          forward_client_cert_details: SANITIZE_SET
          set_current_client_cert_details:
            subject: true
            dns: true
            uri: true",
    );
    let (leaf, report) = envoy(workload("web"), &yaml);
    assert_eq!(verdict(&report), (Verdict::Accepted, vec![]));
    let server = server(&report);
    assert!(server.problems.is_empty(), "{:?}", server.problems);
    // The files it names, the upstream's CA not among them.
    let files: Vec<&str> = server.files.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(
        files,
        [
            "/etc/envoy/server.pem",
            "/etc/envoy/server.key",
            "/etc/envoy/client-ca.pem"
        ]
    );
    let fingerprint = shell(
        "openssl x509 -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f",
        &leaf.pem,
    );
    let subject = shell("openssl x509 -noout -subject -nameopt RFC2253", &leaf.pem);
    let subject = subject.strip_prefix("subject=").unwrap();
    assert_eq!(
        identity(server, "SPIFFE ID"),
        Some("spiffe://example.org/ns/default/sa/web")
    );
    assert_eq!(
        identity(server, "%DOWNSTREAM_PEER_FINGERPRINT_256%"),
        Some(fingerprint.as_str())
    );
    assert_eq!(identity(server, "%DOWNSTREAM_PEER_SUBJECT%"), Some(subject));
    assert_eq!(
        identity(server, "x-forwarded-client-cert"),
        Some(
            format!(
                "Hash={fingerprint};Subject=\"{subject}\";DNS=web.example.com;\
                 URI=spiffe://example.org/ns/default/sa/web"
            )
            .as_str()
        )
    );
    // Settings with their lines: the matcher's own (`- san_type: URI`).
    let matcher = server
        .settings
        .iter()
        .find(|s| s.name == "match_typed_subject_alt_names")
        .unwrap();
    assert_eq!(matcher.line, 28);
    assert_eq!(
        matcher.value,
        "URI: prefix: spiffe://example.org/ns/default/"
    );
}

#[test]
fn a_san_matcher_miss_is_refused_with_envoys_log_line() {
    let yaml = config(
        "              match_typed_subject_alt_names:
              - san_type: URI
                matcher: {exact: \"spiffe://example.org/ns/default/sa/api\"}
              - san_type: DNS
                matcher: {suffix: \".internal\"}",
        "",
    );
    let (_, report) = envoy(workload("web"), &yaml);
    assert_eq!(
        verdict(&report),
        (Verdict::Rejected, vec![Code::SubjectAltNameNotAllowed])
    );
    let server = server(&report);
    assert_eq!(
        server.log_line.as_deref(),
        Some(
            "verify cert failed: SAN matcher, certificate SANs are \
             [URI:spiffe://example.org/ns/default/sa/web, DNS:web.example.com]"
        )
    );
    assert_eq!(
        server.client_sees.as_deref(),
        Some("sslv3 alert certificate unknown")
    );
    // The handshake stops at the client's Certificate, with Envoy's alert.
    let stop = report
        .handshake
        .as_ref()
        .expect("where the handshake stops");
    assert_eq!(stop.step, 4);
    assert!(
        stop.why.contains("certificate_unknown (46)"),
        "{}",
        stop.why
    );
    // Without the XFCC settings, the header is not written.
    assert!(
        identity(server, "x-forwarded-client-cert")
            .unwrap()
            .starts_with("not written")
    );
}

#[test]
fn an_exact_dns_matcher_follows_dns_rules_against_a_wildcard_name() {
    let yaml = config(
        "              match_typed_subject_alt_names:
              - san_type: DNS
                matcher: {exact: \"API.example.com\"}",
        "",
    );
    let mut wildcard = client("wildcard");
    wildcard.subject_alt_names = vec![SanType::DnsName("*.example.com".try_into().unwrap())];
    let (_, report) = envoy(wildcard, &yaml);
    assert_eq!(verdict(&report), (Verdict::Accepted, vec![]));
    // A suffix matcher compares strings: the wildcard's own text.
    let yaml = config(
        "              match_typed_subject_alt_names:
              - san_type: DNS
                matcher: {safe_regex: {regex: \"api\\\\.example\\\\.com\"}}",
        "",
    );
    let mut wildcard = client("wildcard");
    wildcard.subject_alt_names = vec![SanType::DnsName("*.example.com".try_into().unwrap())];
    let (_, report) = envoy(wildcard, &yaml);
    assert_eq!(
        verdict(&report),
        (Verdict::Rejected, vec![Code::SubjectAltNameNotAllowed])
    );
}

#[test]
fn pins_accept_the_pinned_certificate_or_key_and_refuse_others() {
    let pki = pki();
    let leaf = issue(workload("pinned"), key(), &pki.intermediate);
    let fingerprint = shell(
        "openssl x509 -noout -fingerprint -sha256 | cut -d= -f2",
        &leaf.pem,
    );
    assert_eq!(fingerprint.len(), 95);
    let spki = shell(
        "openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 \
         -binary | openssl enc -base64",
        &leaf.pem,
    );
    let other = "df6ff72fe9116521268f6f2dd4966f51df479883fe7037b39f75916ac3049d1a";
    for (pins, accepted) in [
        (
            format!("verify_certificate_hash: [\"{fingerprint}\"]"),
            true,
        ),
        (
            format!(
                "verify_certificate_hash: [\"{other}\"]\n              verify_certificate_spki: [\"{spki}\"]"
            ),
            true,
        ),
        (format!("verify_certificate_hash: [\"{other}\"]"), false),
    ] {
        let report = inspected(&leaf, &config(&format!("              {pins}"), ""));
        let server = server(&report);
        assert!(server.problems.is_empty(), "{:?}", server.problems);
        if accepted {
            assert_eq!(verdict(&report), (Verdict::Accepted, vec![]), "{pins}");
        } else {
            assert_eq!(
                verdict(&report),
                (Verdict::Rejected, vec![Code::CertificatePinMismatch])
            );
            assert_eq!(
                server.log_line.as_deref(),
                Some("verify cert failed: cert hash and spki")
            );
            assert_eq!(
                server.client_sees.as_deref(),
                Some("tlsv1 alert bad certificate hash value")
            );
            let why = &report.handshake.as_ref().unwrap().why;
            assert!(why.contains("bad_certificate_hash_value (114)"), "{why}");
        }
    }
}

#[test]
fn the_chain_fails_at_boringssls_first_error_unless_the_settings_let_it_through() {
    let mut expired = workload("old");
    expired.not_after = at(NOW - DAY);
    let (_, report) = envoy(expired.clone(), &config("", ""));
    assert_eq!(verdict(&report), (Verdict::Rejected, vec![Code::Expired]));
    let told = server(&report);
    assert_eq!(
        told.log_line.as_deref(),
        Some(
            "verify cert failed: X509_verify_cert: certificate verification error at depth 0: \
             certificate has expired"
        )
    );
    assert_eq!(
        told.client_sees.as_deref(),
        Some("sslv3 alert certificate expired")
    );
    // allow_expired_certificate: no time is checked.
    let (_, report) = envoy(
        expired,
        &config("              allow_expired_certificate: true", ""),
    );
    assert_eq!(verdict(&report).0, Verdict::Accepted);
    assert!(found(&report, Code::VerificationNotEnforced));

    // BoringSSL names the purpose error as OpenSSL 1.1 did.
    let mut server_only = workload("server");
    server_only.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let (_, refused) = envoy(server_only.clone(), &config("", ""));
    assert_eq!(
        server(&refused).log_line.as_deref(),
        Some(
            "verify cert failed: X509_verify_cert: certificate verification error at depth 0: \
             unsupported certificate purpose"
        )
    );
    assert_eq!(
        server(&refused).client_sees.as_deref(),
        Some("sslv3 alert unsupported certificate")
    );
    // ACCEPT_UNTRUSTED lets it through, and says so.
    let (_, report) = envoy(
        server_only,
        &config(
            "              trust_chain_verification: ACCEPT_UNTRUSTED",
            "",
        ),
    );
    assert_eq!(verdict(&report).0, Verdict::Accepted);
    assert!(found(&report, Code::VerificationNotEnforced));
}

#[test]
fn max_verify_depth_counts_the_anchor() {
    // Client, one intermediate, the root: two certificates above the client's.
    for (depth, accepted) in [(1, false), (2, true)] {
        let (_, report) = envoy(
            workload("deep"),
            &config(&format!("              max_verify_depth: {depth}"), ""),
        );
        let (verdict, codes) = verdict(&report);
        assert_eq!(verdict == Verdict::Accepted, accepted, "{depth}: {codes:?}");
        if !accepted {
            assert_eq!(codes, [Code::ChainTooDeep]);
        }
    }
}

#[test]
fn a_listener_without_a_validation_context_asks_for_no_certificate() {
    let yaml = "static_resources:
  listeners:
  - filter_chains:
    - transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          common_tls_context:
            tls_certificates:
            - certificate_chain: {filename: /etc/envoy/server.pem}
";
    let mut expired = workload("anyone");
    expired.not_after = at(NOW - DAY);
    let (_, report) = envoy(expired, yaml);
    assert_eq!(verdict(&report).0, Verdict::Accepted);
    assert!(found(&report, Code::ClientCertificateNotRequested));
    // An SDS secret this file does not hold: said, not guessed.
    let sds = yaml.replace(
        "            tls_certificates:",
        "            validation_context_sds_secret_config: {name: client-ca}\n            tls_certificates:",
    );
    let (_, report) = envoy(workload("sds"), &sds);
    let problems = &server(&report).problems.clone();
    assert!(
        problems.iter().any(|p| p.contains("\"client-ca\"")),
        "{problems:?}"
    );
}

/// `X509_V_FLAG_PARTIAL_CHAIN`, as the real OpenSSL decides it (`openssl verify -partial_chain`;
/// BoringSSL's flag is the same): with only the intermediate in `trusted_ca`, Envoy accepts the
/// client where a server without the flag refuses it.
#[test]
fn an_intermediate_alone_in_trusted_ca_ends_the_path_as_with_partial_chain() {
    let pki = pki();
    let leaf = issue(workload("partial"), key(), &pki.intermediate);
    let dir = common::temp_dir("envoy-partial");
    std::fs::write(dir.join("leaf.pem"), &leaf.pem).unwrap();
    std::fs::write(dir.join("int.pem"), &pki.intermediate.pem).unwrap();
    let openssl = |partial: bool| {
        let mut args = vec!["verify", "-purpose", "sslclient", "-attime"];
        let at = NOW.to_string();
        args.push(&at);
        if partial {
            args.push("-partial_chain");
        }
        args.extend(["-CAfile", "int.pem", "leaf.pem"]);
        Command::new("openssl")
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(openssl(true), "openssl -partial_chain accepts");
    assert!(!openssl(false), "openssl without it refuses");
    let inspected = |configs: Vec<(String, Vec<u8>)>| {
        let files = vec![
            (
                Side::Client,
                "client.pem".to_owned(),
                leaf.pem.clone().into_bytes(),
            ),
            (
                Side::Trust,
                "client-ca.pem".to_owned(),
                pki.intermediate.pem.clone().into_bytes(),
            ),
        ];
        let options = Options {
            server_configs: configs,
            ..Options::at(NOW)
        };
        inspect(&borrow_inputs(&files), &options)
    };
    let with_envoy = inspected(vec![("envoy.yaml".to_owned(), config("", "").into_bytes())]);
    assert_eq!(verdict(&with_envoy), (Verdict::Accepted, vec![]));
    assert_eq!(
        server(&with_envoy).verdict_at_defaults,
        Some(Verdict::Rejected)
    );
    let without = inspected(Vec::new());
    assert_eq!(verdict(&without).0, Verdict::Rejected);
}
