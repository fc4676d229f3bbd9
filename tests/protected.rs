//! Password-protected inputs, made by the real tools: PKCS#12 files written by `openssl pkcs12`
//! (PBES2/AES and the legacy RC2-40/3DES schemes), encrypted PKCS#8 and traditional PEM keys
//! written by `openssl`, and Java keystores (JKS, JCEKS, PKCS12) written by `keytool`.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::run_with;
use mtls_inspector::channel::{File, Inspection, UnlockReply, UnlockRequest, unlock};
use mtls_inspector::diagnosis::Code;
use mtls_inspector::{Report, Side, Verdict};

/// A client chain (leaf + intermediate, leaf key) and its root, as files in a fresh directory.
struct Files {
    dir: PathBuf,
    root: String,
}

fn files(label: &str) -> Files {
    let pki = common::Pki::new(label);
    let leaf = pki.client(common::client("alice"));
    let dir = common::temp_dir(label);
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", leaf.pem, pki.intermediate.pem),
    )
    .unwrap();
    std::fs::write(dir.join("key.pem"), leaf.key_pem()).unwrap();
    std::fs::write(dir.join("root.pem"), &pki.root.pem).unwrap();
    Files {
        dir,
        root: pki.root.pem,
    }
}

impl Files {
    fn openssl(&self, args: &[&str]) {
        common::openssl(args, &self.dir);
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap()
    }

    /// Inspects `name` as the client's input against the root; the page's way (its engine
    /// has the protected parts opened by the unlock worker) must give the same report.
    fn inspect(&self, name: &str, passwords: &[&str]) -> Report {
        let bytes = self.read(name);
        let report = run_with(
            &[(name, &bytes)],
            &[("root.pem", self.root.as_bytes())],
            passwords,
        );
        let inspection = Inspection {
            id: 7,
            time: common::NOW,
            passwords: passwords.iter().map(|p| (*p).to_owned()).collect(),
            s_client: String::new(),
            inputs: vec![
                File {
                    side: Side::Client,
                    name: name.to_owned(),
                    bytes: bytes.clone(),
                },
                File {
                    side: Side::Trust,
                    name: "root.pem".to_owned(),
                    bytes: self.root.clone().into_bytes(),
                },
            ],
            server_configs: Vec::new(),
            user: String::new(),
            listing: mtls_inspector::inspect::Listing::All,
        };
        assert_eq!(
            in_the_page(&inspection),
            report,
            "{name} read in the page (engine and unlock worker) differs from the CLI"
        );
        report
    }

    /// `openssl pkcs12 -export` of the chain and key into `name`, with extra arguments.
    fn pkcs12(&self, name: &str, password: &str, extra: &[&str]) {
        let pass = format!("pass:{password}");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "chain.pem",
            "-inkey",
            "key.pem",
            "-out",
            name,
            "-passout",
            &pass,
        ];
        args.extend(extra);
        self.openssl(&args);
    }

    fn keytool(&self, args: &[&str]) {
        let output = Command::new("keytool")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("keytool (a JDK) must be installed: make test installs default-jdk-headless");
        assert!(
            output.status.success(),
            "keytool {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// What the page's engine reports: a first inspection finds the protected parts, the unlock
/// worker opens them (the messages through JSON, as they travel between the workers), and a
/// second inspection takes its answers.
fn in_the_page(inspection: &Inspection) -> Report {
    fn travel<T: serde::Serialize + serde::de::DeserializeOwned>(message: &T) -> T {
        serde_json::from_value(serde_json::to_value(message).unwrap()).unwrap()
    }
    let (first, needed) = inspection.report_unlocked(&[], &[]);
    if needed.is_empty() {
        return first;
    }
    let request = UnlockRequest {
        id: inspection.id,
        passwords: inspection.passwords.clone(),
        parts: needed.clone(),
    };
    let UnlockReply::Unlocked { id, answers } = travel(&unlock(travel(&request))) else {
        panic!("the unlock worker answers")
    };
    assert_eq!((id, answers.len()), (inspection.id, needed.len()));
    let (report, still_needed) = inspection.report_unlocked(&needed, &answers);
    assert!(still_needed.is_empty(), "every part is answered");
    report
}

fn codes(report: &Report) -> Vec<Code> {
    report.findings.iter().map(|f| f.code).collect()
}

/// The chain and key came out of the container: accepted, the key matched, two certificates
/// located inside the file.
fn assert_opened(report: &Report, name: &str) {
    assert_eq!(
        report.verdict,
        Verdict::Accepted,
        "{name}: {:#?}",
        report.findings
    );
    assert!(
        codes(report).contains(&Code::PrivateKeyMatches),
        "{name}: {:?}",
        codes(report)
    );
    let inside: Vec<_> = report
        .certificates
        .iter()
        .filter(|c| c.source.source == name && c.source.entry.is_some())
        .collect();
    assert_eq!(inside.len(), 2, "{name}: {:#?}", report.certificates);
}

#[test]
fn pkcs12_with_pbes2_aes_opens_with_its_password() {
    let f = files("p12-aes");
    f.pkcs12("modern.p12", "s3cret pass", &[]);
    assert_opened(&f.inspect("modern.p12", &["s3cret pass"]), "modern.p12");
    // The wrong password first, then the right one: the right one is found.
    assert_opened(
        &f.inspect("modern.p12", &["nope", "s3cret pass"]),
        "modern.p12",
    );
}

#[test]
fn pkcs12_with_legacy_rc2_and_3des_opens() {
    let f = files("p12-legacy");
    // OpenSSL 1.x's defaults: certificates under RC2-40, the key under 3DES, SHA-1 MAC.
    f.pkcs12("legacy.p12", "legacy", &["-legacy"]);
    assert_opened(&f.inspect("legacy.p12", &["legacy"]), "legacy.p12");
    f.pkcs12(
        "3des.p12",
        "legacy",
        &[
            "-certpbe",
            "PBE-SHA1-3DES",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
    assert_opened(&f.inspect("3des.p12", &["legacy"]), "3des.p12");
    f.pkcs12(
        "aes128-sha512.p12",
        "x",
        &[
            "-certpbe",
            "AES-128-CBC",
            "-keypbe",
            "AES-128-CBC",
            "-macalg",
            "sha512",
        ],
    );
    assert_opened(&f.inspect("aes128-sha512.p12", &["x"]), "aes128-sha512.p12");
}

#[test]
fn pkcs12_without_password_asks_for_it_and_keeps_the_rest() {
    let f = files("p12-ask");
    f.pkcs12("ask.p12", "secret", &[]);
    let bytes = f.read("ask.p12");
    let chain = f.read("chain.pem");
    // Without a password: asked for, and the other input is still inspected.
    let report = run_with(
        &[("ask.p12", &bytes), ("chain.pem", &chain)],
        &[("root.pem", f.root.as_bytes())],
        &[],
    );
    assert!(
        codes(&report).contains(&Code::Pkcs12NeedsPassword),
        "{:?}",
        codes(&report)
    );
    assert_eq!(report.verdict, Verdict::Accepted, "{:#?}", report.findings);
    // A wrong password says so, names the file, and loses nothing else.
    let report = run_with(
        &[("ask.p12", &bytes), ("chain.pem", &chain)],
        &[("root.pem", f.root.as_bytes())],
        &["Secret"],
    );
    let wrong = report
        .findings
        .iter()
        .find(|f| f.code == Code::WrongPassword)
        .expect("wrong_password");
    assert_eq!(wrong.location.as_ref().unwrap().source, "ask.p12");
    assert!(!codes(&report).contains(&Code::Pkcs12NeedsPassword));
    assert_eq!(report.verdict, Verdict::Accepted);
    // No password ever appears in the report.
    assert!(!report.to_json().contains("Secret"));
    assert!(!report.to_text().contains("Secret"));
}

#[test]
fn pkcs12_with_empty_password_or_clear_certificates_needs_none() {
    let f = files("p12-empty");
    f.pkcs12("empty.p12", "", &[]);
    assert_opened(&f.inspect("empty.p12", &[]), "empty.p12");
    // Certificates in the clear (as truststores often are), the key encrypted.
    f.pkcs12("clear.p12", "secret", &["-certpbe", "NONE"]);
    let report = f.inspect("clear.p12", &[]);
    assert_eq!(report.verdict, Verdict::Accepted, "{:#?}", report.findings);
    assert!(codes(&report).contains(&Code::Pkcs12NeedsPassword));
    assert_opened(&f.inspect("clear.p12", &["secret"]), "clear.p12");
}

#[test]
fn pkcs12_with_a_damaged_mac_is_flagged() {
    let f = files("p12-mac");
    f.pkcs12("mac.p12", "secret", &["-macalg", "sha256"]);
    let mut bytes = f.read("mac.p12");
    // The MAC digest is the last OCTET STRING before the salt and iteration count; flip a bit of
    // the digest by finding the 32-byte OCTET STRING header near the end.
    let at = bytes
        .windows(2)
        .rposition(|w| w == [0x04, 0x20])
        .expect("a SHA-256 MAC digest");
    bytes[at + 2] ^= 1;
    let report = run_with(
        &[("mac.p12", &bytes)],
        &[("root.pem", f.root.as_bytes())],
        &["secret"],
    );
    assert!(
        codes(&report).contains(&Code::IntegrityCheckFailed),
        "{:?}",
        codes(&report)
    );
    // openssl refuses it too.
    std::fs::write(f.dir.join("bad.p12"), &bytes).unwrap();
    let output = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            "bad.p12",
            "-noout",
            "-passin",
            "pass:secret",
        ])
        .current_dir(&f.dir)
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[test]
fn encrypted_private_keys_are_decrypted() {
    let f = files("keys");
    let chain = f.read("chain.pem");
    let cases: &[(&str, &[&str])] = &[
        (
            "pkcs8-aes.pem",
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-v2prf",
                "hmacWithSHA512",
            ],
        ),
        (
            "pkcs8-3des.pem",
            &["pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"],
        ),
        (
            "pkcs8-aes.der",
            &["pkcs8", "-topk8", "-v2", "aes-128-cbc", "-outform", "DER"],
        ),
        ("traditional.pem", &["ec", "-aes128"]),
        ("traditional-3des.pem", &["ec", "-des3"]),
    ];
    for (name, args) in cases {
        let mut args: Vec<&str> = args.to_vec();
        args.extend(["-in", "key.pem", "-out", name, "-passout", "pass:key pw"]);
        f.openssl(&args);
        let key = f.read(name);
        let report = run_with(
            &[("chain.pem", &chain), (name, &key)],
            &[("root.pem", f.root.as_bytes())],
            &["key pw"],
        );
        assert!(
            codes(&report).contains(&Code::PrivateKeyMatches),
            "{name}: {:?}",
            codes(&report)
        );
        let report = run_with(
            &[("chain.pem", &chain), (name, &key)],
            &[("root.pem", f.root.as_bytes())],
            &[],
        );
        assert!(
            codes(&report).contains(&Code::EncryptedPrivateKey),
            "{name}: {:?}",
            codes(&report)
        );
        let report = run_with(
            &[("chain.pem", &chain), (name, &key)],
            &[("root.pem", f.root.as_bytes())],
            &["other"],
        );
        assert!(
            codes(&report).contains(&Code::WrongPassword),
            "{name}: {:?}",
            codes(&report)
        );
    }
}

fn has_keytool() -> bool {
    Command::new("keytool").arg("-help").output().is_ok()
}

#[test]
fn java_keystores_open_certificates_without_and_keys_with_password() {
    assert!(
        has_keytool(),
        "keytool (a JDK) is needed: make test installs it"
    );
    let f = files("jks");
    f.pkcs12("source.p12", "srcpw", &[]);
    for store_type in ["JKS", "JCEKS", "PKCS12"] {
        let name = format!("client.{}", store_type.to_lowercase());
        f.keytool(&[
            "-importkeystore",
            "-noprompt",
            "-srckeystore",
            "source.p12",
            "-srcstoretype",
            "PKCS12",
            "-srcstorepass",
            "srcpw",
            "-destkeystore",
            &name,
            "-deststoretype",
            store_type,
            "-deststorepass",
            "storepw",
            "-destkeypass",
            "storepw",
        ]);
        assert_opened(&f.inspect(&name, &["storepw"]), &name);
        let report = f.inspect(&name, &[]);
        if store_type == "PKCS12" {
            // Java encrypts a PKCS12 keystore's certificates too.
            assert!(
                codes(&report).contains(&Code::Pkcs12NeedsPassword),
                "{:?}",
                codes(&report)
            );
        } else {
            // The chain is readable without the password; the key is not.
            assert_eq!(
                report.verdict,
                Verdict::Accepted,
                "{name}: {:#?}",
                report.findings
            );
            assert!(
                codes(&report).contains(&Code::EncryptedPrivateKey),
                "{name}"
            );
        }
        // Trust stores: a trusted-certificate entry, read without a password.
        let trust = format!("trust.{}", store_type.to_lowercase());
        f.keytool(&[
            "-importcert",
            "-noprompt",
            "-alias",
            "root",
            "-file",
            "root.pem",
            "-keystore",
            &trust,
            "-storetype",
            store_type,
            "-storepass",
            "changeit",
        ]);
        let passwords: &[&str] = if store_type == "PKCS12" {
            &["changeit"]
        } else {
            &[]
        };
        let report = run_with(
            &[("chain.pem", &f.read("chain.pem"))],
            &[(&trust, &f.read(&trust))],
            passwords,
        );
        assert_eq!(
            report.verdict,
            Verdict::Accepted,
            "{trust}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn a_keystore_with_different_key_and_store_passwords_takes_both() {
    let f = files("jks-two");
    f.pkcs12("source.p12", "srcpw", &[]);
    f.keytool(&[
        "-importkeystore",
        "-noprompt",
        "-srckeystore",
        "source.p12",
        "-srcstoretype",
        "PKCS12",
        "-srcstorepass",
        "srcpw",
        "-destkeystore",
        "two.jks",
        "-deststoretype",
        "JKS",
        "-deststorepass",
        "storepw",
        "-destkeypass",
        "keypass1",
    ]);
    assert_opened(&f.inspect("two.jks", &["storepw", "keypass1"]), "two.jks");
    let report = f.inspect("two.jks", &["storepw"]);
    assert!(
        codes(&report).contains(&Code::WrongPassword),
        "{:?}",
        codes(&report)
    );
}

#[test]
fn password_file_on_the_command_line() {
    let f = files("cli");
    f.pkcs12("cli.p12", "from file", &[]);
    std::fs::write(f.dir.join("pw.txt"), "first wrong\r\nfrom file\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--trust",
            "root.pem",
            "--at",
            "2026-06-01T12:00:00Z",
        ];
        args.extend(extra);
        args.push("cli.p12");
        Command::new(env!("CARGO_BIN_EXE_mtls-inspector"))
            .args(&args)
            .current_dir(&f.dir)
            .output()
            .unwrap()
    };
    let output = run(&["--password-file", "pw.txt"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("private_key_matches"), "{stdout}");
    assert!(
        !stdout.contains("from file"),
        "the password leaked: {stdout}"
    );
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stdout).contains("pkcs12_needs_password"));
}
