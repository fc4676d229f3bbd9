//! Hostile and broken input: never a panic, always a located finding, and the other inputs are
//! still inspected.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::Verdict;
use mtls_inspector::decode::{Content, Problem, decode};
use mtls_inspector::diagnosis::Code;

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u8
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next()).collect()
    }
}

use common::run;

fn good() -> (common::Node, common::Node, common::Node) {
    let pki = common::Pki::new("Bad Input");
    let leaf = pki.client(common::client("bad-input"));
    (pki.root, pki.intermediate, leaf)
}

#[test]
fn random_bytes_of_many_sizes_never_panic() {
    let mut rng = Lcg(42);
    for size in [0, 1, 2, 3, 7, 64, 255, 256, 1000, 4096, 65_537] {
        for _ in 0..20 {
            let bytes = rng.bytes(size);
            let report = run(&[("random.bin", &bytes)], &[]);
            assert_eq!(report.verdict, Verdict::Incomplete);
            // Random bytes starting with a SEQUENCE tag and a plausible length are the worst case.
            let mut der = vec![0x30, 0x82, (size >> 8) as u8, size as u8];
            der.extend_from_slice(&bytes);
            run(&[("random.der", &der)], &[("random-trust.der", &der)]);
        }
    }
}

#[test]
fn a_certificate_truncated_at_every_length_gives_a_located_finding() {
    let (root, intermediate, leaf) = good();
    for length in 0..leaf.der.len() {
        let truncated = &leaf.der[..length];
        let report = run(
            &[
                ("leaf.der", truncated),
                ("intermediate.pem", intermediate.pem.as_bytes()),
            ],
            &[("root.pem", root.pem.as_bytes())],
        );
        let located = report.findings.iter().any(|f| {
            matches!(f.code, Code::MalformedCertificate | Code::UnreadableInput)
                && f.location.as_ref().is_some_and(|l| l.source == "leaf.der")
        });
        assert!(located, "length {length}: no located finding");
        // The intermediate is still inspected.
        assert!(
            report
                .certificates
                .iter()
                .any(|c| c.subject.contains("Bad Input Issuing CA")),
            "length {length}"
        );
    }
}

#[test]
fn a_pem_truncated_at_every_line_never_panics_and_keeps_the_other_inputs() {
    let (root, intermediate, leaf) = good();
    let lines: Vec<&str> = leaf.pem.lines().collect();
    for cut in 0..lines.len() {
        let text = lines[..cut].join("\n");
        let report = run(
            &[
                ("leaf.pem", text.as_bytes()),
                ("intermediate.pem", intermediate.pem.as_bytes()),
            ],
            &[("root.pem", root.pem.as_bytes())],
        );
        assert!(
            report
                .certificates
                .iter()
                .any(|c| c.subject.contains("Bad Input Root CA")),
            "cut {cut}"
        );
    }
}

#[test]
fn wrong_pem_labels_are_named_with_block_and_line() {
    let (root, _, leaf) = good();
    let relabelled = leaf.pem.replace("CERTIFICATE", "CERTIFICATE SOMETHING");
    let text = format!("comment line\n{relabelled}{}", root.pem);
    let decoded = decode("mixed.pem", text.as_bytes());
    assert_eq!(decoded.problems.len(), 1);
    let problem = &decoded.problems[0];
    assert_eq!(
        problem.problem,
        Problem::UnknownPemLabel {
            label: "CERTIFICATE SOMETHING".into()
        }
    );
    assert_eq!(problem.location.block, Some(1));
    assert_eq!(problem.location.line, Some(2));
    assert_eq!(decoded.items.len(), 1);
    assert_eq!(decoded.items[0].location.block, Some(2));
}

#[test]
fn a_fifty_megabyte_file_is_handled_and_the_rest_inspected() {
    let (root, intermediate, leaf) = good();
    let mut rng = Lcg(7);
    let big = rng.bytes(50 * 1024 * 1024);
    let report = run(
        &[
            ("big.bin", &big),
            ("leaf.pem", leaf.pem.as_bytes()),
            ("intermediate.pem", intermediate.pem.as_bytes()),
        ],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    let finding = report
        .findings
        .iter()
        .find(|f| f.location.as_ref().is_some_and(|l| l.source == "big.bin"))
        .unwrap();
    assert_eq!(finding.code, Code::UnreadableInput);
}

#[test]
fn non_utf8_text_around_pem_blocks_is_tolerated() {
    let (root, intermediate, leaf) = good();
    let mut bytes = vec![0xff, 0xfe, b'x', b'\n'];
    bytes.extend_from_slice(leaf.pem.replace('\n', "\r\n").as_bytes());
    bytes.extend_from_slice(&[0xc3, 0x28, b'\n', 0x00, b'\n']);
    bytes.extend_from_slice(intermediate.pem.as_bytes());
    let report = run(
        &[("latin1.pem", &bytes)],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
}

#[test]
fn bom_indentation_and_bare_base64_are_read() {
    let (root, intermediate, leaf) = good();
    let indented: String = leaf.pem.lines().map(|l| format!("    {l}  \n")).collect();
    let bom = format!("\u{feff}{indented}");
    let body: String = intermediate
        .pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let report = run(
        &[("bom.pem", bom.as_bytes()), ("bare.b64", body.as_bytes())],
        &[("root.der", &root.der)],
    );
    assert_eq!(report.verdict, Verdict::Accepted, "{:#?}", report.findings);
}

#[test]
fn pkcs7_bags_in_der_and_pem_are_read() {
    let (root, intermediate, leaf) = good();
    let dir = common::temp_dir("p7b");
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", leaf.pem, intermediate.pem),
    )
    .unwrap();
    for (format, name) in [("DER", "chain.p7b"), ("PEM", "chain.p7b.pem")] {
        let status = std::process::Command::new("openssl")
            .args([
                "crl2pkcs7",
                "-nocrl",
                "-certfile",
                "chain.pem",
                "-outform",
                format,
                "-out",
                name,
            ])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let decoded = decode(name, &bytes);
        assert_eq!(
            decoded
                .items
                .iter()
                .filter(|i| matches!(i.content, Content::Certificate(_)))
                .count(),
            2,
            "{name}"
        );
        let report = run(&[(name, &bytes)], &[("root.pem", root.pem.as_bytes())]);
        assert_eq!(report.verdict, Verdict::Accepted, "{name}");
        assert_eq!(report.certificates[0].source.entry, Some(1));
    }
}

#[test]
fn keys_of_every_unencrypted_form_are_matched_and_encrypted_ones_reported() {
    let (root, intermediate, leaf) = good();
    let dir = common::temp_dir("keys");
    std::fs::write(dir.join("pkcs8.pem"), leaf.key_pem()).unwrap();
    let convert = |args: &[&str]| {
        common::openssl(args, &dir);
    };
    std::fs::write(dir.join("leaf.pem"), &leaf.pem).unwrap();
    convert(&["ec", "-in", "pkcs8.pem", "-out", "sec1.pem"]);
    convert(&[
        "pkcs8",
        "-topk8",
        "-in",
        "pkcs8.pem",
        "-out",
        "encrypted.pem",
        "-passout",
        "pass:secret",
    ]);
    convert(&[
        "pkcs12",
        "-export",
        "-in",
        "leaf.pem",
        "-inkey",
        "pkcs8.pem",
        "-out",
        "bundle.p12",
        "-passout",
        "pass:secret",
    ]);
    for name in ["pkcs8.pem", "sec1.pem"] {
        let key = std::fs::read(dir.join(name)).unwrap();
        let report = run(
            &[
                ("leaf.pem", leaf.pem.as_bytes()),
                ("intermediate.pem", intermediate.pem.as_bytes()),
                (name, &key),
            ],
            &[("root.pem", root.pem.as_bytes())],
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code == Code::PrivateKeyMatches),
            "{name}"
        );
        assert_eq!(
            report.private_keys[0].matches_client_certificate,
            Some(true)
        );
        // Never the key's content in any output.
        let json = report.to_json();
        let body: String = String::from_utf8_lossy(&key)
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert!(
            !json.contains(&body[..40]),
            "{name}: key material in the report"
        );
    }
    let encrypted = std::fs::read(dir.join("encrypted.pem")).unwrap();
    let report = run(
        &[
            ("leaf.pem", leaf.pem.as_bytes()),
            ("encrypted.pem", &encrypted),
        ],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::EncryptedPrivateKey)
    );
    let p12 = std::fs::read(dir.join("bundle.p12")).unwrap();
    let report = run(
        &[("bundle.p12", &p12)],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::Pkcs12NeedsPassword)
    );
    assert_eq!(report.verdict, Verdict::Incomplete);
}

#[test]
fn many_same_name_cas_and_cross_signed_cycles_stay_bounded() {
    // 200 CAs sharing one name, each with its own key: every one is a candidate issuer.
    let root = common::self_signed(common::ca("Crowded Root"), common::key());
    let mut bundle = String::new();
    let mut same_name = Vec::new();
    for _ in 0..200 {
        same_name.push(common::issue(
            common::ca("Same Name CA"),
            common::key(),
            &root,
        ));
    }
    let leaf = common::issue(
        common::client("crowded"),
        common::key(),
        same_name.last().unwrap(),
    );
    bundle.push_str(&leaf.pem);
    for ca in &same_name {
        bundle.push_str(&ca.pem);
    }
    let report = run(
        &[("crowded.pem", bundle.as_bytes())],
        &[("root.pem", root.pem.as_bytes())],
    );
    // rustls-webpki itself gives up after 100 signature checks; OpenSSL picks the issuer by key id.
    let verdict = |name: mtls_inspector::Profile| {
        report
            .profiles
            .iter()
            .find(|p| p.name == name)
            .map(|p| (p.verdict, p.findings.clone()))
    };
    assert_eq!(
        verdict(mtls_inspector::Profile::Webpki),
        Some((Verdict::Rejected, vec![Code::ChainSearchExhausted]))
    );
    assert_eq!(
        verdict(mtls_inspector::Profile::Openssl),
        Some((Verdict::Accepted, vec![]))
    );

    // Two CAs that sign each other, neither trusted: the search must end, and say why.
    let a_key = common::key();
    let a = common::self_signed(common::ca("Cycle A"), a_key);
    let b = common::issue(common::ca("Cycle B"), common::key(), &a);
    let a_by_b = common::issue(
        common::ca("Cycle A"),
        common::KeyPair::from_pem(&a.key_pem()).unwrap(),
        &b,
    );
    let leaf = common::issue(common::client("cyclic"), common::key(), &b);
    let bundle = format!("{}{}{}", leaf.pem, b.pem, a_by_b.pem);
    let report = run(
        &[("cycle.pem", bundle.as_bytes())],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Rejected);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::IssuerNotFound || f.code == Code::UntrustedRoot)
    );
}
