//! Replays the fuzzers' corpus (`fuzz/corpus/`, kept minimised in the repository) through the
//! same code the fuzz targets run, deterministically and without nightly: every input that ever
//! found new behaviour stays a regression test.

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use mtls_inspector::certificate::Certificate;
use mtls_inspector::crl::Crl;
use mtls_inspector::decode::{Content, decode_with};
use mtls_inspector::{Input, Options, Side, inspect};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect()
}

#[test]
fn the_decode_corpus_replays_without_panic() {
    let inputs = corpus("decode");
    assert!(inputs.len() >= 20, "the decode corpus is missing");
    let passwords = ["fuzz".to_owned(), String::new()];
    for (_, data) in &inputs {
        let decoded = decode_with("fuzz", data, &passwords);
        for item in &decoded.items {
            match &item.content {
                Content::Certificate(der) => drop(Certificate::parse(der)),
                Content::Crl(der) => drop(Crl::parse(der)),
                _ => {}
            }
        }
    }
    println!("decode corpus: {} inputs replayed", inputs.len());
}

#[test]
fn the_inspect_corpus_replays_without_panic() {
    let inputs = corpus("inspect");
    assert!(inputs.len() >= 5, "the inspect corpus is missing");
    for (_, data) in &inputs {
        let split = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
        let (client, trust) = data.split_at(split);
        let trust = trust.get(1..).unwrap_or_default();
        let inputs = [
            Input {
                side: Side::Client,
                name: "client",
                bytes: client,
            },
            Input {
                side: Side::Trust,
                name: "trust",
                bytes: trust,
            },
        ];
        let report = inspect(&inputs, &Options::at(1_780_315_200));
        assert!(!report.to_text().is_empty());
    }
    println!("inspect corpus: {} inputs replayed", inputs.len());
}
