//! The command-line contract (SPEC "Command-line contract"): arguments, formats, exit codes.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const AT: &str = "2026-06-01T12:00:00Z";

fn cli(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Files for a good chain and a rejected one, in a temporary directory.
fn files() -> std::path::PathBuf {
    let pki = common::Pki::new("CLI");
    let alice = pki.client(common::client("alice"));
    let mut bad = common::client("bob");
    bad.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let bob = pki.client(bad);
    let dir = common::temp_dir("cli");
    std::fs::write(
        dir.join("alice.pem"),
        format!("{}{}", alice.pem, pki.intermediate.pem),
    )
    .unwrap();
    std::fs::write(dir.join("alice.key"), alice.key_pem()).unwrap();
    std::fs::write(
        dir.join("bob.pem"),
        format!("{}{}", bob.pem, pki.intermediate.pem),
    )
    .unwrap();
    std::fs::write(dir.join("ca.pem"), &pki.root.pem).unwrap();
    std::fs::write(dir.join("junk.bin"), [0u8, 1, 2, 3, 0xff]).unwrap();
    dir
}

#[test]
fn accepted_chain_exits_0_and_says_so_first() {
    let dir = files();
    let out = cli(
        &[
            "check",
            "--at",
            AT,
            "--trust",
            "ca.pem",
            "alice.pem",
            "alice.key",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Verdict: ACCEPTED"), "{text}");
    assert!(text.contains("webpki") && text.contains("openssl") && text.contains("nginx"));
    assert!(text.contains("[client] CN=alice"), "{text}");
    assert!(!text.contains("PRIVATE KEY"));
}

#[test]
fn rejected_chain_exits_1_with_the_finding_and_its_fix() {
    let dir = files();
    let out = cli(&["check", "--at", AT, "--trust", "ca.pem", "bob.pem"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("client_auth_eku_missing"), "{text}");
    assert!(text.contains("Fix: "), "{text}");
}

#[test]
fn json_output_follows_the_spec_shape() {
    let dir = files();
    let out = cli(
        &[
            "check", "--at", AT, "--trust", "ca.pem", "--format", "json", "bob.pem",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "rejected");
    let profiles = json["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 5);
    let names: Vec<&str> = profiles.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["webpki", "openssl", "nginx", "go", "java"]);
    for p in profiles {
        assert!(p["name"].is_string() && p["verdict"].is_string() && p["findings"].is_array());
    }
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "client_auth_eku_missing")
        .unwrap();
    for field in [
        "severity",
        "certificate",
        "profiles",
        "title",
        "detail",
        "remedy",
    ] {
        assert!(!finding[field].is_null(), "finding lacks {field}");
    }
    assert_eq!(finding["severity"], "error");
    assert_eq!(json["chain"][0], finding["certificate"]);
    let cert = &json["certificates"][0];
    for field in [
        "index",
        "role",
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "sha256",
        "source",
    ] {
        assert!(!cert[field].is_null(), "certificate lacks {field}");
    }
}

#[test]
fn profiles_can_be_selected() {
    let dir = files();
    // The key-usage scenario differs per profile; here the EKU one is rejected by all, so select one.
    let out = cli(
        &[
            "check",
            "--at",
            AT,
            "--trust",
            "ca.pem",
            "--profile",
            "nginx",
            "--format",
            "json",
            "alice.pem",
        ],
        &dir,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nginx"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn markdown_and_stdin_work() {
    let dir = files();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
        .args([
            "check", "--at", AT, "--trust", "ca.pem", "--format", "markdown", "-",
        ])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(dir.join("bob.pem")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# mtls-inspector report"), "{text}");
    assert!(text.contains("| rustls | `webpki` | rejected |"), "{text}");
}

#[test]
fn usage_server_checks_server_auth() {
    let dir = files();
    let out = cli(
        &[
            "check", "--at", AT, "--usage", "server", "--trust", "ca.pem", "bob.pem",
        ],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let dir = files();
    for args in [
        vec!["check"],
        vec!["check", "--bogus", "alice.pem"],
        vec!["check", "missing-file.pem"],
        vec!["check", "--at", "yesterday", "alice.pem"],
        vec!["check", "--profile", "iis", "alice.pem"],
        vec!["check", "--format", "xml", "alice.pem"],
        vec!["inspect", "alice.pem"],
        vec![],
    ] {
        let out = cli(&args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        if !args.is_empty() {
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.starts_with("mtls-inspector: "), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn a_client_input_nothing_can_be_read_from_exits_2_after_the_report() {
    let dir = files();
    let out = cli(
        &["check", "--at", AT, "--trust", "ca.pem", "junk.bin"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no_client_certificate"), "{text}");
    assert!(text.contains("Where: junk.bin"), "{text}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("mtls-inspector: nothing could be read from junk.bin"),
        "{stderr}"
    );
}

#[test]
fn readable_input_without_a_client_certificate_exits_3() {
    let dir = files();
    // A key alone: read, but nothing to decide on.
    let out = cli(
        &["check", "--at", AT, "--trust", "ca.pem", "alice.key"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("no_client_certificate")
    );
    // No trust and no root to assume.
    let out = cli(&["check", "--at", AT, "alice.pem"], &dir);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = files();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef mtls-inspector"),
        ("fish", "complete -c mtls-inspector"),
    ] {
        let out = cli(&["completions", shell], &dir);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("password-file"), "{shell}");
    }
    assert_eq!(
        cli(&["completions", "powershell"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn help_and_version() {
    let dir = files();
    let out = cli(&["--help"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Exit status")
    );
    let out = cli(&["--version"], &dir);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("mtls-inspector ")
    );
}

#[test]
fn explain_names_the_diagnoses_behind_a_log_line() {
    let dir = files();
    let out = cli(
        &[
            "explain",
            "tls: failed to verify certificate: x509: certificate specifies an incompatible key usage",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("client_auth_eku_missing")
            && text.contains("issuer_eku_excludes_client_auth"),
        "{text}"
    );
    assert!(text.contains("Go"), "{text}");
    let out = cli(&["explain", "all good here"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let out = cli(&["explain"], &dir);
    assert_eq!(out.status.code(), Some(2));
}

/// A configuration that does not say whose it is is read as the server `--server-kind` names;
/// without it, the CLI says it read none (exit 2).
#[test]
fn server_kind_reads_a_configuration_its_content_does_not_name() {
    let dir = files();
    // Mosquitto's default listener: no `listener` or `port` line to recognise it by.
    std::fs::write(
        dir.join("broker.conf"),
        "cafile /etc/mosquitto/ca.pem\nrequire_certificate true\nuse_identity_as_username true\n",
    )
    .unwrap();
    let args = [
        "check",
        "--at",
        AT,
        "--format",
        "json",
        "--trust",
        "ca.pem",
        "--server-config",
        "broker.conf",
        "alice.pem",
    ];
    let out = cli(&args, &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a server configuration this tool reads")
    );
    let mut forced = args.to_vec();
    forced.extend(["--server-kind", "mosquitto"]);
    let out = cli(&forced, &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["server"]["kind"], "Mosquitto");
    let identity = &report["server"]["identity"][0];
    assert_eq!(
        (identity["name"].as_str(), identity["value"].as_str()),
        (Some("username"), Some("alice"))
    );
    let out = cli(&["check", "--server-kind", "iis", "alice.pem"], &dir);
    assert_eq!(out.status.code(), Some(2));
}

/// Trusted certificates nothing uses are counted, not listed, unless `--all-certificates`;
/// every index of the shorter report still points at the right certificate.
#[test]
fn unused_trusted_certificates_are_counted_unless_all_are_asked_for() {
    let dir = files();
    let others: String = (0..5)
        .map(|i| common::self_signed(common::ca(&format!("Unrelated CA {i}")), common::key()).pem)
        .collect();
    let root = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    std::fs::write(dir.join("store.pem"), format!("{others}{root}")).unwrap();
    let json = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--at",
            AT,
            "--format",
            "json",
            "--trust",
            "store.pem",
        ];
        args.extend(extra);
        args.push("alice.pem");
        let out = cli(&args, &dir);
        assert_eq!(out.status.code(), Some(0));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let short = json(&[]);
    let all = json(&["--all-certificates"]);
    assert_eq!(all["certificates"].as_array().unwrap().len(), 8);
    assert_eq!(short["certificates"].as_array().unwrap().len(), 3);
    let finding = short["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unlisted_trusted_certificates")
        .expect("the count is a finding");
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .starts_with("5 of the 6 trusted certificates")
    );
    // The chain's indexes point at the same certificates in both.
    let subjects = |report: &serde_json::Value| -> Vec<String> {
        report["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| report["certificates"][i.as_u64().unwrap() as usize]["subject"].to_string())
            .collect()
    };
    assert_eq!(subjects(&short), subjects(&all));
    for (i, certificate) in short["certificates"].as_array().unwrap().iter().enumerate() {
        assert_eq!(certificate["index"], i);
    }
    assert!(
        all["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "unlisted_trusted_certificates")
    );
    assert_eq!(short["unlisted_trusted_certificates"], 5);
    assert!(all.get("unlisted_trusted_certificates").is_none());
}

/// The page's two listings of one inspection: the used certificates alone, then every one
/// with the used first. The first report's indexes mean the same in the second, which differs
/// only by the certificates added after them (and the count of those left out).
#[test]
fn listing_the_unused_trusted_certificates_after_the_others_keeps_every_index() {
    use mtls_inspector::inspect::Listing;
    use mtls_inspector::{Input, Options, Side, inspect};
    let dir = files();
    let others: Vec<String> = (0..4)
        .map(|i| common::self_signed(common::ca(&format!("Unrelated CA {i}")), common::key()).pem)
        .collect();
    let root = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    // The root between unrelated CAs, so that listing the used first moves it.
    let store = format!("{}{}{root}{}{}", others[0], others[1], others[2], others[3]);
    let client = std::fs::read(dir.join("alice.pem")).unwrap();
    let report = |listing: Listing| {
        let inputs = [
            Input {
                side: Side::Client,
                name: "alice.pem",
                bytes: &client,
            },
            Input {
                side: Side::Trust,
                name: "store.pem",
                bytes: store.as_bytes(),
            },
        ];
        let at = mtls_inspector::rfc3339::parse(AT).unwrap();
        inspect(
            &inputs,
            &Options {
                listing,
                ..Options::at(at)
            },
        )
    };
    let (used, first, all) = (
        report(Listing::Used),
        report(Listing::UsedFirst),
        report(Listing::All),
    );
    assert_eq!(used.unlisted_trusted, 4);
    assert_eq!((first.unlisted_trusted, all.unlisted_trusted), (0, 0));
    assert_eq!(used.certificates.len(), 3);
    assert_eq!(first.certificates[..3], used.certificates[..]);
    let fingerprints = |report: &mtls_inspector::Report| {
        let mut all: Vec<String> = report
            .certificates
            .iter()
            .map(|c| c.sha256.clone())
            .collect();
        all.sort();
        all
    };
    assert_eq!(fingerprints(&first), fingerprints(&all));
    assert_ne!(
        first
            .certificates
            .iter()
            .map(|c| &c.sha256)
            .collect::<Vec<_>>(),
        all.certificates
            .iter()
            .map(|c| &c.sha256)
            .collect::<Vec<_>>(),
        "the root moved before the unrelated CAs"
    );
    for (i, certificate) in first.certificates.iter().enumerate() {
        assert_eq!(certificate.index, i);
    }
    assert_eq!(
        (&first.chain, &first.links, &first.crls, first.verdict),
        (&used.chain, &used.links, &used.crls, used.verdict)
    );
    let without_count: Vec<_> = used
        .findings
        .iter()
        .filter(|f| f.code != mtls_inspector::diagnosis::Code::UnlistedTrustedCertificates)
        .collect();
    assert_eq!(first.findings.iter().collect::<Vec<_>>(), without_count);
    assert_eq!(without_count.len() + 1, used.findings.len());
}
