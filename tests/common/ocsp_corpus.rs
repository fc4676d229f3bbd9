//! OCSP responses for the malformed corpus' good chain, built field by field (RFC 6960 §4.2.1),
//! each with one thing changed: who signs (the issuing CA by name or by key hash, a delegated
//! responder with or without OCSPSigning, issued by another CA, expired, not carried, a wrong
//! key), the status (good, revoked, unknown), its times around each stack's clock skew, the
//! CertID (SHA-256, another serial), the responder's error statuses, critical extensions.
//! tests/ocsp_differential.rs runs them through `openssl ocsp` and the JDK's PKIX.

use super::der::{self, Key};
use super::malformed::{Case, Cert, INTERMEDIATE_NAME, Pki, ROOT_NAME};
use super::{DAY, NOW};

const SHA1: &str = "1.3.14.3.2.26";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
const MINUTE: i64 = 60;

/// A case of the corpus with the OCSP responses given for its client certificate.
pub struct OcspCase {
    pub case: Case,
    pub responses: Vec<Vec<u8>>,
    /// The client certificate's private key (PKCS#8 PEM), for a handshake.
    pub leaf_key: String,
}

/// A status: `[0] good`, `[1] revoked`, `[2] unknown`, as written.
fn good() -> Vec<u8> {
    der::tlv(0x80, &[])
}

fn unknown() -> Vec<u8> {
    der::tlv(0x82, &[])
}

/// `[1] IMPLICIT RevokedInfo { revocationTime, [0] EXPLICIT CRLReason }`.
fn revoked(time: i64, reason: Option<u8>) -> Vec<u8> {
    let mut info = der::generalized_time(time);
    if let Some(reason) = reason {
        info.extend(der::explicit(0, &der::tlv(0x0a, &[reason])));
    }
    der::tlv(0xa1, &info)
}

/// A CertID of the certificate with `serial` (an INTEGER element), issued by the CA with
/// `issuer_name` and `issuer_key`, hashed with `hash`.
fn cert_id(hash: &str, issuer_name: &[u8], issuer_key: &Key, serial: &[u8]) -> Vec<u8> {
    let digest = |bytes: &[u8]| {
        let algorithm = match hash {
            SHA1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            _ => &ring::digest::SHA256,
        };
        ring::digest::digest(algorithm, bytes).as_ref().to_vec()
    };
    der::seq(&[
        &der::seq(&[&der::oid(hash), &[0x05, 0x00]]),
        &der::octet_string(&digest(issuer_name)),
        &der::octet_string(&digest(&issuer_key.point())),
        serial,
    ])
}

/// One SingleResponse, field by field.
struct Single {
    cert_id: Vec<u8>,
    status: Vec<u8>,
    this_update: i64,
    next_update: Option<i64>,
    extensions: Vec<Vec<u8>>,
}

impl Single {
    fn encode(&self) -> Vec<u8> {
        let mut body = self.cert_id.clone();
        body.extend(&self.status);
        body.extend(der::generalized_time(self.this_update));
        if let Some(next) = self.next_update {
            body.extend(der::explicit(0, &der::generalized_time(next)));
        }
        if !self.extensions.is_empty() {
            let refs: Vec<&[u8]> = self.extensions.iter().map(Vec::as_slice).collect();
            body.extend(der::explicit(1, &der::seq(&refs)));
        }
        der::tlv(0x30, &body)
    }
}

/// A response, field by field.
struct Response<'k> {
    /// `[1] byName` or `[2] byKey`, complete.
    responder: Vec<u8>,
    key: &'k Key,
    produced_at: i64,
    singles: Vec<Single>,
    extensions: Vec<Vec<u8>>,
    /// The certificates carried, DER.
    certs: Vec<Vec<u8>>,
}

impl Response<'_> {
    fn encode(&self) -> Vec<u8> {
        let mut tbs = self.responder.clone();
        tbs.extend(der::generalized_time(self.produced_at));
        let singles: Vec<Vec<u8>> = self.singles.iter().map(Single::encode).collect();
        let refs: Vec<&[u8]> = singles.iter().map(Vec::as_slice).collect();
        tbs.extend(der::seq(&refs));
        if !self.extensions.is_empty() {
            let refs: Vec<&[u8]> = self.extensions.iter().map(Vec::as_slice).collect();
            tbs.extend(der::explicit(1, &der::seq(&refs)));
        }
        let tbs = der::tlv(0x30, &tbs);
        let signature = self.key.sign(&tbs);
        let mut basic = tbs;
        basic.extend(der::ecdsa_sha256());
        basic.extend(der::bit_string(&signature));
        if !self.certs.is_empty() {
            let refs: Vec<&[u8]> = self.certs.iter().map(Vec::as_slice).collect();
            basic.extend(der::explicit(0, &der::seq(&refs)));
        }
        let basic = der::tlv(0x30, &basic);
        successful(&basic)
    }
}

/// `OCSPResponse { successful, responseBytes { id-pkix-ocsp-basic, basic } }`.
fn successful(basic: &[u8]) -> Vec<u8> {
    der::seq(&[
        &der::tlv(0x0a, &[0]),
        &der::explicit(0, &der::seq(&[&der::oid(BASIC), &der::octet_string(basic)])),
    ])
}

fn by_name(name: &[u8]) -> Vec<u8> {
    der::explicit(1, name)
}

fn by_key(key: &Key) -> Vec<u8> {
    der::explicit(2, &der::octet_string(&key.key_id()))
}

/// A responder certificate issued by `issuer` (name, key): EKU `purposes` (none: no EKU).
fn responder_cert(
    pki: &Pki,
    key: &Key,
    issuer_name: &str,
    issuer_key: &Key,
    purposes: &[&str],
    not_after: i64,
) -> Vec<u8> {
    let mut extensions = vec![
        der::extension(der::BASIC_CONSTRAINTS, true, &der::seq(&[])),
        der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[0])),
    ];
    if !purposes.is_empty() {
        extensions.push(der::extension(
            der::EXTENDED_KEY_USAGE,
            false,
            &der::eku_value(purposes),
        ));
    }
    Cert {
        serial: der::integer(0x0c5b),
        issuer: der::simple_name(issuer_name),
        subject: der::simple_name("Corpus OCSP Responder"),
        not_before: der::time(NOW - 30 * DAY),
        not_after: der::time(not_after),
        spki: key.spki(),
        extensions,
        ..pki.leaf.clone()
    }
    .signed_by(issuer_key)
}

/// The cases: each is the good chain with responses for its client certificate.
pub fn ocsp_cases() -> Vec<OcspCase> {
    let pki = Pki::new();
    let responder_key = Key::generate();
    let ca_name = der::simple_name(INTERMEDIATE_NAME);
    let leaf_id = |hash| cert_id(hash, &ca_name, &pki.intermediate_key, &pki.leaf.serial);
    let single = |status: Vec<u8>| Single {
        cert_id: leaf_id(SHA1),
        status,
        this_update: NOW - DAY,
        next_update: Some(NOW + 6 * DAY),
        extensions: Vec::new(),
    };
    let by_ca = |singles: Vec<Single>| Response {
        responder: by_name(&ca_name),
        key: &pki.intermediate_key,
        produced_at: NOW - DAY,
        singles,
        extensions: Vec::new(),
        certs: Vec::new(),
    };
    let delegated = |purposes: &[&str], issuer: (&str, &Key), not_after: i64| Response {
        responder: by_name(&der::simple_name("Corpus OCSP Responder")),
        key: &responder_key,
        certs: vec![responder_cert(
            &pki,
            &responder_key,
            issuer.0,
            issuer.1,
            purposes,
            not_after,
        )],
        ..by_ca(vec![single(good())])
    };
    let issuing = (INTERMEDIATE_NAME, &pki.intermediate_key);
    let mut out: Vec<(&'static str, Vec<Vec<u8>>)> = vec![
        (
            "ocsp-good-by-issuer",
            vec![by_ca(vec![single(good())]).encode()],
        ),
        (
            "ocsp-revoked-key-compromise",
            vec![by_ca(vec![single(revoked(NOW - 10 * DAY, Some(1)))]).encode()],
        ),
        (
            "ocsp-revoked-no-reason",
            vec![by_ca(vec![single(revoked(NOW - 10 * DAY, None))]).encode()],
        ),
        (
            "ocsp-revoked-remove-from-crl",
            vec![by_ca(vec![single(revoked(NOW - 10 * DAY, Some(8)))]).encode()],
        ),
        (
            "ocsp-unknown",
            vec![by_ca(vec![single(unknown())]).encode()],
        ),
        (
            "ocsp-good-by-key-hash",
            vec![
                Response {
                    responder: by_key(&pki.intermediate_key),
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
        (
            "ocsp-responder-name-other-case",
            vec![
                Response {
                    responder: by_name(&der::simple_name(&INTERMEDIATE_NAME.to_lowercase())),
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
        (
            "ocsp-delegated-good",
            vec![delegated(&[OCSP_SIGNING], issuing, NOW + 90 * DAY).encode()],
        ),
        (
            "ocsp-delegated-revoked",
            vec![
                Response {
                    singles: vec![single(revoked(NOW - 2 * DAY, Some(4)))],
                    ..delegated(&[OCSP_SIGNING], issuing, NOW + 90 * DAY)
                }
                .encode(),
            ],
        ),
        (
            "ocsp-delegated-without-eku",
            vec![delegated(&[], issuing, NOW + 90 * DAY).encode()],
        ),
        (
            "ocsp-delegated-client-auth-eku",
            vec![delegated(&[der::CLIENT_AUTH], issuing, NOW + 90 * DAY).encode()],
        ),
        (
            "ocsp-delegated-by-root",
            vec![delegated(&[OCSP_SIGNING], (ROOT_NAME, &pki.root_key), NOW + 90 * DAY).encode()],
        ),
        (
            "ocsp-delegated-expired",
            vec![delegated(&[OCSP_SIGNING], issuing, NOW - DAY).encode()],
        ),
        (
            "ocsp-delegated-not-carried",
            vec![
                Response {
                    certs: Vec::new(),
                    ..delegated(&[OCSP_SIGNING], issuing, NOW + 90 * DAY)
                }
                .encode(),
            ],
        ),
        (
            "ocsp-signed-by-another-key",
            vec![
                Response {
                    key: &responder_key,
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
        (
            "ocsp-signed-by-root",
            vec![
                Response {
                    responder: by_name(&der::simple_name(ROOT_NAME)),
                    key: &pki.root_key,
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
    ];
    // Times around OpenSSL's 300 s (nginx) and Java's 900 s of clock skew.
    let dated = |this_update: i64, next_update: Option<i64>| {
        vec![
            by_ca(vec![Single {
                this_update,
                next_update,
                ..single(good())
            }])
            .encode(),
        ]
    };
    out.extend([
        (
            "ocsp-next-update-10-minutes-ago",
            dated(NOW - DAY, Some(NOW - 10 * MINUTE)),
        ),
        (
            "ocsp-next-update-4-minutes-ago",
            dated(NOW - DAY, Some(NOW - 4 * MINUTE)),
        ),
        (
            "ocsp-next-update-yesterday",
            dated(NOW - 2 * DAY, Some(NOW - DAY)),
        ),
        (
            "ocsp-this-update-in-10-minutes",
            dated(NOW + 10 * MINUTE, Some(NOW + DAY)),
        ),
        (
            "ocsp-this-update-in-20-minutes",
            dated(NOW + 20 * MINUTE, Some(NOW + DAY)),
        ),
        ("ocsp-no-next-update-a-day-old", dated(NOW - DAY, None)),
        (
            "ocsp-no-next-update-5-minutes-old",
            dated(NOW - 5 * MINUTE, None),
        ),
        (
            "ocsp-next-update-before-this-update",
            dated(NOW - DAY, Some(NOW - 2 * DAY)),
        ),
    ]);
    let other_serial = cert_id(SHA1, &ca_name, &pki.intermediate_key, &der::integer(77));
    out.extend([
        (
            "ocsp-sha256-cert-id",
            vec![
                by_ca(vec![Single {
                    cert_id: leaf_id(SHA256),
                    ..single(good())
                }])
                .encode(),
            ],
        ),
        (
            "ocsp-other-serial-only",
            vec![
                by_ca(vec![Single {
                    cert_id: other_serial.clone(),
                    ..single(good())
                }])
                .encode(),
            ],
        ),
        (
            "ocsp-other-serial-good-leaf-revoked",
            vec![
                by_ca(vec![
                    Single {
                        cert_id: other_serial.clone(),
                        ..single(good())
                    },
                    single(revoked(NOW - DAY, Some(1))),
                ])
                .encode(),
            ],
        ),
        (
            "ocsp-other-status-expired",
            vec![
                by_ca(vec![
                    Single {
                        cert_id: other_serial.clone(),
                        this_update: NOW - 3 * DAY,
                        next_update: Some(NOW - 2 * DAY),
                        ..single(good())
                    },
                    single(good()),
                ])
                .encode(),
            ],
        ),
        ("ocsp-try-later", vec![der::seq(&[&der::tlv(0x0a, &[3])])]),
        (
            "ocsp-unauthorized",
            vec![der::seq(&[&der::tlv(0x0a, &[6])])],
        ),
        (
            "ocsp-critical-single-extension",
            vec![
                by_ca(vec![Single {
                    extensions: vec![der::extension("1.3.6.1.4.1.55555.1", true, &[0x05, 0x00])],
                    ..single(good())
                }])
                .encode(),
            ],
        ),
        (
            "ocsp-critical-response-extension",
            vec![
                Response {
                    extensions: vec![der::extension("1.3.6.1.4.1.55555.2", true, &[0x05, 0x00])],
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
        (
            "ocsp-critical-nonce",
            vec![
                Response {
                    extensions: vec![der::extension(NONCE, true, &der::octet_string(&[7; 16]))],
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
        (
            "ocsp-nonce",
            vec![
                Response {
                    extensions: vec![der::extension(NONCE, false, &der::octet_string(&[7; 16]))],
                    ..by_ca(vec![single(good())])
                }
                .encode(),
            ],
        ),
    ]);
    out.into_iter()
        .map(|(name, responses)| OcspCase {
            case: pki.case(name, &pki.leaf),
            responses,
            leaf_key: pki.leaf_key.pem(),
        })
        .collect()
}
