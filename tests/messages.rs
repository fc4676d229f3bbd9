//! Every user-facing message is rendered and read: none is empty, none shows Debug output.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::Usage;
use mtls_inspector::certificate::Certificate;
use mtls_inspector::diagnosis::{Code, Subject, explain};
use mtls_inspector::messages::log_lines;

fn looks_like_debug(text: &str) -> bool {
    ["Some(", "None", "{ ", "\\u{", "Vec<", "[]", "Error("]
        .iter()
        .any(|p| text.contains(p))
}

#[test]
fn every_code_renders_a_readable_title_detail_and_remedy() {
    let pki = common::Pki::new("Messages");
    let leaf = pki.client(common::client("alice"));
    let leaf = Certificate::parse(&leaf.der).unwrap();
    let issuer = Certificate::parse(&pki.intermediate.der).unwrap();
    for &code in Code::ALL {
        let text = explain(
            code,
            &Subject {
                certificate: Some(&leaf),
                role: "the client certificate",
                related: Some(&issuer),
                value: Some("serverAuth"),
                time: common::NOW,
                usage: Usage::Client,
            },
        );
        println!(
            "{code}\n  {}\n  {}\n  Fix: {}",
            text.title, text.detail, text.remedy
        );
        for line in log_lines(code) {
            println!("  {}: {}", line.printed_by, line.example);
            assert!(!line.example.is_empty() && !line.printed_by.is_empty());
        }
        for part in [&text.title, &text.detail, &text.remedy] {
            assert!(part.len() > 10, "{code}: too short: {part:?}");
            assert!(!looks_like_debug(part), "{code}: Debug output in {part:?}");
            assert!(
                part.chars().next().unwrap().is_uppercase() || part.starts_with('`'),
                "{code}: {part:?}"
            );
        }
        assert!(text.title.len() < 80, "{code}: title too long");
    }
}

#[test]
fn every_finding_of_every_scenario_is_readable() {
    for scenario in common::all() {
        let report = scenario.inspect();
        for finding in &report.findings {
            for part in [&finding.title, &finding.detail, &finding.remedy] {
                assert!(
                    !part.trim().is_empty(),
                    "{}: empty text in {}",
                    scenario.name,
                    finding.code
                );
                assert!(
                    !looks_like_debug(part),
                    "{}: {}: {part}",
                    scenario.name,
                    finding.code
                );
            }
        }
        assert!(!report.to_text().is_empty());
        assert!(!report.to_markdown().is_empty());
    }
}
