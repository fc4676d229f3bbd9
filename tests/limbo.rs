//! Conformance: every case of the x509-limbo client subset (`../shared/conformance/limbo/`) run
//! through the engine's rustls-webpki path validation the way the subset's README says — the EKU
//! from the meta file's `usage`, at `validation_time`, with the CRLs, and `max_chain_depth` as a
//! limit on intermediates — and through the whole inspection, which must never panic.
//! Prints `limbo: N/3188 match`; fails below the rustls-webpki baseline of 3,131.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::path::PathBuf;

use mtls_inspector::Profile;
use mtls_inspector::certificate::Certificate;
use mtls_inspector::decode::{Content, decode};
use mtls_inspector::profiles::{Usage, WebpkiDecision, handshake_key_violation, webpki_verify};
use mtls_inspector::{Input, Options, Side, inspect};
use serde_json::Value;

const BASELINE: usize = 3131;

fn limbo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/limbo")
}

fn certificates(pems: &[&str]) -> Vec<Vec<u8>> {
    pems.iter()
        .flat_map(|pem| decode("limbo", pem.as_bytes()).items)
        .filter_map(|item| match item.content {
            Content::Certificate(der) => Some(der),
            _ => None,
        })
        .collect()
}

fn crls(pems: &[&str]) -> Vec<Vec<u8>> {
    pems.iter()
        .flat_map(|pem| decode("limbo", pem.as_bytes()).items)
        .filter_map(|item| match item.content {
            Content::Crl(der) => Some(der),
            _ => None,
        })
        .collect()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn parse_time(value: &Value) -> i64 {
    match value.as_str() {
        Some(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp()
        }
        // null means "now"
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    }
}

#[test]
fn limbo_conformance() {
    let dir = limbo_dir();
    let cases_path = dir.join("limbo-client-subset.json");
    let meta_path = dir.join("limbo-client-subset.meta.json");
    if !cases_path.exists() || !meta_path.exists() {
        let message = format!(
            "limbo: DATA MISSING — expected {} and its meta file (shared/ beside the checkout)",
            cases_path.display()
        );
        println!("{message}");
        assert!(std::env::var_os("CI").is_none(), "{message}");
        return;
    }
    let cases: Value = serde_json::from_slice(&std::fs::read(&cases_path).unwrap()).unwrap();
    let meta: Value = serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let usage_by_id: HashMap<&str, &str> = meta["testcases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["usage"].as_str().unwrap()))
        .collect();
    let cases = cases["testcases"].as_array().unwrap();
    let mut matched = 0;
    let mut path_matched = 0;
    let mut misses = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let usage = match usage_by_id.get(id) {
            Some(&"clientAuth") => Usage::Client,
            _ => Usage::Server,
        };
        let trusted_pems = strings(&case["trusted_certs"]);
        let intermediate_pems = strings(&case["untrusted_intermediates"]);
        let peer_pem = case["peer_certificate"].as_str().unwrap();
        let crl_pems = strings(&case["crls"]);
        let time = parse_time(&case["validation_time"]);
        let max_depth = case["max_chain_depth"].as_u64().map(|d| d as usize);
        let peer = certificates(&[peer_pem])
            .into_iter()
            .next()
            .unwrap_or_default();
        let decision = webpki_verify(
            &peer,
            &certificates(&intermediate_pems),
            &certificates(&trusted_pems),
            &crls(&crl_pems),
            time,
            usage,
            max_depth,
            &mtls_inspector::signature::Verified::default(),
        );
        let path_accepted = matches!(decision, WebpkiDecision::Accepted { .. });
        // The webpki profile also needs the client's key to be one rustls can verify a
        // CertificateVerify signature with.
        let key_usable = Certificate::parse(&peer).map_or(true, |cert| {
            handshake_key_violation(Profile::Webpki, 0, &cert.key).is_none()
        });
        let accepted = path_accepted && key_usable;
        let expected = case["expected_result"].as_str() == Some("SUCCESS");
        if path_accepted == expected {
            path_matched += 1;
        }
        if accepted == expected {
            matched += 1;
        } else {
            misses.push(format!("{id} (expected {})", case["expected_result"]));
        }

        // The whole inspection must cope with every case.
        let mut client = vec![peer_pem.to_owned()];
        client.extend(intermediate_pems.iter().map(|s| (*s).to_owned()));
        let trust = trusted_pems.concat() + &crl_pems.concat();
        let client = client.concat();
        let inputs = [
            Input {
                side: Side::Client,
                name: "peer",
                bytes: client.as_bytes(),
            },
            Input {
                side: Side::Trust,
                name: "trusted",
                bytes: trust.as_bytes(),
            },
        ];
        let mut options = Options::at(time);
        options.usage = usage;
        let report = inspect(&inputs, &options);
        assert!(!report.profiles.is_empty(), "{id}");
    }
    println!("limbo: {matched}/{} match", cases.len());
    println!(
        "limbo (path validation alone, without the CertificateVerify key check): {path_matched}/{} match",
        cases.len()
    );
    for miss in misses.iter().take(80) {
        println!("  miss: {miss}");
    }
    assert!(
        matched >= BASELINE,
        "limbo: {matched}/{} is below the rustls-webpki baseline {BASELINE}",
        cases.len()
    );
}
