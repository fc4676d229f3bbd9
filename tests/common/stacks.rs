//! The real stacks the profiles are compared with: rustls-webpki called as rustls calls it, Go's
//! crypto/x509 and crypto/tls (tests/go/verify.go), the JDK's JSSE (tests/java/Verify.java).
//! OpenSSL is run by `super::openssl_verify`. Under `CI`, a missing Go or JDK fails the test
//! that needs it instead of letting it pass without comparing anything.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pki_types::pem::PemObject as _;
use pki_types::{CertificateDer, CertificateRevocationListDer};
use serde_json::Value;

/// One client chain against roots, as every stack takes it.
pub struct Chain<'a> {
    pub name: &'a str,
    /// The client's files: its certificate first, the intermediates, maybe its key (PEM).
    pub client: &'a [String],
    pub roots: &'a [String],
    pub crls: &'a [String],
    /// OCSP responses (DER) for the client certificate: the responder's answer.
    pub ocsp: &'a [Vec<u8>],
    pub time: i64,
    pub usage: mtls_inspector::profiles::Usage,
}

/// Under `CI` a missing tool is a failure; elsewhere the caller says it skipped.
pub fn missing(tool: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{tool} is missing: `make setup` installs it, and under CI nothing may be skipped"
    );
    eprintln!("SKIPPED: {tool} is missing (make setup installs it)");
}

/// rustls-webpki's decision, made as rustls' WebPkiClientVerifier makes it (builder defaults
/// with the CRLs: whole chain, unknown status denied, expired CRLs allowed); `None` = accepted,
/// else the error's name. A CRL rustls cannot load fails the verifier's construction.
pub fn webpki(chain: &Chain<'_>) -> Option<String> {
    let certificates: Vec<CertificateDer<'static>> = chain
        .client
        .iter()
        .flat_map(|pem| CertificateDer::pem_slice_iter(pem.as_bytes()).filter_map(Result::ok))
        .collect();
    let (leaf, intermediates) = certificates.split_first()?;
    let trusted: Vec<CertificateDer<'static>> = chain
        .roots
        .iter()
        .flat_map(|pem| CertificateDer::pem_slice_iter(pem.as_bytes()).filter_map(Result::ok))
        .collect();
    let anchors: Vec<_> = trusted
        .iter()
        .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let mut crls = Vec::new();
    for pem in chain.crls {
        let der = CertificateRevocationListDer::from_pem_slice(pem.as_bytes()).ok()?;
        match webpki::OwnedCertRevocationList::from_der(&der) {
            Ok(crl) => crls.push(webpki::CertRevocationList::from(crl)),
            Err(error) => return Some(format!("{error:?}")),
        }
    }
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();
    let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|b| {
            b.with_depth(webpki::RevocationCheckDepth::Chain)
                .with_status_policy(webpki::UnknownStatusPolicy::Deny)
                .with_expiration_policy(webpki::ExpirationPolicy::Ignore)
                .build()
        });
    let ee = match webpki::EndEntityCert::try_from(leaf) {
        Ok(ee) => ee,
        Err(e) => return Some(format!("{e:?}")),
    };
    if let Some(refused) = rustls_key_refused(chain.client, &ee) {
        return Some(refused);
    }
    let time = pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(chain.time).unwrap_or(0),
    ));
    let usage = match chain.usage {
        mtls_inspector::profiles::Usage::Client => webpki::KeyUsage::client_auth(),
        mtls_inspector::profiles::Usage::Server => webpki::KeyUsage::server_auth(),
    };
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        intermediates,
        time,
        usage,
        revocation,
        None,
    )
    .err()
    .map(|e| format!("{e:?}"))
}

/// What rustls with its *ring* provider does with the client's key: loads it (*ring* refuses a
/// key whose parts do not belong together) and signs the CertificateVerify, which the server
/// verifies with the certificate's key. `None` when that works or no key is given.
fn rustls_key_refused(client: &[String], ee: &webpki::EndEntityCert<'_>) -> Option<String> {
    use pki_types::PrivateKeyDer;
    use ring::signature as sig;
    let key = client
        .iter()
        .find_map(|pem| PrivateKeyDer::from_pem_slice(pem.as_bytes()).ok())?;
    let PrivateKeyDer::Pkcs8(pkcs8) = key else {
        return Some("the corpus gives PKCS#8 keys".into());
    };
    let random = ring::rand::SystemRandom::new();
    let message = b"CertificateVerify";
    let der = pkcs8.secret_pkcs8_der();
    let signed: Option<(Vec<u8>, &dyn pki_types::SignatureVerificationAlgorithm)> =
        if let Ok(pair) =
            sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, der, &random)
        {
            Some((
                pair.sign(&random, message).ok()?.as_ref().to_vec(),
                webpki::ring::ECDSA_P256_SHA256,
            ))
        } else if let Ok(pair) = sig::RsaKeyPair::from_pkcs8(der) {
            let mut out = vec![0; pair.public().modulus_len()];
            pair.sign(&sig::RSA_PKCS1_SHA256, &random, message, &mut out)
                .ok()?;
            Some((out, webpki::ring::RSA_PKCS1_2048_8192_SHA256))
        } else if let Ok(pair) = sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            Some((pair.sign(message).as_ref().to_vec(), webpki::ring::ED25519))
        } else {
            None
        };
    let Some((signature, algorithm)) = signed else {
        return Some("rustls cannot load the private key".into());
    };
    ee.verify_signature(algorithm, message, &signature)
        .err()
        .map(|e| format!("CertificateVerify: {e:?}"))
}

/// Builds tests/go/verify.go once into target/; `None` without a Go toolchain.
pub fn go_verifier() -> Option<PathBuf> {
    let go = super::go_toolchain()?;
    Some(super::go_build(&go, "tests/go/verify.go", "go-verify"))
}

/// Go's decision on each chain: (accepted, error).
pub fn go(verifier: &Path, chains: &[Chain<'_>]) -> Vec<(bool, String)> {
    let cases: Vec<Value> = chains
        .iter()
        .map(|c| {
            let usage = match c.usage {
                mtls_inspector::profiles::Usage::Client => "client",
                mtls_inspector::profiles::Usage::Server => "server",
            };
            serde_json::json!({"name": c.name, "chain": c.client, "roots": c.roots,
                               "time": c.time, "usage": usage})
        })
        .collect();
    let mut child = Command::new(verifier)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(&cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success());
    let results: Vec<(bool, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["ok"].as_bool().unwrap(),
                v["error"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(results.len(), chains.len());
    results
}

/// The JDK's version line; `None` without java.
pub fn java_version() -> Option<String> {
    let output = Command::new("java").arg("-version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

/// The JDK's decision on each chain: (accepted, message).
pub fn java(label: &str, chains: &[Chain<'_>]) -> Vec<(bool, String)> {
    let dir = super::temp_dir(label);
    let mut args: Vec<String> = vec![
        "--add-exports".into(),
        "java.base/sun.security.validator=ALL-UNNAMED".into(),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/java/Verify.java")
            .display()
            .to_string(),
    ];
    for (i, chain) in chains.iter().enumerate() {
        let case_dir = dir.join(i.to_string());
        std::fs::create_dir_all(&case_dir).unwrap();
        std::fs::write(case_dir.join("chain.pem"), chain.client.concat()).unwrap();
        std::fs::write(case_dir.join("roots.pem"), chain.roots.concat()).unwrap();
        if !chain.crls.is_empty() {
            std::fs::write(case_dir.join("crls.pem"), chain.crls.concat()).unwrap();
        }
        assert!(chain.ocsp.len() <= 1, "one OCSP response per case");
        if let Some(response) = chain.ocsp.first() {
            std::fs::write(case_dir.join("ocsp.der"), response).unwrap();
        }
        std::fs::write(case_dir.join("time"), chain.time.to_string()).unwrap();
        let usage = match chain.usage {
            mtls_inspector::profiles::Usage::Client => "client",
            mtls_inspector::profiles::Usage::Server => "server",
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
    assert_eq!(results.len(), chains.len());
    results
}
