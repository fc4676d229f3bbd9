//! Writes the benchmark inputs into a directory (default `target/bench-inputs`):
//! `chain.pem` + `root.pem` (a 3-certificate chain), `system-trust.pem` (the system trust store
//! plus the root, when the system has one), and `bundle-5000.pem` / `bundle-10000.pem`
//! (unrelated CA certificates appended to the chain). `cargo run --release --example bench_inputs`.

use std::path::PathBuf;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::macros::datetime;

fn params(cn: &str, ca: bool) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = datetime!(2025-01-01 0:00 UTC);
    p.not_after = datetime!(2035-01-01 0:00 UTC);
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    } else {
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    }
    p
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-inputs"));
    std::fs::create_dir_all(&dir).unwrap();
    let root_key = KeyPair::generate().unwrap();
    let root_params = params("Bench Root CA", true);
    let root = root_params.self_signed(&root_key).unwrap();
    let int_key = KeyPair::generate().unwrap();
    let int_params = params("Bench Issuing CA", true);
    let int = int_params
        .signed_by(&int_key, &Issuer::from_params(&root_params, &root_key))
        .unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = params("bench-client", false)
        .signed_by(&leaf_key, &Issuer::from_params(&int_params, &int_key))
        .unwrap();
    let chain = format!("{}{}", leaf.pem(), int.pem());
    std::fs::write(dir.join("chain.pem"), &chain).unwrap();
    std::fs::write(dir.join("root.pem"), root.pem()).unwrap();
    let system = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    std::fs::write(
        dir.join("system-trust.pem"),
        format!("{system}{}", root.pem()),
    )
    .unwrap();
    let bulk_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut bulk = String::new();
    for i in 0..10_000 {
        bulk.push_str(
            &params(&format!("Bulk CA {i}"), true)
                .self_signed(&bulk_key)
                .unwrap()
                .pem(),
        );
        if i + 1 == 5_000 {
            std::fs::write(dir.join("bundle-5000.pem"), format!("{chain}{bulk}")).unwrap();
        }
    }
    std::fs::write(dir.join("bundle-10000.pem"), format!("{chain}{bulk}")).unwrap();
    println!("bench inputs in {}", dir.display());
}
