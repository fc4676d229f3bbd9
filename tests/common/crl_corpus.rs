//! The revocation and name-constraint part of the malformed corpus: the kinds of CRL and of
//! directoryName constraint the x509-limbo subset lacks (it has eight CRL cases), each built
//! field by field from the corpus' good chain with one thing changed. RFC 5280 §6.3 in cases:
//! issuing distribution point scopes (user, CA, attribute certificates, some reasons, a
//! distribution point name), indirect and delta CRLs, a CRL signed by a separate key, CRL
//! versions and times, serial encodings, reason codes, several CRLs for one issuer; and §4.2.1.10
//! directoryName subtrees (case, self-issued intermediates, combined with e-mail subtrees).
//! tests/malformed_differential.rs runs them through every real stack like the rest.

use super::der::{self, Key};
use super::malformed::{Case, Cert, INTERMEDIATE_NAME, Pki, ROOT_NAME};
use super::{DAY, NOW};

const CRL_NUMBER: &str = "2.5.29.20";
const DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
const CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
const CRL_REASON: &str = "2.5.29.21";
const CERTIFICATE_ISSUER: &str = "2.5.29.29";
const INVALIDITY_DATE: &str = "2.5.29.24";
const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// A CRL field by field, each as the bytes to write.
struct Crl<'k> {
    /// `INTEGER 1` (v2), or nothing (v1).
    version: Option<Vec<u8>>,
    issuer: Vec<u8>,
    key: &'k Key,
    this_update: Vec<u8>,
    next_update: Option<Vec<u8>>,
    /// Each revokedCertificates entry, complete.
    entries: Vec<Vec<u8>>,
    /// Every extension; none writes no `[0]`.
    extensions: Vec<Vec<u8>>,
}

impl<'k> Crl<'k> {
    /// A good v2 CRL by `issuer` with CRL number `number`, valid from a day ago for a week.
    fn new(issuer: Vec<u8>, key: &'k Key, number: u64) -> Self {
        Self {
            version: Some(der::integer(1)),
            issuer,
            key,
            this_update: der::time(NOW - DAY),
            next_update: Some(der::time(NOW + 7 * DAY)),
            entries: Vec::new(),
            extensions: vec![der::extension(CRL_NUMBER, false, &der::integer(number))],
        }
    }

    fn revoking(mut self, serial: Vec<u8>, extensions: &[Vec<u8>]) -> Self {
        self.entries.push(entry(serial, extensions));
        self
    }

    fn with(mut self, extension: Vec<u8>) -> Self {
        self.extensions.push(extension);
        self
    }

    fn der(&self) -> Vec<u8> {
        let mut body = self.version.clone().unwrap_or_default();
        body.extend(der::ecdsa_sha256());
        body.extend(&self.issuer);
        body.extend(&self.this_update);
        if let Some(next) = &self.next_update {
            body.extend(next);
        }
        if !self.entries.is_empty() {
            body.extend(der::tlv(0x30, &self.entries.concat()));
        }
        if !self.extensions.is_empty() {
            body.extend(der::explicit(0, &der::tlv(0x30, &self.extensions.concat())));
        }
        let tbs = der::tlv(0x30, &body);
        der::signed(&tbs, &der::ecdsa_sha256(), &self.key.sign(&tbs))
    }
}

/// A revokedCertificates entry, revoked two days ago.
fn entry(serial: Vec<u8>, extensions: &[Vec<u8>]) -> Vec<u8> {
    let mut body = serial;
    body.extend(der::time(NOW - 2 * DAY));
    if !extensions.is_empty() {
        body.extend(der::tlv(0x30, &extensions.concat()));
    }
    der::tlv(0x30, &body)
}

/// The cRLReason entry extension (ENUMERATED).
fn reason(code: u8) -> Vec<u8> {
    der::extension(CRL_REASON, false, &der::tlv(0x0a, &[code]))
}

/// `[4] directoryName` of a GeneralName.
fn directory_name(name: &[u8]) -> Vec<u8> {
    der::tlv(0xa4, name)
}

/// `[6] uniformResourceIdentifier` of a GeneralName.
fn uri(text: &str) -> Vec<u8> {
    der::tlv(0x86, text.as_bytes())
}

/// An issuingDistributionPoint (critical, as RFC 5280 requires) from its fields' bytes.
fn idp(fields: &[&[u8]]) -> Vec<u8> {
    der::extension(ISSUING_DISTRIBUTION_POINT, true, &der::seq(fields))
}

/// `distributionPoint [0] { fullName [0] { name } }`, as IDP and CRLDP both write it.
fn full_name(general_name: &[u8]) -> Vec<u8> {
    der::tlv(0xa0, &der::tlv(0xa0, general_name))
}

/// A `[n] IMPLICIT BOOLEAN TRUE` field.
fn flag(n: u8) -> Vec<u8> {
    vec![0x80 | n, 0x01, 0xff]
}

/// A certificate's cRLDistributionPoints with one point: `fields` of a DistributionPoint.
fn crl_distribution_points(fields: &[&[u8]]) -> Vec<u8> {
    der::extension(
        CRL_DISTRIBUTION_POINTS,
        false,
        &der::seq(&[&der::seq(fields)]),
    )
}

/// NameConstraints from its permitted and excluded GeneralSubtrees' base names.
fn name_constraints(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
    let subtrees = |n: u8, bases: &[Vec<u8>]| {
        if bases.is_empty() {
            return Vec::new();
        }
        let list: Vec<Vec<u8>> = bases.iter().map(|b| der::seq(&[b])).collect();
        der::tlv(0xa0 | n, &list.concat())
    };
    der::extension(
        der::NAME_CONSTRAINTS,
        true,
        &der::seq(&[&subtrees(0, permitted), &subtrees(1, excluded)]),
    )
}

/// The CRL cases the limbo subset lacks.
pub fn crl_cases(pki: &Pki, out: &mut Vec<Case>) {
    let root_name = der::simple_name(ROOT_NAME);
    let ca_name = der::simple_name(INTERMEDIATE_NAME);
    let root_crl = || Crl::new(root_name.clone(), &pki.root_key, 1);
    let ca_crl = || Crl::new(ca_name.clone(), &pki.intermediate_key, 1);
    let leaf_serial = pki.leaf.serial.clone();
    // The client's CRL is `ca`, the intermediate's the root's good one.
    let with = |name: &'static str, ca: Crl<'_>| {
        let mut case = pki.case(name, &pki.leaf);
        case.crls = vec![root_crl().der(), ca.der()];
        case
    };
    let with_both = |name: &'static str, root: Crl<'_>, ca: Crl<'_>| {
        let mut case = pki.case(name, &pki.leaf);
        case.crls = vec![root.der(), ca.der()];
        case
    };

    out.push(with_both(
        "crl-revokes-the-intermediate",
        root_crl().revoking(pki.intermediate.serial.clone(), &[]),
        ca_crl(),
    ));

    // Issuing distribution point scopes.
    out.push(with_both(
        "crl-idp-only-user-certs-for-the-intermediate",
        root_crl().with(idp(&[&flag(1)])),
        ca_crl(),
    ));
    out.push(with_both(
        "crl-idp-only-ca-certs-for-the-intermediate",
        root_crl().with(idp(&[&flag(2)])),
        ca_crl(),
    ));
    out.push(with(
        "crl-idp-only-user-certs-for-the-client",
        ca_crl().with(idp(&[&flag(1)])),
    ));
    out.push(with(
        "crl-idp-only-ca-certs-for-the-client",
        ca_crl().with(idp(&[&flag(2)])),
    ));
    out.push(with(
        "crl-idp-only-attribute-certs",
        ca_crl().with(idp(&[&flag(5)])),
    ));
    // onlySomeReasons: keyCompromise and cACompromise only (bits 1 and 2).
    out.push(with(
        "crl-idp-only-some-reasons",
        ca_crl().with(idp(&[&der::tlv(0x83, &[0x05, 0x60])])),
    ));
    // The reasons split over two CRLs (keyCompromise and cACompromise; the others), without
    // and with the `unused` bit (0) in the second: Java counts all nine bits.
    for (name, second) in [
        ("crl-idp-reasons-split-over-two-crls", [0x07, 0x1f, 0x80]),
        (
            "crl-idp-reasons-split-over-two-crls-unused-bit-too",
            [0x07, 0x9f, 0x80],
        ),
    ] {
        let mut case = pki.case(name, &pki.leaf);
        case.crls = vec![
            root_crl().der(),
            ca_crl().with(idp(&[&der::tlv(0x83, &[0x05, 0x60])])).der(),
            Crl::new(ca_name.clone(), &pki.intermediate_key, 2)
                .with(idp(&[&der::tlv(0x83, &second)]))
                .der(),
        ];
        out.push(case);
    }
    // A distribution point name: the client names the same point, another one, or none.
    let point = "http://crl.example.com/issuing.crl";
    let leaf_pointing = |to: &str| {
        pki.leaf
            .clone()
            .with(crl_distribution_points(&[&full_name(&uri(to))]))
    };
    let idp_named = || ca_crl().with(idp(&[&full_name(&uri(point))]));
    let mut case = pki.case(
        "crl-idp-distribution-point-matches-the-client",
        &leaf_pointing(point),
    );
    case.crls = vec![root_crl().der(), idp_named().der()];
    out.push(case);
    let mut case = pki.case(
        "crl-idp-distribution-point-differs-from-the-client",
        &leaf_pointing("http://crl.example.com/other.crl"),
    );
    case.crls = vec![root_crl().der(), idp_named().der()];
    out.push(case);
    out.push(with(
        "crl-idp-distribution-point-client-names-none",
        idp_named(),
    ));

    // An indirect CRL: the root's CRL covers the client too (its entries name their issuer),
    // and the client's distribution point names the root as its CRL issuer.
    let leaf_indirect = pki.leaf.clone().with(crl_distribution_points(&[
        &full_name(&uri(point)),
        &der::tlv(0xa2, &directory_name(&root_name)),
    ]));
    let certificate_issuer = der::extension(
        CERTIFICATE_ISSUER,
        true,
        &der::seq(&[&directory_name(&ca_name)]),
    );
    let indirect = |revoke_client: bool| {
        let mut crl = root_crl().with(idp(&[&flag(4)]));
        if revoke_client {
            crl = crl.revoking(
                leaf_serial.clone(),
                std::slice::from_ref(&certificate_issuer),
            );
        }
        crl.der()
    };
    let mut case = pki.case("crl-indirect-covers-the-client", &leaf_indirect);
    case.crls = vec![indirect(false)];
    out.push(case);
    let mut case = pki.case("crl-indirect-revokes-the-client", &leaf_indirect);
    case.crls = vec![indirect(true)];
    out.push(case);
    out.push(with(
        "crl-certificate-issuer-entry-in-a-direct-crl",
        ca_crl().revoking(
            der::integer(0x77),
            std::slice::from_ref(&certificate_issuer),
        ),
    ));

    // Delta CRLs: alone, and beside their base (the delta revokes the client).
    let delta = || {
        let mut crl = Crl::new(ca_name.clone(), &pki.intermediate_key, 2);
        crl.extensions
            .push(der::extension(DELTA_CRL_INDICATOR, true, &der::integer(1)));
        crl
    };
    out.push(with("crl-delta-alone", delta()));
    let mut case = pki.case("crl-delta-beside-its-base-revokes-the-client", &pki.leaf);
    case.crls = vec![
        root_crl().der(),
        ca_crl().der(),
        delta().revoking(leaf_serial.clone(), &[]).der(),
    ];
    out.push(case);
    // A delta newer than its base: OpenSSL without delta support scores it as a CRL like any
    // other, and takes the newer.
    let newer_delta = || {
        let mut crl = delta();
        crl.this_update = der::time(NOW - DAY / 2);
        crl
    };
    let mut case = pki.case(
        "crl-delta-newer-than-its-base-revokes-the-client",
        &pki.leaf,
    );
    case.crls = vec![
        root_crl().der(),
        ca_crl().der(),
        newer_delta().revoking(leaf_serial.clone(), &[]).der(),
    ];
    out.push(case);
    let mut case = pki.case(
        "crl-delta-newer-than-the-base-that-revokes-the-client",
        &pki.leaf,
    );
    case.crls = vec![
        root_crl().der(),
        ca_crl().revoking(leaf_serial.clone(), &[]).der(),
        newer_delta().der(),
    ];
    out.push(case);

    // Version and times.
    let mut v1 = ca_crl();
    v1.version = None;
    v1.extensions.clear();
    out.push(with("crl-version-1", v1));
    let mut no_next = ca_crl();
    no_next.next_update = None;
    out.push(with("crl-without-next-update", no_next));
    let mut generalized = ca_crl();
    generalized.this_update = der::generalized_time(NOW - DAY);
    generalized.next_update = Some(der::generalized_time(NOW + 7 * DAY));
    out.push(with("crl-times-in-generalized-time", generalized));
    let mut before_2000 = ca_crl();
    before_2000.this_update = der::time(915_148_800); // 1999-01-01
    before_2000.next_update = Some(der::time(946_598_400)); // 1999-12-31
    out.push(with("crl-next-update-before-2000", before_2000));
    // Minutes either side of the validation time (Java allows a CRL 15 minutes' clock skew).
    let mut just_expired = ca_crl();
    just_expired.next_update = Some(der::time(NOW - 5 * 60));
    out.push(with("crl-next-update-five-minutes-ago", just_expired));
    let mut exactly = ca_crl();
    exactly.next_update = Some(der::time(NOW));
    out.push(with("crl-next-update-at-the-time", exactly));
    let mut just_issued = ca_crl();
    just_issued.this_update = der::time(NOW + 5 * 60);
    out.push(with("crl-this-update-in-five-minutes", just_issued));

    // Serials: long, and encoded with a needless leading zero in the CRL.
    let long = Cert {
        serial: der::integer_raw(&[0x7f; 20]),
        ..pki.leaf.clone()
    };
    let mut case = pki.case("crl-revokes-a-20-byte-serial", &long);
    case.crls = vec![
        root_crl().der(),
        ca_crl().revoking(long.serial.clone(), &[]).der(),
    ];
    out.push(case);
    let mut padded = vec![0x00];
    padded.extend(&leaf_serial[2..]);
    out.push(with(
        "crl-revokes-the-client-serial-with-a-leading-zero",
        ca_crl().revoking(der::integer_raw(&padded), &[]),
    ));

    // Reason codes and entry extensions.
    out.push(with(
        "crl-revokes-the-client-remove-from-crl",
        ca_crl().revoking(leaf_serial.clone(), &[reason(8)]),
    ));
    out.push(with(
        "crl-revokes-the-client-certificate-hold",
        ca_crl().revoking(leaf_serial.clone(), &[reason(6)]),
    ));
    out.push(with(
        "crl-revokes-the-client-key-compromise-with-invalidity-date",
        ca_crl().revoking(
            leaf_serial.clone(),
            &[
                reason(1),
                der::extension(
                    INVALIDITY_DATE,
                    false,
                    &der::generalized_time(NOW - 3 * DAY),
                ),
            ],
        ),
    ));

    // The CRL's authority key identifier names another key (the right key signed it).
    let other = Key::generate();
    out.push(with(
        "crl-authority-key-id-of-another-key",
        ca_crl().with(der::extension(
            der::AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::tlv(0x80, &other.key_id())]),
        )),
    ));

    // A separate CRL signer: the intermediate's name, another key, cRLSign only, issued by the
    // root and held in the server's CA file beside it.
    let signer_key = Key::generate();
    let signer = Cert {
        serial: der::integer(3),
        subject: ca_name.clone(),
        spki: signer_key.spki(),
        extensions: vec![
            der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[6])),
            der::extension(
                der::SUBJECT_KEY_ID,
                false,
                &der::octet_string(&signer_key.key_id()),
            ),
        ],
        ..pki.intermediate.clone()
    };
    let mut case = pki.case("crl-signed-by-a-separate-crl-signer", &pki.leaf);
    case.roots.push(signer.signed_by(&pki.root_key));
    case.crls = vec![
        root_crl().der(),
        Crl::new(ca_name.clone(), &signer_key, 1).der(),
    ];
    out.push(case);

    // Two CRLs from the client's issuer: an older one that revokes it and a newer that does
    // not; a current one beside an expired one.
    // Java uses whichever comes first in its HashSet, an order the signature's bytes decide:
    // four copies, signed afresh, meet both orders in most runs.
    for name in [
        "crl-older-revokes-newer-does-not-1",
        "crl-older-revokes-newer-does-not-2",
        "crl-older-revokes-newer-does-not-3",
        "crl-older-revokes-newer-does-not-4",
    ] {
        let mut newer = Crl::new(ca_name.clone(), &pki.intermediate_key, 2);
        newer.this_update = der::time(NOW - DAY / 2);
        let mut case = pki.case(name, &pki.leaf);
        case.crls = vec![
            root_crl().der(),
            ca_crl().revoking(leaf_serial.clone(), &[]).der(),
            newer.der(),
        ];
        out.push(case);
    }
    let mut expired = ca_crl();
    expired.this_update = der::time(NOW - 30 * DAY);
    expired.next_update = Some(der::time(NOW - 20 * DAY));
    let mut case = pki.case("crl-expired-beside-a-current-one", &pki.leaf);
    case.crls = vec![root_crl().der(), expired.der(), ca_crl().der()];
    out.push(case);
    // After a key rollover: the CRL signed by the CA's old key (which signed the self-issued
    // certificate of its new one), alone and beside one signed by the new key.
    let (new_key, rollover_ca, below) = rollover(pki);
    let by_old = Crl::new(ca_name.clone(), &pki.intermediate_key, 1)
        .with(key_id_of(&pki.intermediate_key))
        .der();
    let by_new = Crl::new(ca_name.clone(), &new_key, 1)
        .with(key_id_of(&new_key))
        .der();
    for (name, crls) in [
        ("crl-rollover-signed-by-the-old-key", vec![by_old.clone()]),
        ("crl-rollover-signed-by-each-key", vec![by_old, by_new]),
    ] {
        let mut case = Case {
            name,
            leaf: below.signed_by(&new_key),
            intermediates: vec![
                rollover_ca.signed_by(&pki.intermediate_key),
                pki.intermediate.signed_by(&pki.root_key),
            ],
            roots: vec![pki.root.signed_by(&pki.root_key)],
            crls,
            key: None,
            time: NOW,
        };
        case.crls.insert(0, root_crl().der());
        out.push(case);
    }
    out.push(with("crl-empty-revoked-list", ca_crl().with_empty_list()));
}

impl Crl<'_> {
    /// An empty revokedCertificates SEQUENCE written (DER says to leave it out).
    fn with_empty_list(mut self) -> Self {
        self.entries = vec![Vec::new()];
        self
    }
}

/// A CA's key rollover: a self-issued certificate of the intermediate's name for a new key,
/// signed by the old one, and the client certificate signed by the new key.
fn rollover(pki: &Pki) -> (Key, Cert, Cert) {
    let ca_name = der::simple_name(INTERMEDIATE_NAME);
    let key = Key::generate();
    let rollover = Cert {
        serial: der::integer(4),
        issuer: ca_name.clone(),
        subject: ca_name,
        spki: key.spki(),
        extensions: vec![
            der::extension(der::BASIC_CONSTRAINTS, true, &der::basic_constraints_ca()),
            der::extension(der::KEY_USAGE, true, &der::key_usage_value(&[5, 6])),
            der::extension(
                der::SUBJECT_KEY_ID,
                false,
                &der::octet_string(&key.key_id()),
            ),
            key_id_of(&pki.intermediate_key),
        ],
        ..pki.intermediate.clone()
    };
    let leaf = pki
        .leaf
        .clone()
        .without(der::AUTHORITY_KEY_ID)
        .with(key_id_of(&key));
    (key, rollover, leaf)
}

/// An authorityKeyIdentifier naming `key`.
fn key_id_of(key: &Key) -> Vec<u8> {
    der::extension(
        der::AUTHORITY_KEY_ID,
        false,
        &der::seq(&[&der::tlv(0x80, &key.key_id())]),
    )
}

/// The directoryName constraint cases the scenarios lack.
pub fn name_constraint_cases(pki: &Pki, out: &mut Vec<Case>) {
    let constrained = |extension: Vec<u8>| pki.intermediate.clone().with(extension);
    let o = |value: &[u8]| der::name(&[(der::O, der::UTF8, value)]);
    out.push(pki.case_with(
        "nc-dn-permitted-in-other-case",
        &pki.leaf,
        &constrained(name_constraints(
            &[directory_name(&o(b"MTLS-INSPECTOR TESTS"))],
            &[],
        )),
    ));
    out.push(pki.case_with(
        "nc-dn-permitted-printable-string",
        &pki.leaf,
        &constrained(name_constraints(
            &[directory_name(&der::name(&[(
                der::O,
                der::PRINTABLE,
                b"mtls-inspector tests",
            )]))],
            &[],
        )),
    ));
    out.push(pki.case_with(
        "nc-dn-excluded-in-other-case",
        &pki.leaf,
        &constrained(name_constraints(
            &[],
            &[directory_name(&o(b"MTLS-Inspector Tests"))],
        )),
    ));
    out.push(pki.case_with(
        "nc-dn-permitted-elsewhere",
        &pki.leaf,
        &constrained(name_constraints(
            &[directory_name(&o(b"somewhere else"))],
            &[],
        )),
    ));
    // A client certificate with an empty subject (its name in a critical subjectAltName)
    // under a permitted directoryName subtree it is not in.
    let empty_subject = Cert {
        subject: der::seq(&[]),
        ..pki.leaf.clone()
    }
    .without(der::SUBJECT_ALT_NAME)
    .with(der::extension(
        der::SUBJECT_ALT_NAME,
        true,
        &der::dns_san_value("alice.example.com"),
    ));
    out.push(pki.case_with(
        "nc-dn-permitted-elsewhere-client-subject-empty",
        &empty_subject,
        &constrained(name_constraints(
            &[directory_name(&o(b"somewhere else"))],
            &[],
        )),
    ));
    // Directory names permitted, an e-mail domain excluded: the client's subject carries an
    // emailAddress in it.
    let with_email = Cert {
        subject: der::name(&[
            (der::O, der::UTF8, b"mtls-inspector tests"),
            (der::CN, der::UTF8, b"alice"),
            (EMAIL_ADDRESS, der::IA5, b"alice@example.com"),
        ]),
        ..pki.leaf.clone()
    };
    out.push(pki.case_with(
        "nc-dn-permitted-email-excluded",
        &with_email,
        &constrained(name_constraints(
            &[directory_name(&o(b"mtls-inspector tests"))],
            &[der::tlv(0x81, b"example.com")],
        )),
    ));
    out.push(pki.case_with(
        "nc-dn-permitted-email-permitted",
        &with_email,
        &constrained(name_constraints(
            &[
                directory_name(&o(b"mtls-inspector tests")),
                der::tlv(0x81, b"example.com"),
            ],
            &[],
        )),
    ));
    // A self-issued intermediate below a CA whose constraints exclude the CA's own name: the
    // self-issued certificate is exempt (RFC 5280 §6.1.4 (b)), the client is not in the
    // subtree.
    let ca_name = der::simple_name(INTERMEDIATE_NAME);
    let constrained_ca = constrained(name_constraints(&[], &[directory_name(&ca_name)]));
    let (rollover_key, rollover, leaf_below_rollover) = rollover(pki);
    out.push(Case {
        name: "nc-dn-excluded-self-issued-intermediate-exempt",
        leaf: leaf_below_rollover.signed_by(&rollover_key),
        intermediates: vec![
            rollover.signed_by(&pki.intermediate_key),
            constrained_ca.signed_by(&pki.root_key),
        ],
        roots: vec![pki.root.signed_by(&pki.root_key)],
        crls: Vec::new(),
        key: None,
        time: NOW,
    });
}
