//! "Will the client even send it?", from real `openssl s_client` output against a real
//! `openssl s_server` that requests a client certificate: the CA names the server lists come
//! from its CA file, the signature algorithms from `-client_sigalgs`. Where Go is available,
//! a real Go crypto/tls client (tests/go/client) connects to the same server and the server
//! reports whether the certificate arrived: the go stack's answer must match it.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use mtls_inspector::diagnosis::Code;
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::request::CertificateRequest;
use mtls_inspector::{Options, Report, Side, inspect};
use rcgen::{DistinguishedName, DnType, DnValue};

/// Starts `openssl s_server` in `dir` with the test's server certificate, this CA file and
/// `flags`; returns it and the address to connect to.
fn s_server(dir: &Path, ca_file: &str, flags: &[&str]) -> (std::process::Child, String) {
    let port = 20000 + (std::process::id() % 5000) as u16 + rand_offset();
    let accept = port.to_string();
    let mut args = vec![
        "s_server",
        "-accept",
        &accept,
        "-cert",
        "server.pem",
        "-key",
        "server.key",
        "-CAfile",
        ca_file,
    ];
    args.extend(flags);
    let server = Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (server, format!("127.0.0.1:{port}"))
}

/// Runs `s_server` with `ca_file` (and extra flags), requiring a client certificate, and returns
/// what `s_client` printed.
fn s_client_output(
    dir: &Path,
    ca_file: &str,
    server_flags: &[&str],
    client_flags: &[&str],
) -> String {
    let mut flags = vec!["-Verify", "1", "-naccept", "1", "-quiet"];
    flags.extend(server_flags);
    let (mut server, target) = s_server(dir, ca_file, &flags);
    let mut output = String::new();
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut args = vec!["s_client", "-connect", &target];
        args.extend(client_flags);
        let run = Command::new("openssl")
            .args(&args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        output = String::from_utf8_lossy(&run.stdout).into_owned();
        if output.contains("CONNECTED") {
            break;
        }
    }
    server.kill().ok();
    server.wait().ok();
    output
}

/// Whether a real client (the program and arguments in `client`, given the server's address
/// first) sends `chain.pem` with `key.pem` (in `dir`) to an s_server with this CA file and
/// flags.
fn client_sends(dir: &Path, ca_file: &str, server_flags: &[&str], client: &[String]) -> bool {
    // -verify (not -Verify): request a certificate without requiring one; -www reports it.
    let mut flags = vec!["-verify", "1", "-www"];
    flags.extend(server_flags);
    let (mut server, target) = s_server(dir, ca_file, &flags);
    let mut answer = String::new();
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let (program, rest) = client.split_first().unwrap();
        let run = Command::new(program)
            .args(rest)
            .args([&target, "chain.pem", "key.pem"])
            .current_dir(dir)
            .output()
            .unwrap();
        answer = String::from_utf8_lossy(&run.stdout).trim().to_owned();
        if run.status.success() {
            break;
        }
    }
    server.kill().ok();
    server.wait().ok();
    match answer.as_str() {
        "sent" => true,
        "not sent" => false,
        other => panic!("{client:?} said {other:?}"),
    }
}

/// The go and java stacks' answers, checked against a real Go client (tests/go/client, when
/// Go is available) and a real JSSE client (tests/java/Client.java).
fn real_clients_agree(report: &Report, dir: &Path, ca_file: &str, server_flags: &[&str]) {
    let ours = |name: &str| {
        report
            .client_stacks
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.sends)
            .unwrap()
    };
    let mut clients: Vec<(&str, Vec<String>)> = Vec::new();
    match common::go_toolchain() {
        Some(go) => {
            let binary = common::go_build(&go, "tests/go/client/main.go", "go-client");
            clients.push(("go", vec![binary.display().to_string()]));
        }
        None => common::stacks::missing("Go (the real Go client was not run)"),
    }
    let java_client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java/Client.java");
    clients.push((
        "java",
        vec!["java".into(), java_client.display().to_string()],
    ));
    for (name, command) in clients {
        let real = client_sends(dir, ca_file, server_flags, &command);
        println!("real {name} client against -CAfile {ca_file} {server_flags:?}: sends = {real}");
        assert_eq!(
            ours(name),
            real,
            "the real {name} client {}",
            if real { "sends" } else { "does not send" }
        );
    }
}

fn rand_offset() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    NEXT.fetch_add(7, Ordering::SeqCst)
}

struct Setup {
    dir: std::path::PathBuf,
    chain: String,
    root: String,
}

fn setup(label: &str) -> Setup {
    let pki = common::Pki::new(label);
    let leaf = pki.client(common::client("alice"));
    let dir = common::temp_dir(label);
    common::openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.pem",
            "-subj",
            "/CN=server",
            "-days",
            "2",
        ],
        &dir,
    );
    std::fs::write(dir.join("root.pem"), &pki.root.pem).unwrap();
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", leaf.pem, pki.intermediate.pem),
    )
    .unwrap();
    std::fs::write(dir.join("key.pem"), leaf.key_pem()).unwrap();
    let other = common::Pki::new("Unrelated");
    std::fs::write(dir.join("other.pem"), &other.root.pem).unwrap();
    Setup {
        dir,
        chain: format!("{}{}", leaf.pem, pki.intermediate.pem),
        root: pki.root.pem,
    }
}

fn decide(setup: &Setup, trust: &str, output: &str) -> Report {
    let request =
        CertificateRequest::from_s_client(output).expect("a CertificateRequest in the output");
    let files = vec![
        (
            Side::Client,
            "chain.pem".to_owned(),
            setup.chain.clone().into_bytes(),
        ),
        (
            Side::Trust,
            "trust.pem".to_owned(),
            trust.as_bytes().to_vec(),
        ),
    ];
    let options = Options {
        certificate_request: Some(request),
        ..Options::at(common::NOW)
    };
    inspect(&borrow_inputs(&files), &options)
}

fn sends(report: &Report) -> Vec<(String, bool)> {
    report
        .client_stacks
        .iter()
        .map(|s| (s.name.clone(), s.sends))
        .collect()
}

fn all(value: bool) -> Vec<(String, bool)> {
    ["go", "browsers", "java", "rustls", "openssl"]
        .iter()
        .map(|n| ((*n).to_owned(), value))
        .collect()
}

#[test]
fn listed_issuer_and_fitting_key_are_sent_by_every_stack() {
    let s = setup("sclient-ok");
    let output = s_client_output(&s.dir, "root.pem", &[], &[]);
    let request = CertificateRequest::from_s_client(&output).unwrap();
    assert_eq!(request.ca_names.len(), 1, "{output}");
    assert!(
        request.ca_names[0].ends_with("CN = sclient-ok Root CA"),
        "{:?}",
        request.ca_names
    );
    let report = decide(&s, &s.root, &output);
    assert_eq!(sends(&report), all(true), "{:#?}", report.client_stacks);
    real_clients_agree(&report, &s.dir, "root.pem", &[]);
}

#[test]
fn an_unlisted_issuer_is_not_sent_by_go_java_or_browsers() {
    let s = setup("sclient-names");
    // The server lists another CA only.
    let output = s_client_output(&s.dir, "other.pem", &[], &[]);
    let report = decide(&s, &s.root, &output);
    let expected: Vec<(String, bool)> = [
        ("go", false),
        ("browsers", false),
        ("java", false),
        ("rustls", true),
        ("openssl", true),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), *v))
    .collect();
    assert_eq!(sends(&report), expected, "{:#?}", report.client_stacks);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::IssuerNotInAcceptableCaNames)
    );
    real_clients_agree(&report, &s.dir, "other.pem", &[]);
    // The same from the command line.
    std::fs::write(s.dir.join("s_client.txt"), &output).unwrap();
    std::fs::write(s.dir.join("chain.pem"), &s.chain).unwrap();
    let cli = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args([
            "check",
            "--trust",
            "root.pem",
            "--s-client",
            "s_client.txt",
            "--at",
        ])
        .arg("2026-06-01T12:00:00Z")
        .arg("chain.pem")
        .current_dir(&s.dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&cli.stdout);
    assert!(text.contains("Will the client send it?"), "{text}");
    assert!(
        text.contains("Go crypto/tls") && text.contains("sends no certificate"),
        "{text}"
    );
    assert!(text.contains("issuer_not_in_acceptable_ca_names"), "{text}");
    let no_request = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(["check", "--s-client", "chain.pem", "chain.pem"])
        .current_dir(&s.dir)
        .output()
        .unwrap();
    assert_eq!(no_request.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_request.stderr).contains("no CertificateRequest"));
}

#[test]
fn a_key_type_the_server_does_not_request_is_not_sent() {
    let s = setup("sclient-sigalgs");
    // TLS 1.3, RSA-PSS only: the client's P-256 key cannot sign.
    let output = s_client_output(
        &s.dir,
        "root.pem",
        &["-client_sigalgs", "RSA-PSS+SHA256:RSA-PSS+SHA384"],
        &[],
    );
    let report = decide(&s, &s.root, &output);
    let stacks = &report.client_stacks;
    assert!(
        stacks
            .iter()
            .filter(|s| s.name != "openssl")
            .all(|s| !s.sends),
        "{stacks:#?}"
    );
    assert!(
        stacks
            .iter()
            .all(|s| s.codes.contains(&Code::KeyTypeNotRequested))
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::KeyTypeNotRequested)
    );
    real_clients_agree(
        &report,
        &s.dir,
        "root.pem",
        &["-client_sigalgs", "RSA-PSS+SHA256:RSA-PSS+SHA384"],
    );
}

#[test]
fn a_name_equal_as_text_but_not_as_der_splits_go_from_java() {
    // The server trusts a root whose name is a UTF8String; the client's intermediate was issued
    // by the same key under the same name as a PrintableString.
    let named = |value: DnValue| {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, value);
        dn
    };
    let key = common::key();
    let mut utf8 = common::ca("unused");
    utf8.distinguished_name = named(DnValue::Utf8String("Encoding Root".into()));
    let mut printable = common::ca("unused");
    printable.distinguished_name = named(DnValue::PrintableString(
        "Encoding Root".try_into().unwrap(),
    ));
    let trusted_root = common::self_signed(utf8, key);
    let signing_root = common::self_signed(
        printable,
        common::KeyPair::from_pem(&trusted_root.key_pem()).unwrap(),
    );
    let intermediate = common::issue(
        common::ca("Encoding Issuing CA"),
        common::key(),
        &signing_root,
    );
    let leaf = common::issue(common::client("bob"), common::key(), &intermediate);
    let s = setup("sclient-encoding");
    std::fs::write(s.dir.join("utf8-root.pem"), &trusted_root.pem).unwrap();
    let output = s_client_output(&s.dir, "utf8-root.pem", &[], &[]);
    let request = CertificateRequest::from_s_client(&output).unwrap();
    assert_eq!(request.ca_names, ["CN = Encoding Root"]);
    let files = vec![
        (
            Side::Client,
            "chain.pem".to_owned(),
            format!("{}{}", leaf.pem, intermediate.pem).into_bytes(),
        ),
        (
            Side::Trust,
            "trust.pem".to_owned(),
            trusted_root.pem.clone().into_bytes(),
        ),
    ];
    let options = Options {
        certificate_request: Some(request),
        ..Options::at(common::NOW)
    };
    let report = inspect(&borrow_inputs(&files), &options);
    let by_name: Vec<(String, bool)> = sends(&report);
    assert_eq!(
        by_name[0],
        ("go".to_owned(), false),
        "{:#?}",
        report.client_stacks
    );
    assert_eq!(
        by_name[2],
        ("java".to_owned(), true),
        "{:#?}",
        report.client_stacks
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::CaNameEncodingDiffers)
    );
    std::fs::write(
        s.dir.join("chain.pem"),
        format!("{}{}", leaf.pem, intermediate.pem),
    )
    .unwrap();
    std::fs::write(s.dir.join("key.pem"), leaf.key_pem()).unwrap();
    real_clients_agree(&report, &s.dir, "utf8-root.pem", &[]);
}

/// A private key whose private part is not the certificate's (its stated public key copied
/// from the certificate) is `private_key_inconsistent`, and a real handshake with it fails: an
/// `openssl s_server` requiring a client certificate refuses the CertificateVerify (alert 51,
/// decrypt error), where the consistent key completes the handshake and gets the page.
#[test]
fn a_key_whose_private_part_is_not_the_certificates_fails_a_real_handshake() {
    let cases = common::malformed::corpus();
    for (name, code, completes) in [
        ("key-ec-good", Code::PrivateKeyMatches, true),
        (
            "key-ec-private-part-of-another-key",
            Code::PrivateKeyInconsistent,
            false,
        ),
    ] {
        let case = cases.iter().find(|c| c.name == name).unwrap();
        let key = case.key.clone().unwrap();
        let mut client = case.client_pems().concat();
        client.push_str(&key);
        let files = vec![
            (Side::Client, "client.pem".to_owned(), client.into_bytes()),
            (
                Side::Trust,
                "root.pem".to_owned(),
                case.root_pems().concat().into_bytes(),
            ),
        ];
        let report = inspect(&borrow_inputs(&files), &Options::at(case.time));
        assert!(
            report.findings.iter().any(|f| f.code == code),
            "{name}: {:?}",
            report.findings.iter().map(|f| f.code).collect::<Vec<_>>()
        );

        let s = setup(&format!("sclient-{name}"));
        std::fs::write(s.dir.join("case-root.pem"), case.root_pems().concat()).unwrap();
        std::fs::write(s.dir.join("case-leaf.pem"), case.leaf_pem()).unwrap();
        std::fs::write(
            s.dir.join("case-chain.pem"),
            case.intermediate_pems().concat(),
        )
        .unwrap();
        std::fs::write(s.dir.join("case-key.pem"), &key).unwrap();
        let attime = case.time.to_string();
        let flags = [
            "-Verify",
            "2",
            "-verify_return_error",
            "-attime",
            &attime,
            "-www",
            "-naccept",
            "1",
            "-tls1_2",
        ];
        let (mut server, target) = s_server(&s.dir, "case-root.pem", &flags);
        let mut said = String::new();
        for _ in 0..50 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let mut run = Command::new("openssl")
                .args(["s_client", "-connect", &target, "-cert", "case-leaf.pem"])
                .args([
                    "-cert_chain",
                    "case-chain.pem",
                    "-key",
                    "case-key.pem",
                    "-ign_eof",
                ])
                .current_dir(&s.dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            let _ = run
                .stdin
                .take()
                .unwrap()
                .write_all(b"GET / HTTP/1.0\r\n\r\n");
            let out = run.wait_with_output().unwrap();
            said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            if said.contains("CONNECTED") {
                break;
            }
        }
        server.kill().ok();
        server.wait().ok();
        println!(
            "{name}: {}",
            said.lines()
                .filter(|l| l.contains("alert") || l.contains("HTTP/1.0"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        assert_eq!(
            said.contains("HTTP/1.0 200 ok"),
            completes,
            "{name}: {said}"
        );
        if !completes {
            assert!(said.contains("alert decrypt error"), "{name}: {said}");
        }
    }
}
