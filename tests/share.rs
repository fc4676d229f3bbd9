//! Share links restore the inspection they were made from, and never carry a key.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::diagnosis::Code;
use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::share::Shared;
use mtls_inspector::{Options, Report, inspect};

/// Findings about the inputs themselves (keys, unreadable parts), which a link does not carry.
fn about_inputs(code: Code) -> bool {
    matches!(
        code,
        Code::PrivateKeyMatches
            | Code::PrivateKeyMismatch
            | Code::PrivateKeyUnverifiable
            | Code::UnreadableInput
            | Code::CertificateRequestIgnored
            | Code::DuplicateCertificate
    )
}

fn decisions(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .profiles
        .iter()
        .map(|p| {
            let codes: Vec<&str> = p
                .findings
                .iter()
                .filter(|c| !about_inputs(**c))
                .map(|c| c.as_str())
                .collect();
            format!("{:?}: {} {codes:?}", p.name, p.verdict.as_str())
        })
        .collect();
    out.push(format!("chain {:?}", report.chain.len()));
    out
}

#[test]
fn every_scenario_is_restored_from_its_link() {
    let mut restored = 0;
    for scenario in common::all() {
        let report = scenario.inspect();
        let shared = Shared::of(&report);
        let bytes = shared.to_bytes();
        assert_eq!(
            Shared::from_bytes(&bytes).as_ref(),
            Some(&shared),
            "{}",
            scenario.name
        );
        let files = shared.inputs();
        let again = inspect(&borrow_inputs(&files), &Options::at(shared.time));
        // A client bundle with a certificate that does not parse cannot be shared as it was,
        // and a key never is: its verdict (a mismatch rejects) is not part of a link.
        if report
            .findings
            .iter()
            .any(|f| f.code == Code::MalformedCertificate || f.code == Code::PrivateKeyMismatch)
        {
            continue;
        }
        assert_eq!(decisions(&again), decisions(&report), "{}", scenario.name);
        restored += 1;
    }
    assert!(restored > 40, "{restored}");
}

#[test]
fn a_link_never_carries_a_key() {
    let pki = common::Pki::new("Share");
    let leaf = pki.client(common::client("alice"));
    let key_pem = leaf.key_pem();
    let key_der = leaf.key.serialized_der().to_vec();
    let report = common::run(
        &[
            ("alice.pem", leaf.pem.as_bytes()),
            ("alice.key", key_pem.as_bytes()),
            ("issuer.pem", pki.intermediate.pem.as_bytes()),
        ],
        &[("root.pem", pki.root.pem.as_bytes())],
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == Code::PrivateKeyMatches)
    );
    let bytes = Shared::of(&report).to_bytes();
    // The key's DER shares its public key and OIDs with the certificate; every 16-byte window
    // of it that is not public (the private scalar) must be absent from the payload.
    let public: Vec<&[u8]> = vec![&leaf.der, &pki.intermediate.der, &pki.root.der];
    let secret: Vec<&[u8]> = key_der
        .windows(16)
        .filter(|window| {
            !public
                .iter()
                .any(|der| der.windows(16).any(|w| w == *window))
        })
        .collect();
    assert!(secret.len() >= 16, "the private scalar is 32 bytes");
    for window in secret {
        assert!(
            !bytes.windows(16).any(|w| w == window),
            "key bytes in the link"
        );
    }
    assert!(!String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"));
    let shared = Shared::from_bytes(&bytes).unwrap();
    assert_eq!(shared.client.len(), 2);
    assert_eq!(shared.trust.len(), 1);
}

#[test]
fn corrupt_payloads_are_refused() {
    let scenario = &common::all()[0];
    let bytes = Shared::of(&scenario.inspect()).to_bytes();
    for end in 0..bytes.len() {
        assert!(Shared::from_bytes(&bytes[..end]).is_none());
    }
    let mut other_version = bytes.clone();
    other_version[0] = bytes[0].wrapping_add(1);
    assert!(Shared::from_bytes(&other_version).is_none());
}
