//! The malformed-but-plausible corpus: certificates, CRLs and keys of the kinds real servers
//! meet, each built field by field (tests/common/der.rs) from a good root → intermediate →
//! client chain with one thing changed, and signed again so that only that thing is wrong.
//! tests/malformed_differential.rs runs every case through real OpenSSL 3, Go's crypto/x509,
//! rustls-webpki and the JDK, and each profile must decide as its stack does.

use super::der::{self, Key};
use super::{DAY, NOW, pem_block, pem_der, temp_dir};

/// One case: the client's certificate (exact bytes, trailing ones included), the intermediates
/// it sends, the server's roots, the CRLs it is configured with, and the client's key.
pub struct Case {
    pub name: &'static str,
    pub leaf: Vec<u8>,
    pub intermediates: Vec<Vec<u8>>,
    pub roots: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub key: Option<String>,
    pub time: i64,
}

/// A TBSCertificate, field by field, each as the exact bytes to write.
#[derive(Clone)]
pub struct Cert {
    /// `[0] EXPLICIT Version`, or nothing (v1).
    pub version: Option<Vec<u8>>,
    pub serial: Vec<u8>,
    pub signature: Vec<u8>,
    pub issuer: Vec<u8>,
    pub not_before: Vec<u8>,
    pub not_after: Vec<u8>,
    pub subject: Vec<u8>,
    pub spki: Vec<u8>,
    /// Each Extension element; none writes no `[3]` at all.
    pub extensions: Vec<Vec<u8>>,
    /// Bytes written inside the TBS after the extensions.
    pub inside_tbs_after: Vec<u8>,
    /// The outer signatureAlgorithm.
    pub outer_algorithm: Vec<u8>,
}

impl Cert {
    pub fn tbs(&self) -> Vec<u8> {
        let validity = der::seq(&[&self.not_before, &self.not_after]);
        let mut body = Vec::new();
        if let Some(version) = &self.version {
            body.extend(version);
        }
        body.extend(&self.serial);
        body.extend(&self.signature);
        body.extend(&self.issuer);
        body.extend(&validity);
        body.extend(&self.subject);
        body.extend(&self.spki);
        if !self.extensions.is_empty() {
            let list = der::tlv(0x30, &self.extensions.concat());
            body.extend(der::explicit(3, &list));
        }
        body.extend(&self.inside_tbs_after);
        der::tlv(0x30, &body)
    }

    /// Signed with `key` (ECDSA P-256, SHA-256).
    pub fn signed_by(&self, key: &Key) -> Vec<u8> {
        let tbs = self.tbs();
        der::signed(&tbs, &self.outer_algorithm, &key.sign(&tbs))
    }

    /// The same, with this extension (by OID) replaced or removed.
    pub fn without(mut self, oid: &str) -> Self {
        let oid = der::oid(oid);
        self.extensions
            .retain(|e| !e.windows(oid.len()).take(4).any(|w| w == oid.as_slice()));
        self
    }

    pub fn with(mut self, extension: Vec<u8>) -> Self {
        self.extensions.push(extension);
        self
    }
}

fn authority_key_id(issuer: &Key) -> Vec<u8> {
    der::extension(
        der::AUTHORITY_KEY_ID,
        false,
        &der::seq(&[&der::tlv(0x80, &issuer.key_id())]),
    )
}

fn subject_key_id(key: &Key) -> Vec<u8> {
    der::extension(
        der::SUBJECT_KEY_ID,
        false,
        &der::octet_string(&key.key_id()),
    )
}

/// A CA's extensions: CA:TRUE, keyCertSign + cRLSign, key identifiers.
fn ca_extensions(key: &Key, issuer: &Key) -> Vec<Vec<u8>> {
    vec![
        der::extension(der::BASIC_CONSTRAINTS, true, &der::basic_constraints_ca()),
        der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[5, 6])),
        subject_key_id(key),
        authority_key_id(issuer),
    ]
}

/// The good chain every case starts from.
pub struct Pki {
    pub root_key: Key,
    pub intermediate_key: Key,
    pub leaf_key: Key,
    pub root: Cert,
    pub intermediate: Cert,
    pub leaf: Cert,
}

pub const ROOT_NAME: &str = "Corpus Root CA";
pub const INTERMEDIATE_NAME: &str = "Corpus Issuing CA";

impl Pki {
    pub fn new() -> Self {
        let (root_key, intermediate_key, leaf_key) =
            (Key::generate(), Key::generate(), Key::generate());
        let v3 = Some(der::explicit(0, &der::integer(2)));
        let root = Cert {
            version: v3.clone(),
            serial: der::integer(1),
            signature: der::ecdsa_sha256(),
            issuer: der::simple_name(ROOT_NAME),
            not_before: der::time(NOW - 365 * DAY),
            not_after: der::time(NOW + 5 * 365 * DAY),
            subject: der::simple_name(ROOT_NAME),
            spki: root_key.spki(),
            extensions: ca_extensions(&root_key, &root_key),
            inside_tbs_after: Vec::new(),
            outer_algorithm: der::ecdsa_sha256(),
        };
        let intermediate = Cert {
            serial: der::integer(2),
            subject: der::simple_name(INTERMEDIATE_NAME),
            spki: intermediate_key.spki(),
            extensions: ca_extensions(&intermediate_key, &root_key),
            ..root.clone()
        };
        let leaf = Cert {
            serial: der::integer(0x10_2030),
            issuer: der::simple_name(INTERMEDIATE_NAME),
            not_before: der::time(NOW - 30 * DAY),
            not_after: der::time(NOW + 365 * DAY),
            subject: der::simple_name("alice"),
            spki: leaf_key.spki(),
            extensions: vec![
                der::extension(der::BASIC_CONSTRAINTS, true, &der::seq(&[])),
                der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[0])),
                der::extension(
                    der::EXTENDED_KEY_USAGE,
                    false,
                    &der::eku_value(&[der::CLIENT_AUTH]),
                ),
                der::extension(
                    der::SUBJECT_ALT_NAME,
                    false,
                    &der::dns_san_value("alice.example.com"),
                ),
                authority_key_id(&intermediate_key),
                subject_key_id(&leaf_key),
            ],
            ..root.clone()
        };
        Self {
            root_key,
            intermediate_key,
            leaf_key,
            root,
            intermediate,
            leaf,
        }
    }

    /// A case with this leaf (signed by the intermediate) and the good rest of the chain.
    pub fn case(&self, name: &'static str, leaf: &Cert) -> Case {
        self.case_with(name, leaf, &self.intermediate)
    }

    /// A case with this leaf and this intermediate (signed by the root).
    pub fn case_with(&self, name: &'static str, leaf: &Cert, intermediate: &Cert) -> Case {
        Case {
            name,
            leaf: leaf.signed_by(&self.intermediate_key),
            intermediates: vec![intermediate.signed_by(&self.root_key)],
            roots: vec![self.root.signed_by(&self.root_key)],
            crls: Vec::new(),
            key: None,
            time: NOW,
        }
    }
}

/// A CRL by `issuer` (name and key): `entries` are (serial INTEGER element, entry extensions),
/// `extensions` its own extensions besides the CRL number.
pub fn crl(
    issuer_name: &[u8],
    key: &Key,
    entries: &[(Vec<u8>, Vec<Vec<u8>>)],
    extensions: &[Vec<u8>],
) -> Vec<u8> {
    crl_dated(
        issuer_name,
        key,
        entries,
        extensions,
        NOW - DAY,
        NOW + 7 * DAY,
    )
}

/// The same, with its thisUpdate and nextUpdate.
pub fn crl_dated(
    issuer_name: &[u8],
    key: &Key,
    entries: &[(Vec<u8>, Vec<Vec<u8>>)],
    extensions: &[Vec<u8>],
    this_update: i64,
    next_update: i64,
) -> Vec<u8> {
    let mut body = der::integer(1);
    body.extend(der::ecdsa_sha256());
    body.extend(issuer_name);
    body.extend(der::time(this_update));
    body.extend(der::time(next_update));
    if !entries.is_empty() {
        let list: Vec<Vec<u8>> = entries
            .iter()
            .map(|(serial, entry_extensions)| {
                let mut entry = serial.clone();
                entry.extend(der::time(NOW - 2 * DAY));
                if !entry_extensions.is_empty() {
                    entry.extend(der::tlv(0x30, &entry_extensions.concat()));
                }
                der::tlv(0x30, &entry)
            })
            .collect();
        body.extend(der::tlv(0x30, &list.concat()));
    }
    let mut all = vec![der::extension("2.5.29.20", false, &der::integer(1))];
    all.extend_from_slice(extensions);
    body.extend(der::explicit(0, &der::tlv(0x30, &all.concat())));
    let tbs = der::tlv(0x30, &body);
    der::signed(&tbs, &der::ecdsa_sha256(), &key.sign(&tbs))
}

/// The good CRLs of the chain: the root's (for the intermediate) and the intermediate's.
fn good_crls(pki: &Pki) -> Vec<Vec<u8>> {
    vec![
        crl(&der::simple_name(ROOT_NAME), &pki.root_key, &[], &[]),
        crl(
            &der::simple_name(INTERMEDIATE_NAME),
            &pki.intermediate_key,
            &[],
            &[],
        ),
    ]
}

/// An unknown private extension OID.
const UNKNOWN: &str = "1.3.6.1.4.1.55555.1";

fn eku_with_raw_oid(oid_content: &[u8]) -> Vec<u8> {
    der::extension(
        der::EXTENDED_KEY_USAGE,
        false,
        &der::seq(&[&der::tlv(0x06, oid_content)]),
    )
}

/// The cases about names: the client certificate's issuer name against the CA's subject.
fn name_cases(pki: &Pki, out: &mut Vec<Case>) {
    let leaf_issued = |issuer: Vec<u8>| Cert {
        issuer,
        ..pki.leaf.clone()
    };
    let intermediate_named = |subject: Vec<u8>| Cert {
        subject,
        ..pki.intermediate.clone()
    };
    // One attribute whose value holds what prints as two.
    let trick = der::name(&[(der::O, der::UTF8, b"Example, CN=Issuing CA")]);
    let honest = der::name(&[
        (der::O, der::UTF8, b"Example"),
        (der::CN, der::UTF8, b"Issuing CA"),
    ]);
    out.push(pki.case_with(
        "name-comma-inside-a-value",
        &leaf_issued(honest),
        &intermediate_named(trick),
    ));
    let variants: [(&'static str, Vec<u8>, Vec<u8>); 5] = [
        (
            "name-differs-in-case",
            der::name(&[(der::CN, der::UTF8, b"corpus issuing ca")]),
            der::name(&[(der::CN, der::UTF8, b"Corpus Issuing CA")]),
        ),
        (
            "name-differs-in-spaces",
            der::name(&[(der::CN, der::UTF8, b"  Corpus   Issuing CA ")]),
            der::name(&[(der::CN, der::UTF8, b"Corpus Issuing CA")]),
        ),
        (
            "name-differs-in-string-type",
            der::name(&[(der::CN, der::UTF8, b"Corpus Issuing CA")]),
            der::name(&[(der::CN, der::PRINTABLE, b"Corpus Issuing CA")]),
        ),
        (
            "name-bmpstring-against-utf8string",
            der::name(&[(der::CN, der::UTF8, b"Corpus Issuing CA")]),
            der::name(&[(der::CN, der::BMP, &der::bmp("Corpus Issuing CA"))]),
        ),
        (
            "name-ia5string-against-utf8string",
            der::name(&[(der::CN, der::UTF8, b"Corpus Issuing CA")]),
            der::name(&[(der::CN, der::IA5, b"Corpus Issuing CA")]),
        ),
    ];
    for (name, leaf_issuer, ca_subject) in variants {
        out.push(pki.case_with(
            name,
            &leaf_issued(leaf_issuer),
            &intermediate_named(ca_subject),
        ));
    }
    // A multi-valued RDN, its attributes in the other order.
    let ab = der::seq(&[&der::set(&[
        &der::seq(&[&der::oid(der::O), &der::tlv(der::UTF8, b"Corpus")]),
        &der::seq(&[&der::oid(der::CN), &der::tlv(der::UTF8, b"Issuing CA")]),
    ])]);
    let ba = der::seq(&[&der::set(&[
        &der::seq(&[&der::oid(der::CN), &der::tlv(der::UTF8, b"Issuing CA")]),
        &der::seq(&[&der::oid(der::O), &der::tlv(der::UTF8, b"Corpus")]),
    ])]);
    out.push(pki.case_with(
        "name-multivalued-rdn-in-other-order",
        &leaf_issued(ab),
        &intermediate_named(ba),
    ));
    // A subject whose UTF8String is not UTF-8, and a BMPString of odd length.
    out.push(pki.case(
        "subject-utf8string-not-utf8",
        &Cert {
            subject: der::name(&[(der::CN, der::UTF8, b"al\xffice")]),
            ..pki.leaf.clone()
        },
    ));
    out.push(pki.case(
        "subject-bmpstring-odd-length",
        &Cert {
            subject: der::name(&[(der::CN, der::BMP, b"\x00a\x00l\x00")]),
            ..pki.leaf.clone()
        },
    ));
}

/// The cases about extensions of the client certificate and of the intermediate.
fn extension_cases(pki: &Pki, out: &mut Vec<Case>) {
    let leaf = || pki.leaf.clone();
    let eku = der::EXTENDED_KEY_USAGE;
    // clientAuth 1.3.6.1.5.5.7.3.2 with its last arc cut, and with a 0x80 padding byte.
    let client_auth = der::oid_bytes(der::CLIENT_AUTH);
    let truncated: Vec<u8> = [&client_auth[..client_auth.len() - 1], &[0x82]].concat();
    let padded: Vec<u8> = [&client_auth[..client_auth.len() - 1], &[0x80, 0x02]].concat();
    let server_auth = der::oid_bytes(der::SERVER_AUTH);
    let padded_server: Vec<u8> = [&server_auth[..server_auth.len() - 1], &[0x80, 0x01]].concat();
    let leaf_cases: Vec<(&'static str, Cert)> = vec![
        (
            "eku-oid-truncated",
            leaf().without(eku).with(eku_with_raw_oid(&truncated)),
        ),
        (
            "eku-oid-with-padding-byte",
            leaf().without(eku).with(eku_with_raw_oid(&padded)),
        ),
        (
            "eku-not-a-sequence",
            leaf()
                .without(eku)
                .with(der::extension(eku, false, &der::octet_string(b"\xde\xad"))),
        ),
        (
            "eku-empty",
            leaf()
                .without(eku)
                .with(der::extension(eku, false, &der::seq(&[]))),
        ),
        (
            "eku-twice",
            leaf()
                .without(eku)
                .with(der::extension(
                    eku,
                    false,
                    &der::eku_value(&[der::SERVER_AUTH]),
                ))
                .with(der::extension(
                    eku,
                    false,
                    &der::eku_value(&[der::CLIENT_AUTH]),
                )),
        ),
        (
            "key-usage-not-a-bit-string",
            leaf().without(der::KEY_USAGE).with(der::extension(
                der::KEY_USAGE,
                true,
                &der::integer(1),
            )),
        ),
        (
            "key-usage-with-trailing-zero-byte",
            leaf().without(der::KEY_USAGE).with(der::extension(
                der::KEY_USAGE,
                true,
                &[0x03, 0x03, 0x07, 0x80, 0x00],
            )),
        ),
        (
            "basic-constraints-false-written-out",
            leaf().without(der::BASIC_CONSTRAINTS).with(der::extension(
                der::BASIC_CONSTRAINTS,
                true,
                &der::seq(&[&[0x01, 0x01, 0x00]]),
            )),
        ),
        (
            "critical-flag-as-ber-boolean",
            leaf().without(eku).with(der::extension_raw(
                &der::oid_bytes(eku),
                Some(&[0x01, 0x01, 0x01]),
                &der::eku_value(&[der::CLIENT_AUTH]),
            )),
        ),
        (
            "critical-false-written-out",
            leaf().without(eku).with(der::extension_raw(
                &der::oid_bytes(eku),
                Some(&[0x01, 0x01, 0x00]),
                &der::eku_value(&[der::CLIENT_AUTH]),
            )),
        ),
        (
            "unknown-critical-extension",
            leaf().with(der::extension(UNKNOWN, true, &der::integer(7))),
        ),
        (
            "subject-alt-name-garbage",
            leaf().without(der::SUBJECT_ALT_NAME).with(der::extension(
                der::SUBJECT_ALT_NAME,
                false,
                &der::integer(5),
            )),
        ),
        (
            "authority-key-id-garbage",
            leaf().without(der::AUTHORITY_KEY_ID).with(der::extension(
                der::AUTHORITY_KEY_ID,
                false,
                &der::octet_string(b"x"),
            )),
        ),
        (
            "eku-padded-oid-beside-client-auth",
            leaf().without(eku).with(der::extension(
                eku,
                false,
                &der::seq(&[&der::oid(der::CLIENT_AUTH), &der::tlv(0x06, &padded_server)]),
            )),
        ),
        (
            "ns-cert-type-garbage",
            leaf().with(der::extension(
                "2.16.840.1.113730.1.1",
                false,
                &der::integer(3),
            )),
        ),
        (
            "crl-distribution-points-garbage",
            leaf().with(der::extension("2.5.29.31", false, &der::integer(3))),
        ),
        (
            "certificate-policies-garbage",
            leaf().with(der::extension("2.5.29.32", false, &der::integer(3))),
        ),
        (
            "authority-info-access-garbage",
            leaf().with(der::extension("1.3.6.1.5.5.7.1.1", false, &der::integer(3))),
        ),
        (
            "critical-subject-alt-name-garbage",
            leaf().without(der::SUBJECT_ALT_NAME).with(der::extension(
                der::SUBJECT_ALT_NAME,
                true,
                &der::integer(5),
            )),
        ),
        (
            "subject-printablestring-with-at-sign",
            Cert {
                subject: der::name(&[(der::CN, der::PRINTABLE, b"alice@example")]),
                ..leaf()
            },
        ),
        (
            "subject-visiblestring",
            Cert {
                subject: der::name(&[(der::CN, 0x1a, b"alice")]),
                ..leaf()
            },
        ),
        (
            "subject-teletexstring-latin-1",
            Cert {
                subject: der::name(&[(der::CN, 0x14, b"al\xe9ce")]),
                ..leaf()
            },
        ),
        (
            "unknown-extension-100-kilobytes",
            leaf().with(der::extension(
                UNKNOWN,
                false,
                &der::octet_string(&vec![0x55; 100_000]),
            )),
        ),
    ];
    for (name, cert) in &leaf_cases {
        out.push(pki.case(name, cert));
    }
    let ca = || pki.intermediate.clone();
    let bc = der::BASIC_CONSTRAINTS;
    let intermediate_cases: Vec<(&'static str, Cert)> = vec![
        (
            "intermediate-basic-constraints-ber-boolean",
            ca().without(bc)
                .with(der::extension(bc, true, &der::seq(&[&[0x01, 0x01, 0x01]]))),
        ),
        (
            "intermediate-basic-constraints-twice",
            ca().with(der::extension(bc, true, &der::basic_constraints_ca())),
        ),
        (
            "intermediate-unknown-critical-extension",
            ca().with(der::extension(UNKNOWN, true, &der::integer(7))),
        ),
        (
            "intermediate-name-constraints-garbage",
            ca().with(der::extension(
                der::NAME_CONSTRAINTS,
                true,
                &der::integer(1),
            )),
        ),
        (
            "intermediate-subject-key-id-not-octets",
            ca().without(der::SUBJECT_KEY_ID).with(der::extension(
                der::SUBJECT_KEY_ID,
                false,
                &der::integer(9),
            )),
        ),
        (
            "intermediate-path-length-negative",
            ca().without(bc).with(der::extension(
                bc,
                true,
                &der::seq(&[der::BOOLEAN_TRUE, &der::integer_raw(&[0xff])]),
            )),
        ),
    ];
    for (name, cert) in &intermediate_cases {
        out.push(pki.case_with(name, &pki.leaf, cert));
    }
}

/// The cases about the encoding of the certificate itself.
fn encoding_cases(pki: &Pki, out: &mut Vec<Case>) {
    let leaf = || pki.leaf.clone();
    let cases: Vec<(&'static str, Cert)> = vec![
        (
            "version-v1-written-out",
            Cert {
                version: Some(der::explicit(0, &der::integer(0))),
                extensions: Vec::new(),
                ..leaf()
            },
        ),
        (
            "version-v1-with-extensions",
            Cert {
                version: None,
                ..leaf()
            },
        ),
        (
            "version-v2-with-extensions",
            Cert {
                version: Some(der::explicit(0, &der::integer(1))),
                ..leaf()
            },
        ),
        (
            "version-4",
            Cert {
                version: Some(der::explicit(0, &der::integer(3))),
                ..leaf()
            },
        ),
        (
            "serial-negative",
            Cert {
                serial: der::integer_raw(&[0xfe, 0x10, 0x20]),
                ..leaf()
            },
        ),
        (
            "serial-zero",
            Cert {
                serial: der::integer(0),
                ..leaf()
            },
        ),
        (
            "serial-21-bytes",
            Cert {
                serial: der::integer_raw(&[0x41; 21]),
                ..leaf()
            },
        ),
        (
            "serial-with-leading-zero-byte",
            Cert {
                serial: der::integer_raw(&[0x00, 0x10, 0x20, 0x30]),
                ..leaf()
            },
        ),
        (
            "utctime-without-seconds",
            Cert {
                not_before: der::tlv(
                    0x17,
                    format!("{}Z", &der::time_text(NOW - 30 * DAY, false)[..10]).as_bytes(),
                ),
                ..leaf()
            },
        ),
        (
            "utctime-with-offset",
            Cert {
                not_before: der::tlv(
                    0x17,
                    format!("{}+0000", &der::time_text(NOW - 30 * DAY, false)[..12]).as_bytes(),
                ),
                ..leaf()
            },
        ),
        (
            "generalizedtime-before-2050",
            Cert {
                not_after: der::generalized_time(NOW + 365 * DAY),
                ..leaf()
            },
        ),
        (
            "generalizedtime-with-fraction",
            Cert {
                not_after: der::tlv(
                    0x18,
                    format!("{}.5Z", &der::time_text(NOW + 365 * DAY, true)[..14]).as_bytes(),
                ),
                ..leaf()
            },
        ),
        (
            "data-after-the-extensions",
            Cert {
                inside_tbs_after: der::integer(5),
                ..leaf()
            },
        ),
        (
            "signature-algorithm-differs-inside",
            Cert {
                signature: der::seq(&[&der::oid(der::ECDSA_SHA384)]),
                ..leaf()
            },
        ),
        (
            "signature-algorithm-with-null-parameters",
            Cert {
                signature: der::seq(&[&der::oid(der::ECDSA_SHA256), &[0x05, 0x00]]),
                outer_algorithm: der::seq(&[&der::oid(der::ECDSA_SHA256), &[0x05, 0x00]]),
                ..leaf()
            },
        ),
    ];
    for (name, cert) in &cases {
        out.push(pki.case(name, cert));
    }
    // Changes to the signed certificate's bytes.
    let good = pki.leaf.signed_by(&pki.intermediate_key);
    let mut trailing = good.clone();
    trailing.extend_from_slice(b"trailing bytes!!");
    out.push(Case {
        leaf: trailing,
        ..pki.case("bytes-after-the-certificate", &pki.leaf)
    });
    let tbs = pki.leaf.tbs();
    let signature = pki.intermediate_key.sign(&tbs);
    let content = [
        tbs.as_slice(),
        &der::ecdsa_sha256(),
        &der::bit_string(&signature),
    ]
    .concat();
    let outer_long = der::tlv_long_length(0x30, &content, 1);
    out.push(Case {
        leaf: outer_long,
        ..pki.case("outer-length-not-minimal", &pki.leaf)
    });
    let outer_indefinite = der::tlv_indefinite(0x30, &content);
    out.push(Case {
        leaf: outer_indefinite,
        ..pki.case("outer-length-indefinite", &pki.leaf)
    });
    // The TBS re-encoded with a needless long length, signed as such.
    let inner = &tbs[tbs.len() - tbs_content_len(&tbs)..];
    let tbs_long = der::tlv_long_length(0x30, inner, 1);
    let signed = der::signed(
        &tbs_long,
        &der::ecdsa_sha256(),
        &pki.intermediate_key.sign(&tbs_long),
    );
    out.push(Case {
        leaf: signed,
        ..pki.case("tbs-length-not-minimal", &pki.leaf)
    });
    // The signature BIT STRING with an unused-bits count.
    let mut odd_bits = der::bit_string(&signature);
    let unused_at = odd_bits.len() - signature.len() - 1;
    odd_bits[unused_at] = 1;
    let cert = der::tlv(
        0x30,
        &[tbs.as_slice(), &der::ecdsa_sha256(), &odd_bits].concat(),
    );
    out.push(Case {
        leaf: cert,
        ..pki.case("signature-bit-string-unused-bits", &pki.leaf)
    });
    // A flipped bit in the signed part.
    let mut altered = good.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x01;
    out.push(Case {
        leaf: altered,
        ..pki.case("signature-does-not-verify", &pki.leaf)
    });
}

/// The length of a TLV's contents (its header is whatever precedes them).
fn tbs_content_len(tlv: &[u8]) -> usize {
    match tlv[1] {
        n if n < 0x80 => n as usize,
        0x81 => tlv[2] as usize,
        0x82 => usize::from(u16::from_be_bytes([tlv[2], tlv[3]])),
        _ => panic!("TBS too long for the corpus"),
    }
}

/// The cases about CRLs the server is configured with.
fn crl_cases(pki: &Pki, out: &mut Vec<Case>) {
    let root_name = der::simple_name(ROOT_NAME);
    let intermediate_name = der::simple_name(INTERMEDIATE_NAME);
    let root_crl = crl(&root_name, &pki.root_key, &[], &[]);
    let with = |name: &'static str, leaf_crl: Vec<u8>| {
        let mut case = pki.case(name, &pki.leaf);
        case.crls = vec![root_crl.clone(), leaf_crl];
        case
    };
    out.push(with("crl-good", good_crls(pki).remove(1)));
    out.push(with(
        "crl-signed-by-another-key",
        crl(&intermediate_name, &Key::generate(), &[], &[]),
    ));
    out.push(with(
        "crl-unknown-critical-extension",
        crl(
            &intermediate_name,
            &pki.intermediate_key,
            &[],
            &[der::extension(UNKNOWN, true, &der::integer(1))],
        ),
    ));
    out.push(with(
        "crl-entry-unknown-critical-extension",
        crl(
            &intermediate_name,
            &pki.intermediate_key,
            &[(
                der::integer(0x77),
                vec![der::extension(UNKNOWN, true, &der::integer(1))],
            )],
            &[],
        ),
    ));
    out.push(with(
        "crl-revokes-the-client-certificate",
        crl(
            &intermediate_name,
            &pki.intermediate_key,
            &[(pki.leaf.serial.clone(), Vec::new())],
            &[],
        ),
    ));
    // Java reads a revoked entry's extensions only in the client's own entry.
    out.push(with(
        "crl-entry-of-the-client-with-unknown-critical-extension",
        crl(
            &intermediate_name,
            &pki.intermediate_key,
            &[(
                pki.leaf.serial.clone(),
                vec![der::extension(UNKNOWN, true, &der::integer(1))],
            )],
            &[],
        ),
    ));
    let dated = |this_update: i64, next_update: i64| {
        crl_dated(
            &intermediate_name,
            &pki.intermediate_key,
            &[],
            &[],
            this_update,
            next_update,
        )
    };
    out.push(with("crl-expired", dated(NOW - 30 * DAY, NOW - DAY)));
    out.push(with("crl-not-yet-valid", dated(NOW + DAY, NOW + 30 * DAY)));
    // Only the client's issuer has a CRL: the intermediate's status is unknown.
    let mut case = pki.case("crl-missing-for-the-intermediate", &pki.leaf);
    case.crls = vec![good_crls(pki).remove(1)];
    out.push(case);
    // The CRL names its issuer in other case: canonical matching finds it, byte matching not.
    out.push(with(
        "crl-issuer-name-in-other-case",
        crl(
            &der::name(&[
                (der::O, der::UTF8, b"MTLS-INSPECTOR TESTS"),
                (der::CN, der::UTF8, b"corpus issuing ca"),
            ]),
            &pki.intermediate_key,
            &[],
            &[],
        ),
    ));
    // The issuer may not sign CRLs: keyCertSign only.
    let no_crl_sign = pki
        .intermediate
        .clone()
        .without(der::KEY_USAGE)
        .with(der::extension(
            der::KEY_USAGE,
            true,
            &der::key_usage_value(&[5]),
        ));
    let mut case = pki.case_with("crl-issuer-without-crl-sign", &pki.leaf, &no_crl_sign);
    case.crls = vec![root_crl.clone(), good_crls(pki).remove(1)];
    out.push(case);
    // A negative serial, revoked as written.
    let negative = Cert {
        serial: der::integer_raw(&[0xfe, 0x10, 0x20]),
        ..pki.leaf.clone()
    };
    let mut case = pki.case("crl-revokes-a-negative-serial", &negative);
    case.crls = vec![
        root_crl,
        crl(
            &intermediate_name,
            &pki.intermediate_key,
            &[(negative.serial.clone(), Vec::new())],
            &[],
        ),
    ];
    out.push(case);
}

/// Runs openssl in a fresh directory with `files` written there; returns stdout.
fn openssl_output(args: &[&str], files: &[(&str, &[u8])]) -> Vec<u8> {
    let dir = temp_dir("corpus-key");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let output = super::openssl(args, &dir);
    std::fs::remove_dir_all(&dir).ok();
    output
}

/// A key as unencrypted PKCS#8 PEM, as `openssl pkcs8 -topk8` writes it (keeping whatever
/// public key the original states).
fn pkcs8_pem(label: &str, der: &[u8]) -> String {
    let pem = pem_block(label, der);
    String::from_utf8(openssl_output(
        &["pkcs8", "-topk8", "-nocrypt", "-in", "key.pem"],
        &[("key.pem", pem.as_bytes())],
    ))
    .unwrap()
}

/// The cases about the client's private key.
fn key_cases(pki: &Pki, out: &mut Vec<Case>) {
    // An EC key made by openssl (SEC1): its scalar and public point at fixed places.
    let sec1 = openssl_output(
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-outform",
            "DER",
        ],
        &[],
    );
    assert_eq!(sec1.len(), 121, "SEC1 P-256 key layout");
    let point = sec1[sec1.len() - 65..].to_vec();
    let spki = der::seq(&[
        &der::seq(&[
            &der::oid("1.2.840.10045.2.1"),
            &der::oid("1.2.840.10045.3.1.7"),
        ]),
        &der::bit_string(&point),
    ]);
    let leaf = Cert {
        spki,
        ..pki.leaf.clone()
    };
    let mut case = pki.case("key-ec-good", &leaf);
    case.key = Some(pkcs8_pem("EC PRIVATE KEY", &sec1));
    out.push(case);
    // Another scalar with the same stated public point.
    let other = openssl_output(
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-outform",
            "DER",
        ],
        &[],
    );
    let mut forged = other.clone();
    let at = forged.len() - 65;
    forged[at..].copy_from_slice(&point);
    let mut case = pki.case("key-ec-private-part-of-another-key", &leaf);
    case.key = Some(pkcs8_pem("EC PRIVATE KEY", &forged));
    out.push(case);
    // An RSA key whose modulus is the certificate's but whose first prime is not a factor.
    let pkcs1 = pem_der(&openssl_output(&["genrsa", "-traditional", "2048"], &[]));
    let rsa_public = openssl_output(
        &[
            "rsa", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER",
        ],
        &[("key.der", &pkcs1)],
    );
    let leaf = Cert {
        spki: rsa_public,
        ..pki.leaf.clone()
    };
    let mut case = pki.case("key-rsa-good", &leaf);
    case.key = Some(pkcs8_pem("RSA PRIVATE KEY", &pkcs1));
    out.push(case);
    let (_, fields) = der_parser::der::parse_der_sequence(&pkcs1).unwrap();
    let mut integers: Vec<Vec<u8>> = fields
        .as_sequence()
        .unwrap()
        .iter()
        .map(|f| f.as_slice().unwrap().to_vec())
        .collect();
    let last = integers[4].len() - 1;
    integers[4][last] ^= 0x02;
    let parts: Vec<Vec<u8>> = integers.iter().map(|i| der::integer_raw(i)).collect();
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let mut case = pki.case("key-rsa-prime-not-a-factor", &leaf);
    case.key = Some(pkcs8_pem("RSA PRIVATE KEY", &der::seq(&refs)));
    out.push(case);
}

const SHA1: &str = "1.3.14.3.2.26";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const MGF1: &str = "1.2.840.113549.1.1.8";

/// One RSASSA-PSS signature: the `AlgorithmIdentifier` written into the certificate and the
/// options openssl signs with.
struct Pss {
    name: &'static str,
    algorithm: Vec<u8>,
    digest: &'static str,
    mgf1: &'static str,
    salt: u64,
}

/// `RSASSA-PSS-params` (RFC 4055) with every field written out, hashes with NULL parameters
/// as openssl writes them.
fn pss_algorithm(hash: &str, mgf1_hash: &str, salt: u64) -> Vec<u8> {
    let hash_id = |oid: &str| der::seq(&[&der::oid(oid), &[0x05, 0x00]]);
    let mask = der::seq(&[&der::oid(MGF1), &hash_id(mgf1_hash)]);
    let params = der::seq(&[
        &der::explicit(0, &hash_id(hash)),
        &der::explicit(1, &mask),
        &der::explicit(2, &der::integer(salt)),
    ]);
    der::seq(&[&der::oid(RSASSA_PSS), &params])
}

/// The cases about RSASSA-PSS parameters: an RSA intermediate signs the client certificate
/// with PSS, the parameters varied (hash, MGF1 hash, salt length, defaults, garbage).
fn pss_cases(pki: &Pki, out: &mut Vec<Case>) {
    let pkcs1 = pem_der(&openssl_output(&["genrsa", "-traditional", "2048"], &[]));
    let spki = openssl_output(
        &[
            "rsa", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER",
        ],
        &[("key.der", &pkcs1)],
    );
    let intermediate = Cert {
        spki,
        extensions: vec![
            der::extension(der::BASIC_CONSTRAINTS, true, &der::basic_constraints_ca()),
            der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[5, 6])),
            authority_key_id(&pki.root_key),
        ],
        ..pki.intermediate.clone()
    };
    let leaf = pki.leaf.clone().without(der::AUTHORITY_KEY_ID);
    let variants = [
        Pss {
            name: "pss-sha256-salt-32",
            algorithm: pss_algorithm(SHA256, SHA256, 32),
            digest: "sha256",
            mgf1: "sha256",
            salt: 32,
        },
        Pss {
            name: "pss-sha512-salt-64",
            algorithm: pss_algorithm(SHA512, SHA512, 64),
            digest: "sha512",
            mgf1: "sha512",
            salt: 64,
        },
        Pss {
            name: "pss-sha256-salt-20",
            algorithm: pss_algorithm(SHA256, SHA256, 20),
            digest: "sha256",
            mgf1: "sha256",
            salt: 20,
        },
        Pss {
            name: "pss-sha256-mgf1-sha1",
            algorithm: pss_algorithm(SHA256, SHA1, 32),
            digest: "sha256",
            mgf1: "sha1",
            salt: 32,
        },
        Pss {
            name: "pss-parameters-all-default",
            algorithm: der::seq(&[&der::oid(RSASSA_PSS), &der::seq(&[])]),
            digest: "sha1",
            mgf1: "sha1",
            salt: 20,
        },
        Pss {
            name: "pss-parameters-garbage",
            algorithm: der::seq(&[&der::oid(RSASSA_PSS), &der::octet_string(b"pss")]),
            digest: "sha256",
            mgf1: "sha256",
            salt: 32,
        },
    ];
    for pss in variants {
        let leaf = Cert {
            signature: pss.algorithm.clone(),
            outer_algorithm: pss.algorithm.clone(),
            ..leaf.clone()
        };
        let tbs = leaf.tbs();
        let (salt, mgf1) = (
            format!("rsa_pss_saltlen:{}", pss.salt),
            format!("rsa_mgf1_md:{}", pss.mgf1),
        );
        let signature = openssl_output(
            &[
                "dgst",
                &format!("-{}", pss.digest),
                "-sign",
                "key.der",
                "-keyform",
                "DER",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                &salt,
                "-sigopt",
                &mgf1,
                "tbs.der",
            ],
            &[("key.der", &pkcs1), ("tbs.der", &tbs)],
        );
        out.push(Case {
            name: pss.name,
            leaf: der::signed(&tbs, &pss.algorithm, &signature),
            intermediates: vec![intermediate.signed_by(&pki.root_key)],
            roots: vec![pki.root.signed_by(&pki.root_key)],
            crls: Vec::new(),
            key: None,
            time: NOW,
        });
    }
}

/// Every case of the corpus.
pub fn corpus() -> Vec<Case> {
    let pki = Pki::new();
    let mut out = vec![pki.case("good-chain", &pki.leaf)];
    name_cases(&pki, &mut out);
    extension_cases(&pki, &mut out);
    encoding_cases(&pki, &mut out);
    crl_cases(&pki, &mut out);
    super::crl_corpus::crl_cases(&pki, &mut out);
    super::crl_corpus::name_constraint_cases(&pki, &mut out);
    key_cases(&pki, &mut out);
    pss_cases(&pki, &mut out);
    anchor_cases(&pki, &mut out);
    out
}

/// Trusted roots that are self-issued but not self-signed in one way: OpenSSL takes a root as
/// self-signed by its names, its authority key identifier and its signature algorithm, without
/// verifying its signature (`EXFLAG_SS`); the other stacks trust an anchor by being trusted.
fn anchor_cases(pki: &Pki, out: &mut Vec<Case>) {
    let good = pki.case("good-chain", &pki.leaf);
    out.push(Case {
        name: "trusted-root-signed-by-another-key",
        roots: vec![pki.root.signed_by(&pki.intermediate_key)],
        ..good
    });
    let other_aki = Cert {
        extensions: ca_extensions(&pki.root_key, &pki.intermediate_key),
        ..pki.root.clone()
    };
    out.push(Case {
        name: "trusted-root-aki-of-another-key",
        roots: vec![other_aki.signed_by(&pki.root_key)],
        ..pki.case("good-chain", &pki.leaf)
    });
    let sha256_with_rsa = der::seq(&[&der::oid("1.2.840.113549.1.1.11"), &[0x05, 0x00]]);
    let rsa_algorithm = Cert {
        signature: sha256_with_rsa.clone(),
        outer_algorithm: sha256_with_rsa,
        ..pki.root.clone()
    };
    out.push(Case {
        name: "trusted-root-rsa-algorithm-ec-key",
        roots: vec![rsa_algorithm.signed_by(&pki.root_key)],
        ..pki.case("good-chain", &pki.leaf)
    });
}

impl Case {
    pub fn pem(der: &[u8]) -> String {
        pem_block("CERTIFICATE", der)
    }

    pub fn leaf_pem(&self) -> String {
        Self::pem(&self.leaf)
    }

    pub fn intermediate_pems(&self) -> Vec<String> {
        self.intermediates.iter().map(|d| Self::pem(d)).collect()
    }

    pub fn root_pems(&self) -> Vec<String> {
        self.roots.iter().map(|d| Self::pem(d)).collect()
    }

    pub fn crl_pems(&self) -> Vec<String> {
        self.crls.iter().map(|d| pem_block("X509 CRL", d)).collect()
    }

    /// What the client's files hold: its certificate, the intermediates, its key.
    pub fn client_pems(&self) -> Vec<String> {
        let mut client = vec![self.leaf_pem()];
        client.extend(self.intermediate_pems());
        client.extend(self.key.clone());
        client
    }
}
