//! Server configurations are hostile text too: every reader (nginx, Apache, HAProxy,
//! Mosquitto, PostgreSQL, kube-apiserver flags, Envoy's YAML) gets each of its sample configurations cut at
//! every length, with bytes flipped, with huge and deeply nested input, and in pairs of
//! different kinds; the inspection never panics, always says which server it read (or that it
//! read none), and keeps the certificates' verdict when the configuration cannot be read.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::diagnosis::Code;
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::{Options, Report, Side, inspect};

/// One sample per reader: (file name, text).
const SAMPLES: &[(&str, &str)] = &[
    (
        "nginx.conf",
        "http {\n  ssl_verify_depth 2;\n  server {\n    listen 443 ssl;\n    \
         ssl_verify_client optional_no_ca;\n    ssl_client_certificate \"/etc/ca.pem\";\n    \
         ssl_crl /etc/crl.pem; # comment { }\n  }\n}\n",
    ),
    (
        "httpd.conf",
        "<VirtualHost *:443>\n  SSLEngine on\n  SSLVerifyClient require\n  SSLVerifyDepth \\\n 3\n  \
         SSLCACertificateFile \"/etc/ca.pem\"\n  SSLCARevocationCheck chain no_crl_for_cert_ok\n  \
         <Location /a>\n    Require expr %{SSL_CLIENT_S_DN_CN} == 'x'\n  </Location>\n</VirtualHost>\n",
    ),
    (
        "haproxy.cfg",
        "global\n  log stdout format raw local0\nfrontend \"f\"\n  bind :443 ssl crt /s.pem verify \
         required ca-file '/ca pem' crl-file /c.pem ca-ignore-err 20,21 crt-ignore-err all\n",
    ),
    (
        "mosquitto.conf",
        "per_listener_settings true\nlistener 8883\ncafile /ca.pem\ncrlfile /crl.pem\n\
         require_certificate true\nuse_identity_as_username true\n",
    ),
    (
        "pg_hba.conf",
        "hostssl all all 0.0.0.0/0 cert clientname=DN map=\"m\",x\nhost \"all\",db all ::1/128 \
         trust clientcert=verify-full\n",
    ),
    ("pg_ident.conf", "m /^(.*)@example\\.com$ \\1\nm \"/(\" x\n"),
    (
        "kube-apiserver.yaml",
        "  - command:\n    - kube-apiserver\n    - --client-ca-file=/etc/ca.crt\n",
    ),
    (
        "envoy.yaml",
        "static_resources:\n  listeners:\n  - filter_chains:\n    - transport_socket:\n        \
         name: envoy.transport_sockets.tls\n        typed_config:\n          \"@type\": \
         type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext\n          \
         require_client_certificate: true\n          common_tls_context:\n            \
         validation_context:\n              trusted_ca: {filename: /etc/ca.pem}\n              \
         max_verify_depth: 3\n              match_typed_subject_alt_names:\n              - san_type: \
         URI\n                matcher: {prefix: \"spiffe://example.org/\"}\n              \
         verify_certificate_hash: [\"00\"]\n",
    ),
];

/// A valid chain (client and intermediate) and its root, made once.
fn chain() -> &'static (String, String) {
    static CHAIN: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    CHAIN.get_or_init(|| {
        let pki = common::Pki::new("Config");
        let leaf = pki.client(common::client("alice"));
        (leaf.pem.clone() + &pki.intermediate.pem, pki.root.pem)
    })
}

/// The valid chain, inspected with `configs` as the server's.
fn inspected(configs: Vec<(String, Vec<u8>)>) -> Report {
    let (chain, root) = chain();
    let files = vec![
        (
            Side::Client,
            "client.pem".to_owned(),
            chain.clone().into_bytes(),
        ),
        (
            Side::Trust,
            "root.pem".to_owned(),
            root.clone().into_bytes(),
        ),
    ];
    let options = Options {
        server_configs: configs,
        user: Some("alice".to_owned()),
        ..Options::at(common::NOW)
    };
    inspect(&borrow_inputs(&files), &options)
}

/// The report says which server it read, or that it read none.
fn accounted(report: &Report) -> bool {
    report.server.is_some()
        || report
            .findings
            .iter()
            .any(|f| f.code == Code::ServerConfigProblem)
}

#[test]
fn every_sample_is_read_as_its_server() {
    let kinds = [
        "nginx",
        "Apache httpd",
        "HAProxy",
        "Mosquitto",
        "PostgreSQL",
        "PostgreSQL",
        "Kubernetes API server",
        "Envoy",
    ];
    for ((name, text), kind) in SAMPLES.iter().zip(kinds) {
        let report = inspected(vec![((*name).to_owned(), text.as_bytes().to_vec())]);
        let server = report.server.as_ref().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(server.kind, kind, "{name}");
        // Each problem of the configuration is a finding of its own.
        let findings = report
            .findings
            .iter()
            .filter(|f| f.code == Code::ServerConfigProblem)
            .count();
        assert_eq!(
            findings,
            server.problems.len(),
            "{name}: {:?}",
            server.problems
        );
    }
}

#[test]
fn cut_at_every_length_and_flipped_nothing_panics() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        // xorshift64*: the same bytes every run.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut cases = 0;
    for (name, text) in SAMPLES {
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let report = inspected(vec![((*name).to_owned(), bytes[..cut].to_vec())]);
            assert!(accounted(&report), "{name} cut at {cut}");
            cases += 1;
        }
        for _ in 0..200 {
            let mut flipped = bytes.to_vec();
            for _ in 0..4 {
                let at = (next() as usize) % flipped.len();
                flipped[at] = next() as u8;
            }
            let report = inspected(vec![((*name).to_owned(), flipped)]);
            assert!(accounted(&report), "{name} flipped");
            cases += 1;
        }
    }
    println!("server configurations: {cases} hostile variants, no panic");
}

#[test]
fn huge_nested_and_mixed_configurations_are_bounded() {
    let deep = "server {".repeat(50_000) + &"}".repeat(50_000);
    let sections = "<VirtualHost *:443>\n".repeat(50_000) + "SSLVerifyClient require\n";
    let long_line = format!(
        "hostssl all all 0.0.0.0/0 cert map={}\n",
        "m".repeat(1 << 20)
    );
    let binds = "frontend f\n".to_owned() + &"  bind :443 ssl verify required\n".repeat(20_000);
    for (name, text) in [
        ("deep.conf", deep),
        ("sections.conf", sections),
        ("pg_hba.conf", long_line),
        ("haproxy.cfg", binds),
        // YAML nested past the reader's bound, and an alias bomb (never expanded).
        (
            "envoy.yaml",
            "listeners: DownstreamTlsContext\nx: ".to_owned() + &"[".repeat(50_000),
        ),
        (
            "envoy.json",
            "{\"DownstreamTlsContext\": ".to_owned()
                + &"{\"a\": ".repeat(300)
                + "1"
                + &"}".repeat(301),
        ),
        (
            "bomb.yaml",
            "# DownstreamTlsContext\na: &a [x, x, x, x, x, x, x, x, x]\n".to_owned()
                + &(b'b'..=b'z')
                    .map(|c| {
                        let previous = (c - 1) as char;
                        format!(
                            "{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n",
                            c as char, previous
                        )
                    })
                    .collect::<String>(),
        ),
        (
            "binary",
            String::from_utf8_lossy(&[0xff, 0, 0xfe, 0x80].repeat(10_000)).into_owned(),
        ),
    ] {
        let report = inspected(vec![(name.to_owned(), text.into_bytes())]);
        assert!(accounted(&report), "{name}");
    }
    // Servers of different kinds: the first is read, each other one said to be left out.
    let report = inspected(
        SAMPLES
            .iter()
            .map(|(name, text)| ((*name).to_owned(), text.as_bytes().to_vec()))
            .collect(),
    );
    assert_eq!(
        report.server.as_ref().map(|s| s.kind.as_str()),
        Some("nginx")
    );
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.code == Code::ServerConfigProblem)
            .count()
            >= 4,
        "{:#?}",
        report.findings
    );
}

#[test]
fn the_report_says_when_the_configuration_changed_the_verdict() {
    use mtls_inspector::Verdict;
    let nginx = |depth: u32| {
        let text = format!(
            "server {{ ssl_verify_client on; ssl_verify_depth {depth}; \
             ssl_client_certificate /etc/ca.pem; }}"
        );
        inspected(vec![("nginx.conf".to_owned(), text.into_bytes())])
    };
    // One intermediate: depth 0 refuses what nginx's default (1) accepts.
    let strict = nginx(0);
    assert_eq!(
        strict.server.as_ref().unwrap().verdict_at_defaults,
        Some(Verdict::Accepted)
    );
    assert!(
        strict
            .to_text()
            .contains("changed the verdict: accepted at the defaults")
    );
    // Depth 2 changes nothing for it.
    assert_eq!(nginx(2).server.as_ref().unwrap().verdict_at_defaults, None);
    // PostgreSQL, the user the certificate names: nothing changes.
    let hba = "hostssl all all 0.0.0.0/0 cert\n";
    let mut report = inspected(vec![("pg_hba.conf".to_owned(), hba.as_bytes().to_vec())]);
    assert_eq!(report.server.take().unwrap().verdict_at_defaults, None);
}
