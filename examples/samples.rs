//! Generates the page's "Load an example" scenarios into `static/samples/`:
//! `cargo run --example samples`. Keys are throwaway; validity spans 2025–2035 around a fixed
//! date so the examples keep their meaning for years.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, SanType,
};
use time::macros::datetime;

struct Node {
    params: CertificateParams,
    key: KeyPair,
    pem: String,
}

fn name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Example Corp");
    dn.push(DnType::CommonName, cn);
    dn
}

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = name(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = datetime!(2025-01-01 0:00 UTC);
    p.not_after = datetime!(2035-01-01 0:00 UTC);
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

fn client(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = name(cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p.subject_alt_names = vec![SanType::DnsName(
        format!("{cn}.example.com").try_into().unwrap(),
    )];
    p.not_before = datetime!(2025-06-01 0:00 UTC);
    p.not_after = datetime!(2034-06-01 0:00 UTC);
    p.use_authority_key_identifier_extension = true;
    p
}

fn root(params: CertificateParams) -> Node {
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    Node { params, key, pem }
}

fn issue(params: CertificateParams, issuer: &Node) -> Node {
    let key = KeyPair::generate().unwrap();
    let pem = params
        .signed_by(&key, &Issuer::from_params(&issuer.params, &issuer.key))
        .unwrap()
        .pem();
    Node { params, key, pem }
}

fn write(dir: &Path, name: &str, client: &[&str], trust: &[&str]) {
    std::fs::write(dir.join(format!("{name}.client.pem")), client.concat()).unwrap();
    std::fs::write(dir.join(format!("{name}.trust.pem")), trust.concat()).unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/samples");
    std::fs::create_dir_all(&dir).unwrap();
    let root_ca = root(ca("Example Root CA"));
    let issuing = issue(ca("Example Issuing CA"), &root_ca);

    let alice = issue(client("alice"), &issuing);
    let alice_key = alice.key.serialize_pem();
    write(
        &dir,
        "good-chain",
        &[&alice.pem, &issuing.pem, &alice_key],
        &[&root_ca.pem],
    );

    write(&dir, "missing-intermediate", &[&alice.pem], &[&root_ca.pem]);

    let mut server_only = client("web-server");
    server_only.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_only = issue(server_only, &issuing);
    write(
        &dir,
        "server-auth-eku",
        &[&server_only.pem, &issuing.pem],
        &[&root_ca.pem],
    );

    let mut old = ca("Example Legacy Issuing CA");
    old.not_after = datetime!(2025-06-01 0:00 UTC);
    let old = issue(old, &root_ca);
    let mut bob = client("bob");
    bob.not_before = datetime!(2025-02-01 0:00 UTC);
    let bob = issue(bob, &old);
    write(
        &dir,
        "expired-intermediate",
        &[&bob.pem, &old.pem],
        &[&root_ca.pem],
    );

    // The server trusts a re-issued root: same name, new key.
    let reissued = root(ca("Example Root CA"));
    write(
        &dir,
        "reissued-root",
        &[&alice.pem, &issuing.pem],
        &[&reissued.pem],
    );
    println!("samples written to {}", dir.display());
}
