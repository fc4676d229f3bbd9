//! Differential test on the malformed-but-plausible corpus (tests/common/malformed.rs): every
//! case through real OpenSSL 3 (`openssl verify -purpose sslclient -auth_level 2`, nginx's
//! variant with `-verify_depth 1` and `-crl_check_all` with the CRLs), Go's crypto/x509 and
//! crypto/tls, rustls-webpki as rustls calls it, and the JDK's JSSE; each profile must decide
//! as its stack does, on every case.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::malformed::{Case, corpus};
use common::stacks::{self, Chain};
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::profiles::Usage;
use mtls_inspector::{Options, Profile, Report, Side, Verdict, inspect};

fn report(case: &Case) -> Report {
    let mut files = Vec::new();
    for (i, pem) in case.client_pems().iter().enumerate() {
        files.push((
            Side::Client,
            format!("client-{i}.pem"),
            pem.clone().into_bytes(),
        ));
    }
    for (i, pem) in case.root_pems().iter().enumerate() {
        files.push((
            Side::Trust,
            format!("root-{i}.pem"),
            pem.clone().into_bytes(),
        ));
    }
    for (i, pem) in case.crl_pems().iter().enumerate() {
        files.push((
            Side::Trust,
            format!("crl-{i}.pem"),
            pem.clone().into_bytes(),
        ));
    }
    inspect(&borrow_inputs(&files), &Options::at(case.time))
}

fn scenario(case: &Case) -> common::Scenario {
    common::Scenario {
        name: case.name,
        client: case.client_pems(),
        leaf: case.leaf_pem(),
        intermediates: case.intermediate_pems(),
        trust: case.root_pems(),
        crls: case.crl_pems(),
        time: case.time,
        expect: common::all_accept(),
        also: Vec::new(),
        key: case.key.clone(),
    }
}

/// One stack's answer on one case against the profile's.
struct Comparison {
    case: &'static str,
    profile: Profile,
    theirs: bool,
    said: String,
    ours: Verdict,
    codes: Vec<mtls_inspector::diagnosis::Code>,
}

/// With `CORPUS_DUMP=<dir>`, writes each case as fuzzing seeds: `<case>.der`, the client
/// certificate (for `fuzz/` target `decode`), and `<case>.inspect`, the client's PEM, a 0xFF
/// byte and the server's roots and CRLs (target `inspect`).
fn dump_seeds(cases: &[Case]) {
    let Some(dir) = std::env::var_os("CORPUS_DUMP") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for case in cases {
        std::fs::write(dir.join(format!("{}.der", case.name)), &case.leaf).unwrap();
        let mut both = case.client_pems().concat().into_bytes();
        both.push(0xff);
        both.extend(case.root_pems().concat().into_bytes());
        both.extend(case.crl_pems().concat().into_bytes());
        std::fs::write(dir.join(format!("{}.inspect", case.name)), both).unwrap();
    }
}

#[test]
fn every_profile_decides_the_malformed_corpus_as_its_stack_does() {
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    dump_seeds(&cases);
    let reports: Vec<Report> = cases.iter().map(report).collect();
    let clients: Vec<Vec<String>> = cases.iter().map(Case::client_pems).collect();
    let roots: Vec<Vec<String>> = cases.iter().map(Case::root_pems).collect();
    let crls: Vec<Vec<String>> = cases.iter().map(Case::crl_pems).collect();
    let chains: Vec<Chain<'_>> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| Chain {
            name: case.name,
            client: &clients[i],
            roots: &roots[i],
            crls: &crls[i],
            ocsp: &[],
            time: case.time,
            usage: Usage::Client,
        })
        .collect();

    let mut comparisons = Vec::new();
    let ours = |i: usize, profile: Profile| {
        let result = reports[i]
            .profiles
            .iter()
            .find(|p| p.name == profile)
            .unwrap();
        (result.verdict, result.findings.clone())
    };
    let mut push = |i: usize, profile: Profile, theirs: bool, said: String| {
        let (verdict, codes) = ours(i, profile);
        comparisons.push(Comparison {
            case: cases[i].name,
            profile,
            theirs,
            said,
            ours: verdict,
            codes,
        });
    };
    for (i, case) in cases.iter().enumerate() {
        let scenario = scenario(case);
        for profile in [Profile::Openssl, Profile::Nginx] {
            let (accepted, said) = common::openssl_verify(&scenario, profile);
            push(i, profile, accepted, said.trim().replace('\n', " | "));
        }
        let webpki = stacks::webpki(&chains[i]);
        push(
            i,
            Profile::Webpki,
            webpki.is_none(),
            webpki.unwrap_or_default(),
        );
    }
    match stacks::go_verifier() {
        Some(verifier) => {
            for (i, (accepted, said)) in stacks::go(&verifier, &chains).into_iter().enumerate() {
                push(i, Profile::Go, accepted, said);
            }
        }
        None => stacks::missing("Go"),
    }
    match stacks::java_version() {
        Some(_) => {
            for (i, (accepted, said)) in stacks::java("corpus", &chains).into_iter().enumerate() {
                push(i, Profile::Java, accepted, said);
            }
        }
        None => stacks::missing("java"),
    }

    let disagreements: Vec<String> = comparisons
        .iter()
        .filter(|c| c.theirs != (c.ours == Verdict::Accepted))
        .map(|c| {
            format!(
                "{} [{}]: stack {} ({}) / ours {:?} {:?}",
                c.case,
                c.profile.name(),
                if c.theirs { "accepts" } else { "rejects" },
                c.said,
                c.ours,
                c.codes
            )
        })
        .collect();
    for profile in Profile::ALL {
        let of: Vec<&Comparison> = comparisons
            .iter()
            .filter(|c| c.profile == profile)
            .collect();
        let agree = of
            .iter()
            .filter(|c| c.theirs == (c.ours == Verdict::Accepted))
            .count();
        println!(
            "malformed corpus [{}]: {} cases, {agree} agree",
            profile.name(),
            of.len()
        );
    }
    if std::env::var_os("CORPUS_TABLE").is_some() {
        for c in &comparisons {
            println!(
                "TABLE\t{}\t{}\t{}\t{:?}\t{}",
                c.case,
                c.profile.name(),
                if c.theirs { "accept" } else { "reject" },
                c.ours,
                c.said.chars().take(150).collect::<String>()
            );
        }
    }
    for line in &disagreements {
        println!("  {line}");
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}
