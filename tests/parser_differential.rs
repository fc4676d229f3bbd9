//! The engine's own certificate reader against Python's `cryptography` (tests/tools/
//! x509_reference.py): names, serial, version, dates, the extension list with criticality,
//! basic constraints, key usage, EKU, key identifiers and DNS names, on every certificate of
//! the scenario suite, the system trust store and the x509-limbo subset. Where both read a
//! certificate, every field must agree; where only one does, the case is listed.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use mtls_inspector::certificate::Certificate;
use mtls_inspector::decode::{Content, decode};
use serde_json::Value;

fn certificates(name: &str, text: &[u8]) -> Vec<Vec<u8>> {
    decode(name, text)
        .items
        .into_iter()
        .filter_map(|item| match item.content {
            Content::Certificate(der) => Some(der),
            _ => None,
        })
        .collect()
}

fn reference(ders: &[Vec<u8>]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/x509_reference.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with cryptography is needed (make test installs python3-cryptography)");
    let mut input = String::new();
    for der in ders {
        input.extend(der.iter().map(|b| format!("{b:02x}")));
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "x509_reference.py failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

const EKU_NAMES: &[(&str, &str)] = &[
    ("anyExtendedKeyUsage", "2.5.29.37.0"),
    ("serverAuth", "1.3.6.1.5.5.7.3.1"),
    ("clientAuth", "1.3.6.1.5.5.7.3.2"),
    ("codeSigning", "1.3.6.1.5.5.7.3.3"),
    ("emailProtection", "1.3.6.1.5.5.7.3.4"),
    ("timeStamping", "1.3.6.1.5.5.7.3.8"),
    ("OCSPSigning", "1.3.6.1.5.5.7.3.9"),
];

/// The fields that differ between our reading and the reference's.
fn differences(ours: &Certificate, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |field: &str, a: Value, b: &Value| {
        if b.is_null() && field != "path_len" && field != "aki" {
            return;
        }
        if a != *b {
            out.push(format!("{field}: ours {a} reference {b}"));
        }
    };
    check("subject", Value::from(ours.subject()), &theirs["subject"]);
    check("issuer", Value::from(ours.issuer()), &theirs["issuer"]);
    let serial = mtls_inspector::certificate::colon_hex(&ours.serial_raw)
        .replace(':', "")
        .trim_start_matches('0')
        .to_lowercase();
    let serial = if serial.is_empty() {
        "0".to_owned()
    } else {
        serial
    };
    check("serial", Value::from(serial), &theirs["serial"]);
    check("version", Value::from(ours.version), &theirs["version"]);
    check(
        "not_before",
        Value::from(ours.not_before),
        &theirs["not_before"],
    );
    check(
        "not_after",
        Value::from(ours.not_after),
        &theirs["not_after"],
    );
    let extensions: Vec<Value> = ours
        .extensions
        .iter()
        .map(|e| Value::from(vec![Value::from(e.oid.clone()), Value::from(e.critical)]))
        .collect();
    check("extensions", Value::from(extensions), &theirs["extensions"]);
    if theirs.get("ca").is_some() {
        let bc = ours.basic_constraints;
        check("ca", Value::from(bc.is_some_and(|b| b.ca)), &theirs["ca"]);
        check(
            "path_len",
            bc.and_then(|b| b.path_len).map_or(Value::Null, Value::from),
            &theirs["path_len"],
        );
    }
    if theirs.get("key_usage").is_some() {
        let ku = ours.key_usage.unwrap_or_default();
        let bits = [
            ku.digital_signature,
            ku.non_repudiation,
            ku.key_encipherment,
            ku.data_encipherment,
            ku.key_agreement,
            ku.key_cert_sign,
            ku.crl_sign,
        ];
        check(
            "key_usage",
            Value::from(bits.to_vec()),
            &theirs["key_usage"],
        );
    }
    if theirs.get("eku").is_some() {
        let mut oids: Vec<String> = ours
            .extended_key_usage
            .as_ref()
            .map(|e| {
                e.purposes
                    .iter()
                    .map(|p| {
                        EKU_NAMES
                            .iter()
                            .find(|(n, _)| n == p)
                            .map_or_else(|| p.clone(), |(_, o)| (*o).to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        oids.sort();
        check("eku", Value::from(oids), &theirs["eku"]);
    }
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    if theirs.get("ski").is_some() {
        check(
            "ski",
            ours.subject_key_id
                .as_deref()
                .map(hex)
                .map_or(Value::Null, Value::from),
            &theirs["ski"],
        );
    }
    if theirs.get("aki").is_some() {
        check(
            "aki",
            ours.authority_key_id
                .as_deref()
                .map(hex)
                .map_or(Value::Null, Value::from),
            &theirs["aki"],
        );
    }
    if theirs.get("dns").is_some() {
        let dns: Vec<String> = ours
            .subject_alt_names
            .iter()
            .filter_map(|n| n.strip_prefix("DNS:").map(str::to_owned))
            .collect();
        check("dns", Value::from(dns), &theirs["dns"]);
    }
    out
}

/// Compares every certificate; returns (agreeing, only we read, only the reference reads).
fn compare(label: &str, ders: &[Vec<u8>]) -> (usize, Vec<String>, Vec<String>) {
    let references = reference(ders);
    assert_eq!(references.len(), ders.len());
    let (mut agree, mut only_ours, mut only_theirs) = (0, Vec::new(), Vec::new());
    for (i, (der, theirs)) in ders.iter().zip(&references).enumerate() {
        match (Certificate::parse(der), theirs.get("error")) {
            (Ok(ours), None) => {
                let diff = differences(&ours, theirs);
                assert!(
                    diff.is_empty(),
                    "{label} #{i} ({}): {diff:#?}",
                    ours.subject()
                );
                agree += 1;
            }
            (Ok(ours), Some(error)) => {
                only_ours.push(format!("{label} #{i} {}: {error}", ours.subject()))
            }
            (Err(error), None) => only_theirs.push(format!("{label} #{i}: {}", error.0)),
            (Err(_), Some(_)) => agree += 1,
        }
    }
    (agree, only_ours, only_theirs)
}

#[test]
fn scenario_and_system_certificates_read_as_the_reference_reads_them() {
    let mut ders = Vec::new();
    for scenario in common::all() {
        for (_, name, bytes) in scenario.inputs() {
            ders.extend(certificates(&name, &bytes));
        }
    }
    ders.sort();
    ders.dedup();
    let system = Path::new("/etc/ssl/certs/ca-certificates.crt");
    if let Ok(bytes) = std::fs::read(system) {
        ders.extend(certificates("system", &bytes));
    } else {
        eprintln!(
            "{} is missing: only the scenario certificates are compared",
            system.display()
        );
    }
    let (agree, only_ours, only_theirs) = compare("suite", &ders);
    println!(
        "parser differential: {agree}/{} certificates agree",
        ders.len()
    );
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "{only_ours:#?} {only_theirs:#?}"
    );
    assert!(agree > 150);
}

#[test]
fn limbo_certificates_read_as_the_reference_reads_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/limbo/limbo-client-subset.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        common::stacks::missing(&format!("{} (the shared conformance data)", path.display()));
        return;
    };
    let cases: Value = serde_json::from_str(&text).unwrap();
    let mut ders = Vec::new();
    for case in cases["testcases"].as_array().unwrap() {
        let mut pems: Vec<&str> = Vec::new();
        for key in ["trusted_certs", "untrusted_intermediates"] {
            pems.extend(
                case[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str),
            );
        }
        pems.extend(case["peer_certificate"].as_str());
        for pem in pems {
            ders.extend(certificates("limbo", pem.as_bytes()));
        }
    }
    ders.sort();
    ders.dedup();
    let (agree, only_ours, only_theirs) = compare("limbo", &ders);
    println!(
        "parser differential (limbo): {agree}/{} agree; {} read only by us, {} only by the reference",
        ders.len(),
        only_ours.len(),
        only_theirs.len()
    );
    for line in only_ours.iter().chain(&only_theirs).take(40) {
        println!("  {line}");
    }
    // Deliberately malformed certificates may be refused by one reader and not the other; a
    // certificate the reference reads and we refuse would hide findings, so those must be rare.
    assert!(only_theirs.len() * 100 <= ders.len(), "{only_theirs:#?}");
}
