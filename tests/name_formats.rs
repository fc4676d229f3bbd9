//! Differential test: names printed as OpenSSL prints them (src/read/openssl_names.rs) against
//! `openssl x509 -noout -subject -nameopt …` itself, on every subject of the malformed corpus and
//! of the scenarios, and on names written to test the escapes (specials, leading `#` and
//! spaces, controls, backslashes, UTF-8, BMP, Teletex, UniversalString, unknown attribute
//! types, non-string values, multi-valued RDNs).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::der;
use common::malformed::{Pki, corpus};
use mtls_inspector::certificate::Certificate;
use mtls_inspector::read::openssl_names::{NameFormat, openssl_name};

/// A name with these attributes, one RDN each (`+` joins them: a multi-valued RDN).
fn name(rdns: &[&[(&str, u8, &[u8])]]) -> Vec<u8> {
    let sets: Vec<Vec<u8>> = rdns
        .iter()
        .map(|rdn| {
            let attributes: Vec<Vec<u8>> = rdn
                .iter()
                .map(|(oid, tag, value)| der::seq(&[&der::oid(oid), &der::tlv(*tag, value)]))
                .collect();
            der::tlv(0x31, &attributes.concat())
        })
        .collect();
    der::tlv(0x30, &sets.concat())
}

fn crafted() -> Vec<Vec<u8>> {
    let cn = der::CN;
    let o = der::O;
    let utf8 = der::UTF8;
    let mut out = vec![
        name(&[&[(cn, utf8, b"a,b+c\"d<e>f;g")]]),
        name(&[&[(cn, utf8, b"#hash first")], &[(o, utf8, b" spaces ")]]),
        name(&[&[(cn, utf8, b"back\\slash")]]),
        name(&[&[(cn, utf8, b"tab\there\x01\x7f")]]),
        name(&[&[(cn, utf8, "Zürich 東京 🙂".as_bytes())]]),
        name(&[&[(cn, der::BMP, &der::bmp("Zürich 東京"))]]),
        name(&[&[(cn, 0x14, b"Z\xfcrich")]]),
        name(&[&[(cn, 0x1c, &[0, 0, 0, b'A', 0, 0, 0, 0xe9, 0, 1, 0xf6, 0x42])]]),
        name(&[
            &[(cn, der::IA5, b"ia5")],
            &[(o, der::PRINTABLE, b"Printable")],
        ]),
        name(&[&[("1.2.3.4.5", utf8, b"unknown type")]]),
        name(&[&[("2.5.4.14", utf8, b"searchGuide")]]),
        name(&[&[(cn, 0x02, &[0x01, 0x00])]]),
        name(&[&[(cn, utf8, b"")]]),
        name(&[&[
            (cn, utf8, b"one"),
            ("0.9.2342.19200300.100.1.1", utf8, b"two"),
            (o, utf8, b"three"),
        ]]),
        name(&[
            &[("0.9.2342.19200300.100.1.25", der::IA5, b"com")],
            &[("0.9.2342.19200300.100.1.25", der::IA5, b"example")],
            &[("1.2.840.113549.1.9.1", der::IA5, b"a@example.com")],
        ]),
        name(&[&[
            ("2.5.4.5", der::PRINTABLE, b"1234"),
            ("2.5.4.97", utf8, b"VATFR-123"),
            ("1.3.6.1.4.1.311.60.2.1.3", der::PRINTABLE, b"FR"),
        ]]),
        name(&[
            &[("2.5.4.4", utf8, b"Surname")],
            &[("2.5.4.42", utf8, b"Given")],
            &[("2.5.4.12", utf8, b"Title")],
            &[("2.5.4.17", utf8, b"75001")],
            &[("2.5.4.9", utf8, b"1 Rue")],
            &[("2.5.4.7", utf8, b"Paris")],
            &[("2.5.4.8", utf8, b"IDF")],
            &[("2.5.4.11", utf8, b"Unit")],
        ]),
    ];
    out.push(name(&[&[(cn, utf8, b"trailing\\ ")]]));
    out.push(name(&[&[(cn, utf8, b"only\"quote")]]));
    out.push(name(&[&[(cn, utf8, b"only<angle")]]));
    out.push(name(&[&[("2.5.4.20", der::PRINTABLE, b"+33 1")]]));
    out.push(name(&[&[("2.5.4.54", utf8, b"dmd")]]));
    out
}

/// What `openssl x509 -noout -subject -nameopt <option>` prints for this subject.
fn openssl_prints(pki: &Pki, subject: &[u8], option: &str) -> Option<String> {
    let leaf = common::malformed::Cert {
        subject: subject.to_vec(),
        ..pki.leaf.clone()
    };
    let dir = common::temp_dir("name-formats");
    std::fs::write(dir.join("cert.der"), leaf.signed_by(&pki.intermediate_key)).unwrap();
    let output = std::process::Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in", "cert.der", "-noout"])
        .args(["-subject", "-nameopt", option])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    Some(
        text.strip_suffix('\n')
            .unwrap_or(&text)
            .trim_start_matches("subject=")
            .to_owned(),
    )
}

#[test]
fn names_print_exactly_as_openssl_prints_them() {
    let pki = Pki::new();
    let mut subjects: Vec<Vec<u8>> = crafted();
    for case in corpus() {
        if let Ok(cert) = Certificate::parse(&case.leaf) {
            subjects.push(cert.subject_raw.clone());
            subjects.push(cert.issuer_raw.clone());
        }
    }
    for scenario in common::all() {
        let der = common::pem_der(scenario.leaf.as_bytes());
        if let Ok(cert) = Certificate::parse(&der) {
            subjects.push(cert.subject_raw.clone());
        }
    }
    subjects.sort();
    subjects.dedup();
    let mut compared = 0;
    let mut differences = Vec::new();
    for subject in &subjects {
        for (format, option) in [
            (NameFormat::Rfc2253, "RFC2253"),
            (NameFormat::Rfc2253Utf8, "RFC2253,-esc_msb"),
            (NameFormat::Oneline, "oneline"),
        ] {
            let Some(theirs) = openssl_prints(&pki, subject, option) else {
                continue;
            };
            let ours = openssl_name(subject, format);
            compared += 1;
            if ours.as_deref() != Some(theirs.as_str()) {
                differences.push(format!(
                    "{option}: openssl {theirs:?} / ours {ours:?} ({})",
                    common::hex(subject)
                ));
            }
        }
    }
    println!(
        "name formats: {compared} comparisons, {} differ",
        differences.len()
    );
    for line in &differences {
        println!("  {line}");
    }
    assert!(compared > 100, "only {compared} comparisons");
    assert!(differences.is_empty(), "{} differences", differences.len());
}
