//! `mtls-inspector probe` against live servers on 127.0.0.1: `openssl s_server` requiring a
//! certificate (`-Verify -verify_return_error`), asking for one (`-verify`), not asking, listing
//! no CA names, speaking only TLS 1.2; a rustls server in this test; a plain HTTP port and a
//! closed one. Each outcome (alert, CA names, "sent", exit status) is asserted against what the
//! server was configured to do. Certificates are valid now: the servers use the real clock.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{DAY, Node, at, ca, client, issue, key, self_signed};
use rcgen::{ExtendedKeyUsagePurpose, SanType};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A root, a server certificate for localhost and 127.0.0.1, good, expired and foreign clients,
/// written to a directory.
struct Pki {
    dir: PathBuf,
    root: Node,
    server: Node,
}

fn pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| {
        let dir = common::temp_dir("probe");
        let mut root_params = ca("Probe Root CA");
        root_params.not_before = at(now() - 30 * DAY);
        root_params.not_after = at(now() + 365 * DAY);
        let root = self_signed(root_params, key());
        let mut server = client("localhost");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server.subject_alt_names = vec![
            SanType::DnsName("localhost".try_into().unwrap()),
            SanType::IpAddress("127.0.0.1".parse().unwrap()),
        ];
        server.not_before = at(now() - DAY);
        server.not_after = at(now() + 30 * DAY);
        let server = issue(server, key(), &root);
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        write("root.pem", &root.pem);
        write("server.pem", &server.pem);
        write("server.key", &server.key_pem());
        let mut good = client("alice");
        good.not_before = at(now() - DAY);
        good.not_after = at(now() + 30 * DAY);
        let alice = issue(good.clone(), key(), &root);
        write("alice.pem", &alice.pem);
        write("alice.key", &alice.key_pem());
        let mut old = good.clone();
        old.not_before = at(now() - 30 * DAY);
        old.not_after = at(now() - DAY);
        let expired = issue(old, key(), &root);
        write("expired.pem", &expired.pem);
        write("expired.key", &expired.key_pem());
        let other_root = self_signed(ca("Other Root CA"), key());
        let foreign = issue(good, key(), &other_root);
        write("foreign.pem", &foreign.pem);
        write("foreign.key", &foreign.key_pem());
        Pki { dir, root, server }
    })
}

/// A port nothing listens on yet.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_listening(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "server on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `openssl s_server` with `extra` arguments, killed when dropped.
struct SServer {
    child: Child,
    port: u16,
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s_server(extra: &[&str]) -> SServer {
    let pki = pki();
    let port = free_port();
    let child = Command::new("openssl")
        .args(["s_server", "-accept", &port.to_string(), "-naccept", "100"])
        .args([
            "-cert",
            "server.pem",
            "-key",
            "server.key",
            "-CAfile",
            "root.pem",
        ])
        .args(["-www", "-quiet"])
        .args(extra)
        .current_dir(&pki.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_listening(port);
    SServer { child, port }
}

/// Runs `probe` on `port` with `args`; the exit status and the JSON.
fn probe(port: u16, args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["probe", &format!("127.0.0.1:{port}"), "--format", "json"])
        .args(["--timeout", "5"])
        .args(args)
        .current_dir(&pki().dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

const ROOT_NAME: &str = "O = mtls-inspector tests, CN = Probe Root CA";

#[test]
fn a_server_that_requires_a_certificate_accepts_the_good_one_and_says_why_not_the_others() {
    let server = s_server(&["-Verify", "2", "-verify_return_error"]);
    let alice = ["--trust", "root.pem", "alice.pem", "alice.key"];
    let (code, json) = probe(server.port, &alice);
    let seen = &json["probe"];
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(seen["protocol"], "TLSv1.3");
    assert_eq!(seen["certificate_requested"], true);
    assert_eq!(seen["certificate_sent"], true);
    assert_eq!(seen["handshake_completed"], true);
    assert_eq!(seen["certificate_request"]["ca_names"][0], ROOT_NAME);
    assert!(
        seen["certificate_request"]["signature_algorithms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "ECDSA+SHA256")
    );
    // The server's own certificate, checked with --trust for the address's name.
    assert_eq!(seen["server_trusted"]["valid"], true);
    assert_eq!(
        seen["server_chain"][0]["subject"],
        "O = mtls-inspector tests, CN = localhost"
    );
    assert_eq!(json["report"]["verdict"], "accepted");
    // No key material in what is printed.
    let text = json.to_string();
    let key = std::fs::read_to_string(pki().dir.join("alice.key")).unwrap();
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "key material in the JSON");
    }

    // Its JSON is what `check --s-client` (and the page) read as the server's request.
    std::fs::write(pki().dir.join("probe.json"), json.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["check", "--format", "json", "--s-client", "probe.json"])
        .args(["--trust", "root.pem", "alice.pem"])
        .current_dir(&pki().dir)
        .output()
        .unwrap();
    let checked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        checked["certificate_request"]["ca_names"],
        serde_json::json!([ROOT_NAME])
    );
    assert_eq!(checked["client_stacks"].as_array().unwrap().len(), 5);

    // TLS 1.3: the server's verdict comes after the client's Finished, and is caught.
    let (code, json) = probe(
        server.port,
        &["--trust", "root.pem", "expired.pem", "expired.key"],
    );
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["probe"]["alert"], "certificate_expired");
    assert_eq!(json["explained_by"][0], "expired");
    let (code, json) = probe(
        server.port,
        &["--trust", "root.pem", "foreign.pem", "foreign.key"],
    );
    assert_eq!(code, 1);
    assert_eq!(json["probe"]["alert"], "unknown_ca");
    assert_eq!(json["explained_by"][0], "issuer_not_found");
    // The same in TLS 1.2, where the refusal ends the handshake.
    let (code, json) = probe(
        server.port,
        &[
            "--tls",
            "1.2",
            "--trust",
            "root.pem",
            "foreign.pem",
            "foreign.key",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(json["probe"]["protocol"], "TLSv1.2");
    assert_eq!(json["probe"]["alert"], "unknown_ca");
    // No certificate at all: TLS 1.3's certificate_required.
    let (code, json) = probe(server.port, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["probe"]["certificate_sent"], false);
    assert_eq!(json["probe"]["alert"], "certificate_required");
}

#[test]
fn a_server_that_only_asks_lets_a_client_without_one_through() {
    // -verify (lower case): asks, does not require; without -verify_return_error s_server
    // also lets a failing certificate through.
    let server = s_server(&["-verify", "2"]);
    let (code, json) = probe(server.port, &[]);
    assert_eq!(code, 3, "{json:#}");
    assert_eq!(json["probe"]["certificate_requested"], true);
    assert_eq!(json["probe"]["certificate_sent"], false);
    assert_eq!(json["probe"]["handshake_completed"], true);
    assert!(json["probe"].get("alert").is_none());
    // s_server -www answers HEAD / as it can: the status line is reported when one comes.
    let (code, _) = probe(server.port, &["foreign.pem", "foreign.key"]);
    assert_eq!(code, 0);
}

#[test]
fn a_server_that_never_asks_is_said_to_never_ask() {
    let server = s_server(&[]);
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args([
            "probe",
            &format!("127.0.0.1:{}", server.port),
            "alice.pem",
            "alice.key",
        ])
        .current_dir(&pki().dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "This server never asks for a client certificate (at SNI 127.0.0.1, TLSv1.3)"
        ),
        "{text}"
    );
}

#[test]
fn a_request_without_ca_names_is_reported_as_such() {
    let server = s_server(&["-Verify", "2", "-verify_return_error", "-no_ca_names"]);
    let (code, json) = probe(server.port, &["alice.pem", "alice.key"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["probe"]["certificate_request"]["ca_names"],
        serde_json::json!([])
    );
}

#[test]
fn a_tls_12_only_server_refuses_a_tls_13_only_client_before_asking() {
    let server = s_server(&["-tls1_2", "-Verify", "2", "-verify_return_error"]);
    let (code, json) = probe(server.port, &["--tls", "1.3", "alice.pem", "alice.key"]);
    assert_eq!(code, 2, "{json:#}");
    assert_eq!(json["probe"]["certificate_requested"], false);
    assert_eq!(json["probe"]["alert"], "protocol_version");
    let (code, json) = probe(server.port, &["alice.pem", "alice.key"]);
    assert_eq!(code, 0);
    assert_eq!(json["probe"]["protocol"], "TLSv1.2");
}

/// A rustls server requiring a certificate from the root: its alert for an expired client
/// reaches the probe after the TLS 1.3 handshake.
#[test]
fn a_rustls_server_refusing_an_expired_certificate_is_heard() {
    let pki = pki();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.root.der.clone().into()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(pki.server.key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![pki.server.der.clone().into()], key)
        .unwrap();
    let config = Arc::new(config);
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            // Until the handshake fails (or completes and the client goes away).
            while connection.complete_io(&mut stream).is_ok() {
                if !connection.is_handshaking() {
                    let mut buffer = [0u8; 512];
                    let _ = connection.reader().read(&mut buffer);
                    let _ = connection
                        .writer()
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                    let _ = connection.complete_io(&mut stream);
                    break;
                }
            }
        }
    });
    let (code, json) = probe(port, &["--trust", "root.pem", "expired.pem", "expired.key"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["probe"]["alert"], "certificate_expired");
    assert_eq!(json["probe"]["certificate_sent"], true);
    let (code, json) = probe(port, &["--trust", "root.pem", "alice.pem", "alice.key"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["probe"]["http_status"], "HTTP/1.1 200 OK");
    server.join().unwrap();
}

#[test]
fn a_plain_http_port_and_a_closed_port_are_clear_errors() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let http = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0u8; 1024];
        let _ = stream.read(&mut buffer);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let (code, json) = probe(port, &[]);
    assert_eq!(code, 2);
    assert!(
        json["probe"]["error"]
            .as_str()
            .unwrap()
            .contains("does not speak TLS"),
        "{json:#}"
    );
    http.join().unwrap();
    let closed = free_port();
    let (code, json) = probe(closed, &[]);
    assert_eq!(code, 2);
    assert!(
        json["probe"]["error"]
            .as_str()
            .unwrap()
            .contains("connection refused")
    );
    // A port that accepts the connection and never answers the handshake.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["probe", &format!("127.0.0.1:{port}"), "--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("did not answer the handshake within 1 s"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(silent);
    // A name that does not resolve, and a key without its certificate.
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["probe", "no-such-host.invalid:443", "--timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not resolve"));
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["probe", &format!("127.0.0.1:{closed}"), "alice.key"])
        .current_dir(&pki().dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no private key with its certificate"));
    let _: &Path = &pki().dir;
}

/// A Go HTTPS server (tests/go/server) on a port it picked; stopped when dropped.
struct GoServer {
    child: Child,
    port: u16,
}

impl Drop for GoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn go_server(mode: &str, client_cas: &str) -> Option<GoServer> {
    let Some(go) = common::go_toolchain() else {
        common::stacks::missing("Go (make setup installs it)");
        return None;
    };
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let binary =
        BINARY.get_or_init(|| common::go_build(&go, "tests/go/server/main.go", "probe-go-server"));
    let mut child = Command::new(binary)
        .args(["-cert", "server.pem", "-key", "server.key", "-mode", mode])
        .args(["-clientcas", client_cas])
        .current_dir(&pki().dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().rsplit(':').next().unwrap().parse().unwrap();
    Some(GoServer { child, port })
}

#[test]
fn a_go_server_asks_with_its_client_cas_and_names_what_it_refuses() {
    let dir = &pki().dir;
    let other = self_signed(ca("Other Listed CA"), key());
    std::fs::write(
        dir.join("two-cas.pem"),
        format!("{}{}", pki().root.pem, other.pem),
    )
    .unwrap();
    let Some(server) = go_server("require", "two-cas.pem") else {
        return;
    };
    let (code, json) = probe(
        server.port,
        &["--trust", "root.pem", "alice.pem", "alice.key"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["probe"]["http_status"], "HTTP/1.1 200 OK");
    // Go lists ClientCAs' subjects, in the pool's order.
    assert_eq!(
        json["probe"]["certificate_request"]["ca_names"],
        serde_json::json!([ROOT_NAME, "O = mtls-inspector tests, CN = Other Listed CA"])
    );
    // Measured: Go 1.27 answers an unknown issuer with unknown_ca.
    let (code, json) = probe(server.port, &["foreign.pem", "foreign.key"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["probe"]["alert"], "unknown_ca");
    let (code, json) = probe(server.port, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["probe"]["alert"], "certificate_required");
    drop(server);
    // VerifyClientCertIfGiven: none given is let through; a bad one is not.
    let Some(server) = go_server("ifgiven", "root.pem") else {
        return;
    };
    let (code, json) = probe(server.port, &[]);
    assert_eq!(code, 3, "{json:#}");
    assert_eq!(json["probe"]["http_status"], "HTTP/1.1 200 OK");
    let (code, json) = probe(server.port, &["expired.pem", "expired.key"]);
    assert_eq!(code, 1);
    assert_eq!(json["probe"]["alert"], "certificate_expired");
    assert_eq!(json["probe"]["certificate_sent"], true);
}
