//! Differential test of OCSP responses given as files (tests/common/ocsp_corpus.rs): each case
//! is the corpus' good chain with a response for its client certificate, taken as the
//! responder's answer. OpenSSL decides as nginx's `ssl_ocsp` does — `openssl ocsp` verifies the
//! response (`OCSP_basic_verify` with the client's chain), finds the SHA-1 CertID's status and
//! checks its times (`OCSP_check_validity`, 300 s of leeway, at the suite's time under
//! libfaketime) — and the JDK as PKIX with revocation on and the response given to its
//! `PKIXRevocationChecker`. The openssl, nginx and java profiles must decide as their stack does
//! on every case; the webpki and go profiles must accept every case (neither stack checks OCSP
//! for a client certificate, and the chain is good).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::process::Command;

use common::ocsp_corpus::{OcspCase, ocsp_cases};
use common::stacks::{self, Chain};
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::profiles::Usage;
use mtls_inspector::{Options, Profile, Report, Side, Verdict, inspect};

fn report(case: &OcspCase) -> Report {
    let mut files = Vec::new();
    for (i, pem) in case.case.client_pems().iter().enumerate() {
        files.push((
            Side::Client,
            format!("client-{i}.pem"),
            pem.clone().into_bytes(),
        ));
    }
    for (i, pem) in case.case.root_pems().iter().enumerate() {
        files.push((
            Side::Trust,
            format!("root-{i}.pem"),
            pem.clone().into_bytes(),
        ));
    }
    for (i, response) in case.responses.iter().enumerate() {
        files.push((Side::Trust, format!("ocsp-{i}.der"), response.clone()));
    }
    inspect(&borrow_inputs(&files), &Options::at(case.case.time))
}

/// nginx's decision through `openssl ocsp`: the response verifies, holds a status for the
/// client certificate, that status is current and good. (accepted, what it printed)
fn openssl(case: &OcspCase) -> (bool, String) {
    let dir = common::temp_dir(case.case.name);
    let root = case.case.root_pems().concat();
    let intermediate = case.case.intermediate_pems().concat();
    std::fs::write(dir.join("leaf.pem"), case.case.leaf_pem()).unwrap();
    std::fs::write(dir.join("issuer.pem"), &intermediate).unwrap();
    std::fs::write(dir.join("roots.pem"), &root).unwrap();
    // nginx passes the verified chain, anchor included, as the certificates to find the signer in.
    let chain = [case.case.leaf_pem(), intermediate, root].concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
    std::fs::write(dir.join("response.der"), &case.responses[0]).unwrap();
    let output = Command::new("openssl")
        .args([
            "ocsp",
            "-respin",
            "response.der",
            "-issuer",
            "issuer.pem",
            "-cert",
            "leaf.pem",
            "-CAfile",
            "roots.pem",
            "-verify_other",
            "chain.pem",
            "-no_nonce",
        ])
        .envs(common::faketime_env(case.case.time))
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let accepted = output.status.success()
        && text.contains("Response verify OK")
        && text.contains("leaf.pem: good")
        && !text.contains("Status times invalid");
    (
        accepted,
        text.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

#[test]
fn every_profile_decides_the_ocsp_corpus_as_its_stack_does() {
    let cases = ocsp_cases();
    let have_java = stacks::java_version().is_some();
    if !have_java {
        stacks::missing("java");
    }
    let have_faketime = std::panic::catch_unwind(common::faketime_library).is_ok();
    if !have_faketime {
        stacks::missing("faketime");
        return;
    }
    let clients: Vec<Vec<String>> = cases.iter().map(|c| c.case.client_pems()).collect();
    let roots: Vec<Vec<String>> = cases.iter().map(|c| c.case.root_pems()).collect();
    let chains: Vec<Chain<'_>> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| Chain {
            name: case.case.name,
            client: &clients[i],
            roots: &roots[i],
            crls: &[],
            ocsp: &case.responses,
            time: case.case.time,
            usage: Usage::Client,
        })
        .collect();
    let java = if have_java {
        stacks::java("ocsp", &chains)
    } else {
        Vec::new()
    };
    let mut mismatches = Vec::new();
    let mut agreed = [0usize; 5];
    for (i, case) in cases.iter().enumerate() {
        let report = report(case);
        let ours = |profile: Profile| {
            report
                .profiles
                .iter()
                .find(|p| p.name == profile)
                .map(|p| p.verdict)
                .unwrap()
        };
        let (openssl_accepted, said) = openssl(case);
        let mut theirs: Vec<(Profile, bool, String)> = vec![
            (Profile::Openssl, openssl_accepted, said.clone()),
            (Profile::Nginx, openssl_accepted, said),
            (Profile::Webpki, true, "rustls checks no OCSP".into()),
            (Profile::Go, true, "Go checks no OCSP".into()),
        ];
        if let Some((accepted, said)) = java.get(i) {
            theirs.push((Profile::Java, *accepted, said.clone()));
        }
        for (slot, (profile, accepted, said)) in theirs.into_iter().enumerate() {
            let verdict = ours(profile);
            if (verdict == Verdict::Accepted) == accepted {
                agreed[slot] += 1;
            } else {
                let findings: Vec<String> = report
                    .findings
                    .iter()
                    .filter(|f| f.profiles.contains(&profile))
                    .map(|f| format!("{}: {}", f.code.as_str(), f.detail))
                    .collect();
                mismatches.push(format!(
                    "{} [{:?}]: stack {} ({said}); profile {verdict:?} {findings:?}",
                    case.case.name,
                    profile,
                    if accepted { "accepts" } else { "rejects" },
                ));
            }
        }
    }
    eprintln!(
        "OCSP corpus, {} cases: agreed openssl {}, nginx {}, webpki {}, go {}, java {}",
        cases.len(),
        agreed[0],
        agreed[1],
        agreed[2],
        agreed[3],
        agreed[4]
    );
    assert!(
        mismatches.is_empty(),
        "{} disagreements:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
