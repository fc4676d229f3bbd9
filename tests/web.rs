//! The engine in the browser: wasm-bindgen tests run in headless Chromium (`make wasm-test`).
//! Certificates are generated here, in the page, by rcgen.

#![cfg(target_arch = "wasm32")]

use mtls_inspector::diagnosis::Code;
use mtls_inspector::{Input, Options, Side, Verdict, inspect};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// 2026-06-01T12:00:00Z
const NOW: i64 = 1_780_315_200;

fn at(seconds: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn chain(eku: ExtendedKeyUsagePurpose) -> (String, String) {
    let root_key = KeyPair::generate().unwrap();
    let mut root = CertificateParams::default();
    root.distinguished_name
        .push(DnType::CommonName, "Browser Root");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.not_before = at(NOW - 86_400);
    root.not_after = at(NOW + 86_400 * 365);
    let root_cert = root.self_signed(&root_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "browser-client");
    leaf.extended_key_usages = vec![eku];
    leaf.not_before = at(NOW - 86_400);
    leaf.not_after = at(NOW + 86_400 * 30 * 3);
    let leaf_cert = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&root, &root_key))
        .unwrap();
    (leaf_cert.pem() + &leaf_key.serialize_pem(), root_cert.pem())
}

fn run(client: &str, trust: &str) -> mtls_inspector::Report {
    let inputs = [
        Input {
            side: Side::Client,
            name: "client.pem",
            bytes: client.as_bytes(),
        },
        Input {
            side: Side::Trust,
            name: "trust.pem",
            bytes: trust.as_bytes(),
        },
    ];
    inspect(&inputs, &Options::at(NOW))
}

#[wasm_bindgen_test]
fn a_good_chain_is_accepted_in_the_browser() {
    let (client, trust) = chain(ExtendedKeyUsagePurpose::ClientAuth);
    let report = run(&client, &trust);
    assert_eq!(report.verdict, Verdict::Accepted);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::PrivateKeyMatches)
    );
}

#[wasm_bindgen_test]
fn a_server_only_certificate_is_rejected_in_the_browser() {
    let (client, trust) = chain(ExtendedKeyUsagePurpose::ServerAuth);
    let report = run(&client, &trust);
    assert_eq!(report.verdict, Verdict::Rejected);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::ClientAuthEkuMissing)
    );
}

#[wasm_bindgen_test]
fn hostile_bytes_do_not_panic_in_the_browser() {
    let (client, trust) = chain(ExtendedKeyUsagePurpose::ClientAuth);
    let mut garbage = vec![0x30u8, 0x82, 0xff, 0xff];
    garbage.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let inputs = [
        Input {
            side: Side::Client,
            name: "client.pem",
            bytes: client.as_bytes(),
        },
        Input {
            side: Side::Client,
            name: "garbage.bin",
            bytes: &garbage,
        },
        Input {
            side: Side::Trust,
            name: "trust.pem",
            bytes: trust.as_bytes(),
        },
    ];
    let report = inspect(&inputs, &Options::at(NOW));
    assert_eq!(report.verdict, Verdict::Accepted);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::UnreadableInput)
    );
}

/// The page and the worker exchange a request and its report through serde-wasm-bindgen: what
/// arrives is what was sent, bytes as `Uint8Array`s.
#[wasm_bindgen_test]
fn a_request_and_its_report_cross_the_worker_boundary_intact() {
    use mtls_inspector::channel::{File, Inspection, Reply, Request};
    use wasm_bindgen::JsCast as _;
    let (client, trust) = chain(ExtendedKeyUsagePurpose::ServerAuth);
    let request = Request::Inspect(Inspection {
        id: 7,
        time: NOW,
        passwords: vec!["pw".into()],
        s_client: String::new(),
        inputs: vec![
            File {
                side: Side::Client,
                name: "client.pem".into(),
                bytes: client.into_bytes(),
            },
            File {
                side: Side::Trust,
                name: "trust.pem".into(),
                bytes: trust.into_bytes(),
            },
        ],
    });
    let sent = serde_wasm_bindgen::to_value(&request).unwrap();
    let bytes = js_sys::Reflect::get(
        &js_sys::Reflect::get(&sent, &"inputs".into())
            .map(|inputs| js_sys::Array::from(&inputs).get(0))
            .unwrap(),
        &"bytes".into(),
    )
    .unwrap();
    assert!(bytes.is_instance_of::<js_sys::Uint8Array>());
    let received: Request = serde_wasm_bindgen::from_value(sent).unwrap();
    assert_eq!(received, request);
    let Request::Inspect(inspection) = received else {
        panic!("an inspection")
    };
    let reply = inspection.answer();
    let Reply::Report { id, report } = &reply else {
        panic!("a report")
    };
    assert_eq!(*id, 7u32);
    assert_eq!(report.verdict, Verdict::Rejected);
    let back: Reply =
        serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&reply).unwrap()).unwrap();
    assert_eq!(back, reply);
}
