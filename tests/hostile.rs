//! The hostile-input catalogue: each kind of broken or malicious input a certificate tool meets,
//! each with a clear, located result and no panic, the other inputs still inspected.
//! (More kinds live in `bad_input.rs`: truncation at every length, random bytes, 50 MB,
//! same-name CA crowds and cross-signed cycles.)

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::decode::{MAX_PROBLEMS_PER_INPUT, Problem, decode};
use mtls_inspector::diagnosis::Code;
use mtls_inspector::{Profile, Report, Verdict};

struct Fixture {
    root: common::Node,
    intermediate: common::Node,
    leaf: common::Node,
}

fn fixture() -> Fixture {
    let pki = common::Pki::new("Hostile");
    let leaf = pki.client(common::client("hostile"));
    Fixture {
        root: pki.root,
        intermediate: pki.intermediate,
        leaf,
    }
}

use common::run;

/// The hostile file sits among good ones: the verdict must still come from the good ones, and
/// the hostile one must be named by a finding.
/// It is given with the server's trusted CAs, where a broken part costs nothing but itself (in
/// the client's bundle a broken certificate rejects the bundle: the client cannot load it).
fn among_good(name: &str, hostile: &[u8]) -> Report {
    let f = fixture();
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("intermediate.pem", f.intermediate.pem.as_bytes()),
        ],
        &[(name, hostile), ("root.pem", f.root.pem.as_bytes())],
    );
    assert_eq!(
        report.verdict,
        Verdict::Accepted,
        "{name}: {:#?}",
        report.findings
    );
    report
}

fn located(report: &Report, name: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.location.as_ref().is_some_and(|l| l.source == name))
}

fn assert_located(name: &str, hostile: &[u8]) {
    let report = among_good(name, hostile);
    assert!(located(&report, name), "{name}: no located finding");
}

fn der_of_pem(pem: &str) -> Vec<u8> {
    pki_types::pem::PemObject::from_pem_slice(pem.as_bytes())
        .map(|c: pki_types::CertificateDer<'_>| c.to_vec())
        .unwrap()
}

#[test]
fn empty_whitespace_and_nul_files() {
    assert_located("empty.pem", b"");
    assert_located("blank.pem", b" \r\n\t \n");
    assert_located("nul.bin", &[0u8; 4096]);
}

#[test]
fn nul_bytes_inside_a_pem_body_are_located() {
    let f = fixture();
    let broken = f.root.pem.replacen("MII", "MI\0I", 1);
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("intermediate.pem", f.intermediate.pem.as_bytes()),
        ],
        &[("root.pem", broken.as_bytes())],
    );
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::UnreadableInput
                && x.location.as_ref().is_some_and(|l| l.block == Some(1)))
    );
    // Nothing readable is left to trust: nothing to decide on, and the report says why.
    assert_eq!(report.verdict, Verdict::Incomplete);
}

#[test]
fn utf16_pem_in_both_byte_orders_is_read() {
    let f = fixture();
    for little in [true, false] {
        let mut bytes = if little {
            vec![0xff, 0xfe]
        } else {
            vec![0xfe, 0xff]
        };
        for unit in f
            .leaf
            .pem
            .encode_utf16()
            .chain(f.intermediate.pem.encode_utf16())
        {
            bytes.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        let report = run(
            &[("utf16.pem", &bytes)],
            &[("root.pem", f.root.pem.as_bytes())],
        );
        assert_eq!(report.verdict, Verdict::Accepted, "little endian: {little}");
    }
}

#[test]
fn lone_cr_and_mixed_line_endings_are_read() {
    let f = fixture();
    let cr = f.leaf.pem.replace('\n', "\r");
    let mixed: String = f
        .intermediate
        .pem
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l}{}", ["\n", "\r\n", "\r"][i % 3]))
        .collect();
    let report = run(
        &[("cr.pem", cr.as_bytes()), ("mixed.pem", mixed.as_bytes())],
        &[("root.pem", f.root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
}

#[test]
fn pem_headers_on_a_certificate_are_skipped() {
    let f = fixture();
    let with_headers =
        f.leaf
            .pem
            .replacen("-----\n", "-----\nProc-Type: 4,NONE\nComment: hello\n\n", 1);
    let report = run(
        &[
            ("headers.pem", with_headers.as_bytes()),
            ("i.pem", f.intermediate.pem.as_bytes()),
        ],
        &[("root.pem", f.root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
}

#[test]
fn wrong_der_lengths_are_located() {
    let f = fixture();
    let mut longer = f.root.der.clone();
    longer[3] = longer[3].wrapping_add(1);
    assert_located("longer.der", &longer);
    let mut shorter = f.root.der.clone();
    shorter[3] = shorter[3].wrapping_sub(1);
    assert_located("shorter.der", &shorter);
    let mut huge = vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff];
    huge.extend_from_slice(&f.root.der[4..]);
    assert_located("huge-length.der", &huge);
}

#[test]
fn indefinite_length_ber_is_located() {
    let mut ber = vec![0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00];
    ber.extend(std::iter::repeat_n(0u8, 10));
    assert_located("indefinite.ber", &ber);
}

#[test]
fn deeply_nested_asn1_is_located() {
    let depth = 100_000;
    let mut nested = Vec::with_capacity(depth * 6);
    for level in 0..depth {
        let remaining = (depth - level - 1) * 6;
        nested.push(0x30);
        nested.push(0x84);
        nested.extend_from_slice(&(remaining as u32).to_be_bytes());
    }
    assert_located("nested.der", &nested);
}

#[test]
fn huge_integers_and_oids_are_handled() {
    let root = common::self_signed(common::ca("Huge Root"), common::key());
    let mut params = common::client("huge-serial");
    params.serial_number = Some(rcgen::SerialNumber::from(vec![0x7f; 4000]));
    let arcs: Vec<u64> = (0..2000).map(|i| 1 + (i % 100) as u64).collect();
    let mut long_oid = vec![1u64, 3];
    long_oid.extend(arcs);
    params.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
        &long_oid,
        vec![0x05, 0x00],
    )];
    let leaf = common::issue(params, common::key(), &root);
    let report = run(
        &[("huge.pem", leaf.pem.as_bytes())],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert_eq!(report.certificates[0].serial.len(), 4000 * 3 - 1);
    assert!(
        report.certificates[0]
            .extensions
            .iter()
            .any(|e| e.oid.len() > 2000)
    );
    assert!(!report.to_text().is_empty());
}

#[test]
fn ten_thousand_certificates_in_one_bundle() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut bundle = String::new();
    for i in 0..10_000 {
        let mut params = common::ca(&format!("Bulk CA {i}"));
        params.use_authority_key_identifier_extension = false;
        bundle.push_str(&params.self_signed(&key).unwrap().pem());
    }
    let f = fixture();
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("intermediate.pem", f.intermediate.pem.as_bytes()),
        ],
        &[
            ("bulk.pem", bundle.as_bytes()),
            ("root.pem", f.root.pem.as_bytes()),
        ],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    assert_eq!(report.certificates.len(), 10_003);
}

#[test]
fn only_the_untrusted_certificates_of_the_chain_have_their_self_signature_checked() {
    let f = fixture();
    let other = common::self_signed(common::ca("Unrelated Root"), common::key());
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("intermediate.pem", f.intermediate.pem.as_bytes()),
        ],
        &[
            ("other.pem", other.pem.as_bytes()),
            ("root.pem", f.root.pem.as_bytes()),
        ],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    let by_subject = |cn: &str| {
        report
            .certificates
            .iter()
            .find(|c| c.subject.contains(cn))
            .unwrap()
    };
    let unrelated = by_subject("Unrelated Root");
    assert!(unrelated.self_issued);
    assert_eq!(unrelated.self_signed, None, "off the chain: not verified");
    let anchor = &report.certificates[*report.chain.last().unwrap()];
    assert_eq!(
        (anchor.self_issued, anchor.self_signed),
        (true, None),
        "trusted: no stack verifies an anchor's own signature"
    );
    let client = &report.certificates[report.chain[0]];
    assert_eq!(
        (client.self_issued, client.self_signed),
        (false, Some(false))
    );
}

#[test]
fn a_hundred_deep_chain_is_bounded_and_explained() {
    let root = common::self_signed(common::ca("Deep Root"), common::key());
    let mut chain = vec![common::issue(common::ca("Deep CA 0"), common::key(), &root)];
    for depth in 1..100 {
        let next = common::issue(
            common::ca(&format!("Deep CA {depth}")),
            common::key(),
            chain.last().unwrap(),
        );
        chain.push(next);
    }
    let leaf = common::issue(common::client("deep"), common::key(), chain.last().unwrap());
    let mut bundle = leaf.pem.clone();
    for ca in chain.iter().rev() {
        bundle.push_str(&ca.pem);
    }
    let report = run(
        &[("deep.pem", bundle.as_bytes())],
        &[("root.pem", root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Rejected);
    let webpki = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Webpki)
        .unwrap();
    assert!(
        webpki.findings.contains(&Code::ChainTooDeep)
            || webpki.findings.contains(&Code::ChainSearchExhausted),
        "{:?}",
        webpki.findings
    );
}

#[test]
fn pkcs12_with_absurd_iteration_count_is_recognised_without_work() {
    // PFX { version 3, authSafe ContentInfo(data), macData { DigestInfo, salt, 2^31-1 iterations } }
    let tlv = |tag: u8, body: &[u8]| {
        let mut out = vec![tag, body.len() as u8];
        out.extend_from_slice(body);
        out
    };
    let data_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let auth_safe = tlv(0x30, &[&data_oid[..], &tlv(0xa0, &tlv(0x04, &[]))].concat());
    let digest = tlv(
        0x30,
        &[
            tlv(0x30, &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a]),
            tlv(0x04, &[0; 20]),
        ]
        .concat(),
    );
    let mac = tlv(
        0x30,
        &[
            digest,
            tlv(0x04, &[1, 2, 3, 4]),
            tlv(0x02, &[0x7f, 0xff, 0xff, 0xff]),
        ]
        .concat(),
    );
    let mut pfx = tlv(0x30, &[tlv(0x02, &[3]), auth_safe, mac].concat());
    pfx.push(0);
    let decoded = decode("absurd.p12", &pfx[..pfx.len() - 1]);
    assert_eq!(
        decoded.problems.first().map(|p| &p.problem),
        Some(&Problem::Unopenable {
            what: "PKCS#12 file",
            reason: "its key derivation asks for 2147483647 iterations; more than 1000000 are \
                     refused"
                .into()
        })
    );
    let report = among_good("absurd.p12", &pfx[..pfx.len() - 1]);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::UnreadableInput
                && f.detail.contains("2147483647 iterations")
                && located(&report, "absurd.p12"))
    );
}

#[test]
fn pkcs7_bags_with_garbage_or_the_wrong_type_are_located() {
    let f = fixture();
    // SignedData with one real certificate and one garbage entry.
    let garbage = [0x30, 0x03, 0x02, 0x01, 0x00];
    let mut certs = f.intermediate.der.clone();
    certs.extend_from_slice(&garbage);
    let mut set = vec![0xa0, 0x82];
    set.extend_from_slice(&(certs.len() as u16).to_be_bytes());
    set.extend_from_slice(&certs);
    let mut signed = vec![
        0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
        0x01, 0x07, 0x01,
    ];
    signed.extend_from_slice(&set);
    signed.extend_from_slice(&[0x31, 0x00]);
    let wrap = |tag: u8, body: &[u8]| {
        let mut out = vec![tag, 0x82];
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(body);
        out
    };
    let mut content = vec![
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    content.extend(wrap(0xa0, &wrap(0x30, &signed)));
    let p7 = wrap(0x30, &content);
    let report = run(
        &[("leaf.pem", f.leaf.pem.as_bytes()), ("bag.p7b", &p7)],
        &[("root.pem", f.root.pem.as_bytes())],
    );
    assert_eq!(
        report.verdict,
        Verdict::Rejected,
        "the garbage entry makes the bundle unusable"
    );
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::MalformedCertificate
                && x.location.as_ref().is_some_and(|l| l.entry == Some(2)))
    );
    let mut enveloped = vec![
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03,
    ];
    enveloped.extend(wrap(0xa0, &wrap(0x30, &[0x02, 0x01, 0x00])));
    let decoded = decode("enveloped.p7", &wrap(0x30, &enveloped));
    assert!(matches!(
        decoded.problems.first().map(|p| &p.problem),
        Some(Problem::UnsupportedPkcs7 { .. })
    ));
}

#[test]
fn labels_that_lie_about_their_contents_are_located() {
    let f = fixture();
    let crl = common::crl(
        &f.root,
        &[],
        common::NOW - common::DAY,
        common::NOW + common::DAY,
    );
    let crl_as_cert = crl.replace("X509 CRL", "CERTIFICATE");
    let report = among_good("crl-as-cert.pem", crl_as_cert.as_bytes());
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::MalformedTrustCertificate && x.location.is_some())
    );
    let cert_as_crl = f.root.pem.replace("CERTIFICATE", "X509 CRL");
    let report = among_good("cert-as-crl.pem", cert_as_crl.as_bytes());
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::MalformedCrl && x.location.is_some())
    );
    let key_garbage = "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n";
    assert_located("bad-key.pem", key_garbage.as_bytes());
    let rsa_zeros = "-----BEGIN RSA PRIVATE KEY-----\nMBsCAQACAQACAQACAQACAQACAQACAQACAQACAQA=\n-----END RSA PRIVATE KEY-----\n";
    // A key of all zeros is read, and plainly does not belong to the certificate.
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("zero-rsa.pem", rsa_zeros.as_bytes()),
        ],
        &[("root.pem", f.root.pem.as_bytes())],
    );
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::PrivateKeyMismatch)
    );
}

#[test]
fn encrypted_key_with_absurd_iteration_count_is_refused_without_work() {
    // EncryptedPrivateKeyInfo { PBES2 { PBKDF2 { salt, 2^31-1 }, aes-256-cbc { iv } }, data }
    let tlv = |tag: u8, body: &[u8]| {
        let mut out = vec![tag, body.len() as u8];
        out.extend_from_slice(body);
        out
    };
    let oid = |body: &[u8]| tlv(0x06, body);
    let pbkdf2 = tlv(
        0x30,
        &[
            oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c]),
            tlv(
                0x30,
                &[tlv(0x04, &[7; 8]), tlv(0x02, &[0x7f, 0xff, 0xff, 0xff])].concat(),
            ),
        ]
        .concat(),
    );
    let aes = tlv(
        0x30,
        &[
            oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a]),
            tlv(0x04, &[0; 16]),
        ]
        .concat(),
    );
    let pbes2 = tlv(
        0x30,
        &[
            oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d]),
            tlv(0x30, &[pbkdf2, aes].concat()),
        ]
        .concat(),
    );
    let epki = tlv(0x30, &[pbes2, tlv(0x04, &[0; 32])].concat());
    let pem = format!(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----\n",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &epki)
    );
    let report = among_good("absurd.key", pem.as_bytes());
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.code == Code::UnreadableInput
                && x.detail.contains("more than 1000000 are refused")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_one_megabyte_single_line_and_trailing_bytes() {
    let f = fixture();
    let body: String = f
        .intermediate
        .pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let one_line = format!(
        "-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n{}\n",
        "A".repeat(1 << 20)
    );
    let report = run(
        &[
            ("leaf.pem", f.leaf.pem.as_bytes()),
            ("line.pem", one_line.as_bytes()),
        ],
        &[("root.pem", f.root.pem.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    let mut trailing = f.root.der.clone();
    trailing.extend_from_slice(b"trailing garbage");
    let decoded = decode("trailing.der", &trailing);
    assert!(decoded.items.len() + decoded.problems.len() >= 1);
    assert_located("trailing.der", &trailing);
}

#[test]
fn a_hundred_thousand_tiny_blocks_are_capped_not_listed() {
    let block = "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n";
    let many = block.repeat(100_000);
    let decoded = decode("many.pem", many.as_bytes());
    assert_eq!(decoded.problems.len(), MAX_PROBLEMS_PER_INPUT + 1);
    assert!(matches!(
        decoded.problems.last().map(|p| &p.problem),
        Some(Problem::MoreProblems { count: 99_900 })
    ));
    let report = among_good("many.pem", many.as_bytes());
    assert!(report.findings.len() < 200);
}

#[test]
fn thousands_of_san_entries_and_extreme_dates() {
    let root = common::self_signed(common::ca("SAN Root"), common::key());
    let mut params = common::client("many-names");
    params.subject_alt_names = (0..3000)
        .map(|i| rcgen::SanType::DnsName(format!("n{i}.example.com").try_into().unwrap()))
        .collect();
    params.not_after = time::macros::datetime!(9999-12-31 23:59:59 UTC);
    params.not_before = time::macros::datetime!(1950-01-01 0:00 UTC);
    let leaf = common::issue(params, common::key(), &root);
    let report = run(
        &[("names.pem", leaf.pem.as_bytes())],
        &[("root.pem", root.pem.as_bytes())],
    );
    // rustls-webpki refuses the 1950 notBefore encoding (BadDerTime); OpenSSL takes it.
    let openssl = report
        .profiles
        .iter()
        .find(|p| p.name == Profile::Openssl)
        .unwrap();
    assert_eq!(openssl.verdict, Verdict::Accepted, "{:#?}", report.profiles);
    assert_eq!(report.certificates[0].subject_alt_names.len(), 3000);
    assert_eq!(report.certificates[0].not_after, "9999-12-31T23:59:59Z");
}

#[test]
fn duplicates_within_and_across_inputs() {
    let f = fixture();
    let twice = format!("{}{}{}", f.leaf.pem, f.leaf.pem, f.intermediate.pem);
    let report = run(
        &[("twice.pem", twice.as_bytes())],
        &[
            ("root.pem", f.root.pem.as_bytes()),
            ("root-again.pem", f.root.pem.as_bytes()),
        ],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|x| x.code == Code::DuplicateCertificate)
            .count(),
        2
    );
    let _ = der_of_pem(&f.root.pem);
}

/// A trust file repeating one certificate 500 times is one fact: one finding with the count.
#[test]
fn many_copies_of_a_certificate_are_one_finding_with_the_count() {
    let f = fixture();
    let store = f.root.pem.repeat(500);
    let report = run(
        &[(
            "chain.pem",
            format!("{}{}", f.leaf.pem, f.intermediate.pem).as_bytes(),
        )],
        &[("store.pem", store.as_bytes())],
    );
    assert_eq!(report.verdict, Verdict::Accepted);
    let duplicates: Vec<_> = report
        .findings
        .iter()
        .filter(|x| x.code == Code::DuplicateCertificate)
        .collect();
    assert_eq!(duplicates.len(), 1, "{duplicates:#?}");
    assert!(
        duplicates[0]
            .detail
            .contains("500 times: at store.pem, PEM block 1")
            && duplicates[0].detail.contains("and 496 more places"),
        "{}",
        duplicates[0].detail
    );
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
}

#[test]
fn the_limbo_pathological_cases_run_through_the_whole_inspection() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/limbo/limbo-client-subset.json");
    let Ok(bytes) = std::fs::read(&path) else {
        println!(
            "limbo data missing at {}: pathological cases not run",
            path.display()
        );
        assert!(std::env::var_os("CI").is_none(), "limbo data missing");
        return;
    };
    let cases: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut ran = 0;
    for case in cases["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if !id.starts_with("pathological::") && !id.starts_with("bettertls::pathbuilding") {
            continue;
        }
        let strings = |v: &serde_json::Value| {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .concat()
                })
                .unwrap_or_default()
        };
        let client = format!(
            "{}{}",
            case["peer_certificate"].as_str().unwrap(),
            strings(&case["untrusted_intermediates"])
        );
        let trust = strings(&case["trusted_certs"]);
        let report = run(
            &[("peer.pem", client.as_bytes())],
            &[("trust.pem", trust.as_bytes())],
        );
        assert!(!report.profiles.is_empty(), "{id}");
        ran += 1;
    }
    assert!(ran > 0);
    println!("pathological and path-building limbo cases inspected: {ran}");
}

/// What a certificate or a file name holds can never move the terminal, forge a report line or
/// open Markdown syntax: text and Markdown show it escaped, JSON keeps it exact.
#[test]
fn hostile_names_cannot_forge_report_lines_or_markdown() {
    use rcgen::{DnType, DnValue, SanType};
    let pki = common::Pki::new("Hostile names");
    let forged = "mallory\u{1b}[2J\u{1b}[32m\nVerdict: ACCEPTED\u{202e}`**x**`|";
    let mut params = common::client("mallory");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, DnValue::Utf8String(forged.into()));
    params.subject_alt_names = vec![SanType::DnsName(
        "evil\u{7}.example.com\n[link](http://x)"
            .try_into()
            .unwrap(),
    )];
    // A client certificate the server refuses (no trust in its issuer), so that its findings
    // name it.
    let leaf = pki.client(params);
    let file_name = "client\u{1b}[31m\nVerdict: ACCEPTED.pem";
    let report = run(
        &[(file_name, leaf.pem.as_bytes())],
        &[(
            "other-root.pem",
            common::Pki::new("Other").root.pem.as_bytes(),
        )],
    );
    assert_eq!(report.verdict, Verdict::Rejected);
    let text = report.to_text();
    let markdown = report.to_markdown();
    for (format, output) in [("text", &text), ("markdown", &markdown)] {
        assert!(
            !output
                .chars()
                .any(|c| c != '\n' && mtls_inspector::read::names::is_deceptive(c)),
            "{format} output carries a control or format character:\n{output}"
        );
        let verdict_lines = output
            .lines()
            .filter(|l| l.trim_start().starts_with("Verdict:") || l.contains("**Verdict:"))
            .count();
        assert_eq!(
            verdict_lines, 1,
            "{format}: a forged verdict line\n{output}"
        );
    }
    let prose = outside_code_spans(&markdown);
    assert!(!prose.contains("**x**"), "{prose}");
    assert!(!prose.contains("](http"), "{prose}");
    // JSON keeps the exact subject value (the JSON escapes are JSON's own).
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let subject = json["certificates"][0]["subject"].as_str().unwrap();
    assert!(subject.contains("mallory"));
    assert_eq!(
        json["certificates"][0]["source"]["source"], file_name,
        "the file name is kept exactly in JSON"
    );
    assert!(
        text.contains("client\\u{1B}[31m\\u{A}Verdict: ACCEPTED.pem"),
        "{text}"
    );
}

/// Markdown with its code spans (any backtick fence) taken out.
fn outside_code_spans(markdown: &str) -> String {
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let fence_len = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(fence_len);
        let after = &rest[start + fence_len..];
        match after.find(&fence) {
            Some(end) => rest = &after[end + fence_len..],
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
