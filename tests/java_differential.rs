//! Differential test: the `java` profile against the JDK's own JSSE client-certificate check
//! (tests/java/Verify.java: sun.security.validator's PKIX validator, variant TLS client, at the
//! case's time), on every scenario of the suite and the x509-limbo client subset.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::process::Command;

use mtls_inspector::profiles::Usage;
use mtls_inspector::{Profile, Verdict};

struct Case {
    name: String,
    chain: Vec<String>,
    roots: Vec<String>,
    time: i64,
    usage: Usage,
}

fn java_version() -> Option<String> {
    let output = Command::new("java").arg("-version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

/// What the JDK decides for each case: (accepted, message).
fn java_decides(label: &str, cases: &[Case]) -> Vec<(bool, String)> {
    let dir = common::temp_dir(label);
    let mut args: Vec<String> = vec![
        "--add-exports".into(),
        "java.base/sun.security.validator=ALL-UNNAMED".into(),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/java/Verify.java")
            .display()
            .to_string(),
    ];
    for (i, case) in cases.iter().enumerate() {
        let case_dir = dir.join(i.to_string());
        std::fs::create_dir_all(&case_dir).unwrap();
        std::fs::write(case_dir.join("chain.pem"), case.chain.concat()).unwrap();
        std::fs::write(case_dir.join("roots.pem"), case.roots.concat()).unwrap();
        std::fs::write(case_dir.join("time"), case.time.to_string()).unwrap();
        let usage = if case.usage == Usage::Client {
            "client"
        } else {
            "server"
        };
        std::fs::write(case_dir.join("usage"), usage).unwrap();
        args.push(case_dir.display().to_string());
    }
    let output = Command::new("java").args(&args).output().expect("java");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let results: Vec<(bool, String)> = text
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            parts.next();
            let ok = parts.next() == Some("OK");
            (ok, parts.next().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(results.len(), cases.len());
    results
}

/// The java profile's verdict for each case.
fn ours(cases: &[Case]) -> Vec<(Verdict, Vec<mtls_inspector::diagnosis::Code>)> {
    cases
        .iter()
        .map(|c| common::profile_decides(Profile::Java, &c.chain, &c.roots, c.time, c.usage))
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
    let Some(version) = java_version() else {
        eprintln!("SKIPPED: no java (make setup installs default-jdk-headless)");
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
    let Some(_) = java_version() else {
        eprintln!("SKIPPED: no java");
        return;
    };
    let Some(limbo) = common::limbo_cases() else {
        return;
    };
    let cases: Vec<Case> = limbo
        .into_iter()
        .map(|c| Case {
            name: c.id,
            chain: c.chain,
            roots: c.roots,
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
