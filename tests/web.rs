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
        server_configs: vec![mtls_inspector::channel::ConfigFile {
            name: "nginx.conf".into(),
            bytes: b"server { ssl_verify_client on; }".to_vec(),
        }],
        user: String::new(),
        listing: mtls_inspector::inspect::Listing::UsedFirst,
    });
    let sent = serde_wasm_bindgen::to_value(&request).unwrap();
    // Externally tagged: `{ inspect: { …, inputs: [{ …, bytes: Uint8Array }] } }`.
    let inspect = js_sys::Reflect::get(&sent, &"inspect".into()).unwrap();
    let bytes = js_sys::Reflect::get(
        &js_sys::Reflect::get(&inspect, &"inputs".into())
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
    let reply = Reply::Report {
        id: inspection.id,
        report: Box::new(inspection.report()),
    };
    let Reply::Report { id, report } = &reply else {
        panic!("a report")
    };
    assert_eq!(*id, 7u32);
    assert_eq!(report.verdict, Verdict::Rejected);
    let back: Reply =
        serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&reply).unwrap()).unwrap();
    assert_eq!(back, reply);
}

/// The page passes the engine's report on to the export module as the engine's message carried
/// it: what the export module reads is the report, and it exports it as the CLI does.
#[wasm_bindgen_test]
fn a_report_passed_on_as_it_came_is_the_export_modules_report() {
    use mtls_inspector::channel::{ExportAsk, ExportFormat, ExportReply, ExportRequest, export};
    let report = run(
        &chain(ExtendedKeyUsagePurpose::ServerAuth).0,
        &chain(ExtendedKeyUsagePurpose::ServerAuth).1,
    );
    let as_it_came = serde_wasm_bindgen::to_value(&report).unwrap();
    let asked = ExportAsk::Export {
        format: ExportFormat::Json,
        copy: false,
        report: as_it_came.clone(),
    };
    let received: ExportRequest =
        serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&asked).unwrap()).unwrap();
    assert_eq!(
        received,
        ExportRequest::Export {
            format: ExportFormat::Json,
            copy: false,
            report: Box::new(report.clone()),
        }
    );
    let ExportReply::Export { text, .. } = export(received) else {
        panic!("an export")
    };
    assert_eq!(text, report.to_json());
    let shared = ExportAsk::Share { report: as_it_came };
    let received: ExportRequest =
        serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&shared).unwrap()).unwrap();
    assert_eq!(
        received,
        ExportRequest::Share {
            report: Box::new(report)
        }
    );
}

/// A client certificate for `CN=browser-client` and PostgreSQL's configuration mapping it
/// through a pg_ident.conf regular expression, inspected for `user`.
fn postgres_run(ident: &str, user: &str) -> mtls_inspector::Report {
    let (client, trust) = chain(ExtendedKeyUsagePurpose::ClientAuth);
    let inputs = [
        Input {
            side: Side::Client,
            name: "client.pem",
            bytes: client.as_bytes(),
        },
        Input {
            side: Side::Trust,
            name: "root.pem",
            bytes: trust.as_bytes(),
        },
    ];
    let options = Options {
        server_configs: vec![
            (
                "pg_hba.conf".into(),
                b"hostssl all all 0.0.0.0/0 cert map=m\n".to_vec(),
            ),
            ("pg_ident.conf".into(), ident.as_bytes().to_vec()),
        ],
        user: Some(user.into()),
        ..Options::at(NOW)
    };
    inspect(&inputs, &options)
}

/// In the page, pg_ident.conf's regular expressions run on the browser's own RegExp (the CLI's
/// regex-lite is not in the engine module): a match maps the user, a mismatch or a pattern that
/// does not compile refuses, and nothing panics.
#[wasm_bindgen_test]
fn postgresql_user_maps_run_on_the_browsers_regular_expressions() {
    let refused = |report: &mtls_inspector::Report| {
        report
            .findings
            .iter()
            .any(|f| matches!(f.code, Code::ClientNameMismatch | Code::AccessRuleRefuses))
    };
    let mapped = postgres_run("m /^browser-(.*)$ \\1\n", "client");
    assert!(!refused(&mapped), "{:?}", mapped.findings);
    assert_eq!(mapped.verdict, Verdict::Accepted);
    for (ident, user) in [
        ("m /^browser-(.*)$ \\1\n", "someone-else"),
        ("m /^server-(.*)$ \\1\n", "client"),
        ("m /(browser \\1\n", "client"),
    ] {
        let report = postgres_run(ident, user);
        assert!(refused(&report), "{ident} as {user}: {:?}", report.findings);
        assert_eq!(report.verdict, Verdict::Rejected, "{ident} as {user}");
    }
}

/// The page's JSON export is written by the browser's `JSON.stringify` (serde_json is not in the
/// engine module): it must be the CLI's text, byte for byte, server section included.
#[wasm_bindgen_test]
fn the_json_export_written_by_the_browser_is_the_clis() {
    let report = postgres_run("m /^browser-(.*)$ \\1\n", "client");
    assert!(report.server.is_some());
    assert_eq!(
        mtls_inspector::channel::json_in_browser(&report),
        report.to_json()
    );
    let rejected = run(
        &chain(ExtendedKeyUsagePurpose::ServerAuth).0,
        &chain(ExtendedKeyUsagePurpose::ServerAuth).1,
    );
    assert_eq!(
        mtls_inspector::channel::json_in_browser(&rejected),
        rejected.to_json()
    );
}

/// `probe --format json` is read with the browser's `JSON.parse` in the page (no JSON reader in
/// the engine module): the request it recorded, and none when the server asked for none.
#[wasm_bindgen_test]
fn probe_json_is_read_in_the_browser() {
    use mtls_inspector::request::CertificateRequest;
    let asked = r#"{"explained_by": [], "probe": {"address": "127.0.0.1:8443", "sni": "127.0.0.1",
        "certificate_requested": true, "certificate_sent": false, "handshake_completed": true,
        "server_chain": [], "certificate_request": {"ca_names": ["O = Elsewhere, CN = Other CA"],
        "signature_algorithms": ["ECDSA+SHA256", "ed25519"], "certificate_types": []}}}"#;
    let request = CertificateRequest::from_s_client(asked).expect("the recorded request");
    assert_eq!(request.ca_names, ["O = Elsewhere, CN = Other CA"]);
    assert_eq!(request.signature_algorithms, ["ECDSA+SHA256", "ed25519"]);
    let never = r#"{"probe": {"certificate_requested": false}}"#;
    assert_eq!(CertificateRequest::from_s_client(never), None);
    assert_eq!(CertificateRequest::from_s_client("{ not json"), None);
}
