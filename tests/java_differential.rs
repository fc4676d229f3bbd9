//! Differential test: the `java` profile against the JDK's own JSSE client-certificate check
//! (tests/java/Verify.java: sun.security.validator's PKIX validator, variant TLS client, at the
//! case's time), on every scenario of the suite and the x509-limbo client subset.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::stacks::{self, Chain};
use mtls_inspector::profiles::Usage;
use mtls_inspector::{Profile, Verdict};

struct Case {
    name: String,
    chain: Vec<String>,
    roots: Vec<String>,
    /// The CRLs the server is configured with.
    crls: Vec<String>,
    time: i64,
    usage: Usage,
}

/// What the JDK decides for each case: (accepted, message).
fn java_decides(label: &str, cases: &[Case]) -> Vec<(bool, String)> {
    let chains: Vec<Chain<'_>> = cases
        .iter()
        .map(|c| Chain {
            name: &c.name,
            client: &c.chain,
            roots: &c.roots,
            crls: &c.crls,
            ocsp: &[],
            time: c.time,
            usage: c.usage,
        })
        .collect();
    stacks::java(label, &chains)
}

/// The java profile's verdict for each case.
fn ours(cases: &[Case]) -> Vec<(Verdict, Vec<mtls_inspector::diagnosis::Code>)> {
    cases
        .iter()
        .map(|c| {
            let trust = [c.roots.as_slice(), c.crls.as_slice()].concat();
            common::profile_decides(Profile::Java, &c.chain, &trust, c.time, c.usage)
        })
        .collect()
}

fn compare(label: &str, cases: &[Case]) -> Vec<String> {
    let theirs = java_decides(label, cases);
    let ours = ours(cases);
    let mut disagreements = Vec::new();
    for ((case, (java_accepts, message)), (verdict, codes)) in cases.iter().zip(&theirs).zip(&ours)
    {
        if *java_accepts != (*verdict == Verdict::Accepted) {
            disagreements.push(format!(
                "{}: Java {} ({message}) / ours {verdict:?} {codes:?}",
                case.name,
                if *java_accepts { "accepts" } else { "rejects" }
            ));
        }
    }
    disagreements
}

#[test]
fn java_profile_agrees_with_jsse_on_every_scenario() {
    let Some(version) = stacks::java_version() else {
        stacks::missing("java");
        return;
    };
    println!("differential against {version}");
    let cases: Vec<Case> = common::all()
        .iter()
        .map(|s| {
            let mut chain = vec![s.leaf.clone()];
            chain.extend(s.client.iter().filter(|f| **f != s.leaf).cloned());
            Case {
                name: s.name.to_owned(),
                chain,
                roots: s.trust.clone(),
                crls: s.crls.clone(),
                time: s.time,
                usage: Usage::Client,
            }
        })
        .collect();
    let disagreements = compare("java-scenarios", &cases);
    println!(
        "java differential: {} scenarios, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn java_profile_agrees_with_jsse_on_the_limbo_cases() {
    if stacks::java_version().is_none() {
        stacks::missing("java");
        return;
    }
    let Some(limbo) = common::limbo_cases() else {
        return;
    };
    let cases: Vec<Case> = limbo
        .into_iter()
        .map(|c| Case {
            name: c.id,
            chain: c.chain,
            roots: c.roots,
            crls: c.crls,
            time: c.time,
            usage: c.usage,
        })
        .collect();
    let disagreements = compare("java-limbo", &cases);
    println!(
        "java differential (limbo): {} cases, {} agree, {} disagree",
        cases.len(),
        cases.len() - disagreements.len(),
        disagreements.len()
    );
    for line in &disagreements {
        println!("  {line}");
    }
    assert!(
        disagreements.is_empty(),
        "the java profile disagrees with the JDK"
    );
}
