//! Input decoding: turns the bytes of one file (or paste) into certificates, CRLs and keys.
//!
//! Formats are recognised by content, never by file name: PEM with any number of blocks and
//! surrounding text, DER certificates and CRLs, PKCS#7 certificate bags, bare base64, private keys.
//! Every part that cannot be read becomes a [`InputProblem`] with its location, and decoding
//! carries on with the rest.

use serde::{Deserialize, Serialize};

use crate::read::asn1::{self, Element, Tag};
use crate::read::keys::{self, PrivateKey};
use crate::read::protected::{self, Answer, Failure, Keyring, Locked, Unlocked};

/// Inputs larger than this are refused outright.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Located problems reported one by one per input; the rest are counted in one more.
pub const MAX_PROBLEMS_PER_INPUT: usize = 100;

/// Where a decoded item (or a problem) came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file name, or a name such as `client paste`.
    pub source: String,
    /// The 1-based PEM block number, when the input is PEM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<usize>,
    /// The 1-based line of the block's BEGIN line, when the input is text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The position inside a container (e.g. the 2nd certificate of a PKCS#7 bag), 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
}

impl Location {
    fn whole(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            block: None,
            line: None,
            entry: None,
        }
    }

    fn with_entry(&self, entry: usize) -> Self {
        Self {
            entry: Some(entry),
            ..self.clone()
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)?;
        if let Some(block) = self.block {
            write!(f, ", PEM block {block}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        if let Some(entry) = self.entry {
            write!(f, ", entry {entry}")?;
        }
        Ok(())
    }
}

/// What was found in an input.
#[derive(Clone, Debug)]
pub enum Content {
    /// A DER certificate (not yet parsed).
    Certificate(Vec<u8>),
    /// A DER certificate revocation list.
    Crl(Vec<u8>),
    /// An OCSP response, read, and its bytes.
    Ocsp(std::sync::Arc<crate::read::ocsp::Ocsp>, Vec<u8>),
    /// Something shaped as an OCSP response that does not read as one, and why.
    UnreadableOcsp(String),
    /// An unencrypted private key, reduced to what is needed to match it to a certificate.
    PrivateKey(PrivateKey),
    /// A certificate signing request: recognised, not used.
    CertificateRequest,
}

/// One decoded item with its location.
#[derive(Clone, Debug)]
pub struct Item {
    pub content: Content,
    pub location: Location,
}

/// Why part of an input could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The input holds no bytes (or only whitespace).
    Empty,
    /// Larger than [`MAX_INPUT_BYTES`].
    TooLarge { bytes: usize, limit: usize },
    /// Neither PEM, nor DER, nor base64 of a known structure.
    NotRecognised { binary: bool },
    /// A PEM block whose body is not valid base64.
    BadBase64 { label: String },
    /// A PEM block without its END line.
    UnterminatedPem { label: String },
    /// A PEM block with a label this tool does not read.
    UnknownPemLabel { label: String },
    /// The DER inside a block (or the file) is not the structure its label promises.
    MalformedDer { expected: &'static str },
    /// An encrypted private key, and no password was given.
    EncryptedPrivateKey,
    /// A PKCS#12 / PFX file with encrypted parts, and no password was given.
    Pkcs12,
    /// None of the given passwords opens this protected part.
    WrongPassword { what: &'static str },
    /// A password decrypts the contents, but the file's MAC or keystore digest does not verify.
    IntegrityFailed { what: &'static str },
    /// Protected with a scheme this tool cannot open, or asking for unbounded work.
    Unopenable { what: &'static str, reason: String },
    /// A private key of a type this tool cannot read.
    UnsupportedPrivateKey { algorithm: String },
    /// A PKCS#7 structure that is not a certificate bag.
    UnsupportedPkcs7 { content_type: String },
    /// More problems than [`MAX_PROBLEMS_PER_INPUT`]: these were not listed one by one.
    MoreProblems { count: usize },
}

/// A located problem.
#[derive(Clone, Debug)]
pub struct InputProblem {
    pub location: Location,
    pub problem: Problem,
}

/// Everything decoded from one input.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    pub items: Vec<Item>,
    pub problems: Vec<InputProblem>,
}

impl Decoded {
    fn problem(&mut self, location: Location, problem: Problem) {
        self.problems.push(InputProblem { location, problem });
    }
}

/// Decodes one input without passwords. Never panics; never gives up on the whole input because
/// of one bad part.
pub fn decode(source: &str, bytes: &[u8]) -> Decoded {
    decode_with(source, bytes, &[])
}

/// Decodes one input, opening password-protected parts (PKCS#12, encrypted keys, Java
/// keystores) with the first of `passwords` that fits (the empty password is always tried).
pub fn decode_with(source: &str, bytes: &[u8], passwords: &[String]) -> Decoded {
    let mut keyring = Keyring::new(passwords);
    decode_opening(source, bytes, &mut |locked| {
        protected::open(&mut keyring, locked)
    })
}

/// How the reader gets a protected part opened: [`protected::open`] with a keyring, or answers
/// computed elsewhere (the page's unlock worker).
pub type Opener<'a> = dyn FnMut(Locked) -> Answer + 'a;

/// Decodes one input, having its protected parts opened by `unlock`, in the order they come.
pub fn decode_opening(source: &str, bytes: &[u8], unlock: &mut Opener<'_>) -> Decoded {
    let mut out = Decoded::default();
    let whole = Location::whole(source);
    if bytes.len() > MAX_INPUT_BYTES {
        out.problem(
            whole,
            Problem::TooLarge {
                bytes: bytes.len(),
                limit: MAX_INPUT_BYTES,
            },
        );
        return out;
    }
    let transcoded = utf16_to_utf8(bytes);
    let bytes = strip_bom(transcoded.as_deref().unwrap_or(bytes));
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        out.problem(whole, Problem::Empty);
        return out;
    }
    if let [0xfe, 0xed, 0xfe, 0xed, ..] | [0xce, 0xce, 0xce, 0xce, ..] = bytes {
        let opened = container(unlock(Locked::Keystore(bytes.to_vec())));
        take_opened(opened, Container::Keystore, &whole, &mut out);
        cap_problems(&mut out);
        return out;
    }
    if let Some((dump, rest)) = ocsp_text(bytes) {
        let location = Location::whole(source);
        ocsp_part(dump.into_bytes(), location, unlock, &mut out);
        if !rest.trim().is_empty() {
            let rest = decode_opening(source, rest.as_bytes(), unlock);
            out.items.extend(rest.items);
            out.problems.extend(rest.problems);
        }
        cap_problems(&mut out);
        return out;
    }
    if contains(bytes, b"-----BEGIN ") {
        decode_pem(source, bytes, unlock, &mut out);
        if out.items.is_empty() && out.problems.is_empty() {
            out.problem(whole, Problem::NotRecognised { binary: false });
        }
        cap_problems(&mut out);
        return out;
    }
    if bytes.first() == Some(&0x30) && asn1::first(bytes).is_some() {
        decode_der(bytes, &whole, None, unlock, &mut out);
        cap_problems(&mut out);
        return out;
    }
    if let Some(der) = bare_base64(bytes) {
        decode_der(&der, &whole, None, unlock, &mut out);
        cap_problems(&mut out);
        return out;
    }
    let binary = std::str::from_utf8(bytes).is_err() || bytes.contains(&0);
    out.problem(whole, Problem::NotRecognised { binary });
    out
}

/// Text saved as UTF-16 (with its byte-order mark), as some Windows tools write PEM.
fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let little = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    // PEM is ASCII: in UTF-16 every high byte is zero. Anything else is not UTF-16 text.
    let high = if little { 1 } else { 0 };
    let sample: Vec<u8> = bytes
        .get(2..)?
        .chunks_exact(2)
        .take(256)
        .filter_map(|pair| pair.get(high).copied())
        .collect();
    if sample.is_empty() || sample.iter().filter(|&&b| b == 0).count() * 10 < sample.len() * 9 {
        return None;
    }
    let units = bytes.get(2..)?.chunks_exact(2).map(|pair| match pair {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes(),
    )
}

/// Keeps the first [`MAX_PROBLEMS_PER_INPUT`] problems and counts the rest in one.
fn cap_problems(out: &mut Decoded) {
    if out.problems.len() > MAX_PROBLEMS_PER_INPUT {
        let rest = out.problems.split_off(MAX_PROBLEMS_PER_INPUT);
        if let Some(first) = rest.first() {
            let location = Location {
                entry: None,
                ..first.location.clone()
            };
            out.problem(location, Problem::MoreProblems { count: rest.len() });
        }
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The base64 of PEM bodies (RFC 7468): the standard alphabet, padding optional, white space
/// anywhere skipped.
pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    // A PEM body arrives with its lines already joined: decoded as it is, and only when that
    // fails (white space inside a line, or bad base64) again without white space. Looking for
    // white space first was a quarter of decoding.
    if let Ok(bytes) = LENIENT.decode(text) {
        return Some(bytes);
    }
    if !text.iter().any(u8::is_ascii_whitespace) {
        return None;
    }
    let symbols: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    LENIENT.decode(symbols).ok()
}

/// Standard base64 with padding, as PEM writes it.
pub fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64 without armour, accepted only when it decodes to a DER SEQUENCE.
fn bare_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    let der = base64_decode(bytes)?;
    (der.first() == Some(&0x30) && asn1::first(&der).is_some()).then_some(der)
}

/// Splits text into PEM blocks, line by line, tolerating CRLF, indentation and surrounding text.
fn decode_pem(source: &str, bytes: &[u8], unlock: &mut Opener<'_>, out: &mut Decoded) {
    // Invalid UTF-8 outside the blocks is surrounding noise; inside a block it makes bad base64.
    // Lines may end in CRLF, LF or a lone CR.
    // (Valid UTF-8, the common case, is checked by the standard library's word-at-a-time
    // path: the system store in 0.17 M instructions instead of the lossy conversion's 1.6 M,
    // callgrind.)
    let text = std::str::from_utf8(bytes).map_or_else(
        |_| String::from_utf8_lossy(bytes),
        std::borrow::Cow::Borrowed,
    );
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    let mut block_number = 0;
    let mut open: Option<(String, usize, Vec<String>, String)> = None; // label, line, headers, body
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if let Some(label) = armour(line, "-----BEGIN ") {
            if let Some((label, line_number, ..)) = open.take() {
                out.problem(
                    located(source, block_number, line_number),
                    Problem::UnterminatedPem { label },
                );
            }
            block_number += 1;
            // Room for a usual certificate's base64 (a 4096-bit RSA one is ~1.9 KB): its
            // lines are appended without growing it again and again.
            let body = String::with_capacity(2048);
            open = Some((label.to_owned(), index + 1, Vec::new(), body));
            continue;
        }
        if let Some(end_label) = armour(line, "-----END ") {
            if let Some((label, line_number, headers, body)) = open.take() {
                let location = located(source, block_number, line_number);
                if end_label != label {
                    out.problem(location, Problem::UnterminatedPem { label });
                    continue;
                }
                let block = PemBlock {
                    label: &label,
                    headers: &headers,
                    body: &body,
                };
                decode_pem_block(&block, location, unlock, out);
            }
            continue;
        }
        if let Some((_, _, headers, body)) = open.as_mut() {
            if body.is_empty() && line.contains(':') {
                headers.push(line.to_owned());
            } else {
                body.push_str(line);
            }
        }
    }
    if let Some((label, line_number, ..)) = open {
        out.problem(
            located(source, block_number, line_number),
            Problem::UnterminatedPem { label },
        );
    }
}

fn located(source: &str, block: usize, line: usize) -> Location {
    Location {
        source: source.to_owned(),
        block: Some(block),
        line: Some(line),
        entry: None,
    }
}

fn armour<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.strip_prefix(prefix)?.strip_suffix("-----")
}

/// One PEM block: its label, RFC 1421 headers and base64 body.
struct PemBlock<'a> {
    label: &'a str,
    headers: &'a [String],
    body: &'a str,
}

fn decode_pem_block(
    block: &PemBlock<'_>,
    location: Location,
    unlock: &mut Opener<'_>,
    out: &mut Decoded,
) {
    let label = block.label;
    let encrypted_headers = block.headers.iter().any(|h| h.contains("ENCRYPTED"));
    let Some(der) = base64_decode(block.body.as_bytes()) else {
        out.problem(
            location,
            Problem::BadBase64 {
                label: label.to_owned(),
            },
        );
        return;
    };
    let expect = |out: &mut Decoded, expected| {
        out.problem(location.clone(), Problem::MalformedDer { expected });
    };
    match label {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate; a
            // plain CERTIFICATE block is kept whole (bytes after the certificate are a fact
            // the profiles judge).
            let trusted = label == "TRUSTED CERTIFICATE";
            match asn1::first(&der) {
                Some((cert, _)) if trusted && asn1::is_universal(&cert, Tag::Sequence) => {
                    out.items.push(Item {
                        content: Content::Certificate(cert.raw.to_vec()),
                        location,
                    });
                }
                _ => out.items.push(Item {
                    content: Content::Certificate(der),
                    location,
                }),
            }
        }
        "X509 CRL" => out.items.push(Item {
            content: Content::Crl(der),
            location,
        }),
        // No standard label; the report's share links write OCSP responses so.
        "OCSP RESPONSE" => ocsp_part(der, location, unlock, out),
        "PKCS7" | "CERTIFICATE CHAIN" => {
            if !decode_pkcs7(&der, &location, out) {
                expect(out, "a PKCS#7 certificate bag");
            }
        }
        "PRIVATE KEY" => push_key(keys::from_pkcs8(&der), location, out),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" if encrypted_headers => {
            let dek_info = block
                .headers
                .iter()
                .find_map(|h| h.strip_prefix("DEK-Info:"))
                .unwrap_or_default();
            let locked = Locked::LegacyPem {
                dek_info: dek_info.to_owned(),
                der,
            };
            match key(unlock(locked)) {
                Ok(plain) if label == "RSA PRIVATE KEY" => {
                    push_key(keys::from_pkcs1(&plain), location, out)
                }
                Ok(plain) => push_key(keys::from_sec1(&plain, None), location, out),
                Err(failure) => key_failure(failure, location, out),
            }
        }
        "RSA PRIVATE KEY" => push_key(keys::from_pkcs1(&der), location, out),
        "EC PRIVATE KEY" => push_key(keys::from_sec1(&der, None), location, out),
        "ENCRYPTED PRIVATE KEY" => decrypt_key(&der, location, unlock, out),
        "PKCS12" => {
            let opened = container(unlock(Locked::Pkcs12(der)));
            take_opened(opened, Container::Pkcs12, &location, out);
        }
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => out.items.push(Item {
            content: Content::CertificateRequest,
            location,
        }),
        // Harmless companions of keys and certificates: nothing to inspect.
        "EC PARAMETERS" | "PUBLIC KEY" | "RSA PUBLIC KEY" | "DH PARAMETERS" => {}
        _ => out.problem(
            location,
            Problem::UnknownPemLabel {
                label: label.to_owned(),
            },
        ),
    }
}

fn push_key(key: Result<PrivateKey, keys::KeyError>, location: Location, out: &mut Decoded) {
    match key {
        Ok(key) => out.items.push(Item {
            content: Content::PrivateKey(key),
            location,
        }),
        Err(keys::KeyError::Malformed) => out.problem(
            location,
            Problem::MalformedDer {
                expected: "a private key",
            },
        ),
        Err(keys::KeyError::Unsupported(algorithm)) => {
            out.problem(location, Problem::UnsupportedPrivateKey { algorithm })
        }
    }
}

/// Decrypts a PKCS#8 EncryptedPrivateKeyInfo and reads the key.
fn decrypt_key(der: &[u8], location: Location, unlock: &mut Opener<'_>, out: &mut Decoded) {
    match key(unlock(Locked::Pkcs8(der.to_vec()))) {
        Ok(plain) => push_key(keys::from_pkcs8(&plain), location, out),
        Err(failure) => key_failure(failure, location, out),
    }
}

/// A decrypted key, from an answer (a container where a key was asked for is malformed).
fn key(answer: Answer) -> Result<Vec<u8>, Failure> {
    match answer? {
        Unlocked::Key(plain) => Ok(plain),
        Unlocked::Container(_) | Unlocked::Ocsp(_) | Unlocked::Yaml(_) => {
            Err(Failure::Malformed(protected::Damaged::EncryptedKey))
        }
    }
}

/// A container's contents, from an answer.
fn container(answer: Answer) -> Result<protected::Opened, Failure> {
    match answer? {
        Unlocked::Container(opened) => Ok(opened),
        Unlocked::Key(_) | Unlocked::Ocsp(_) | Unlocked::Yaml(_) => {
            Err(Failure::Malformed(protected::Damaged::Pkcs12))
        }
    }
}

fn key_failure(failure: Failure, location: Location, out: &mut Decoded) {
    let problem = match failure {
        Failure::NeedsPassword => Problem::EncryptedPrivateKey,
        other => failure_problem(other, Container::Key),
    };
    out.problem(location, problem);
}

/// What kind of protected container a part came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Pkcs12,
    Keystore,
    Key,
}

impl Container {
    fn noun(self) -> &'static str {
        match self {
            Self::Pkcs12 => "PKCS#12 file",
            Self::Keystore => "Java keystore",
            Self::Key => "encrypted private key",
        }
    }
}

/// The problem for a part that could not be opened.
fn failure_problem(failure: Failure, container: Container) -> Problem {
    let what = container.noun();
    match failure {
        // A keystore's certificates are readable without a password; only its keys need one.
        Failure::NeedsPassword if container == Container::Pkcs12 => Problem::Pkcs12,
        Failure::NeedsPassword => Problem::EncryptedPrivateKey,
        Failure::WrongPassword => Problem::WrongPassword { what },
        Failure::Malformed(damaged) => Problem::MalformedDer {
            expected: damaged.expected(),
        },
        Failure::Unreadable(reason) => Problem::Unopenable { what, reason },
        Failure::Unsupported(scheme) => Problem::Unopenable {
            what,
            reason: format!("it is protected with {scheme}, which this tool cannot decrypt"),
        },
        Failure::TooManyIterations(count) => Problem::Unopenable {
            what,
            reason: format!(
                "its key derivation asks for {count} iterations; more than {} are refused",
                protected::MAX_ITERATIONS
            ),
        },
        Failure::TooMuchWork => Problem::Unopenable {
            what,
            reason: format!(
                "opening it would take more than {} hash iterations over all its parts and \
                 passwords",
                protected::MAX_HASH_WORK
            ),
        },
    }
}

/// Adds what a PKCS#12 file or keystore held; one password problem per container.
fn take_opened(
    opened: Result<protected::Opened, Failure>,
    container: Container,
    location: &Location,
    out: &mut Decoded,
) {
    let opened = match opened {
        Ok(opened) => opened,
        Err(failure) => {
            out.problem(location.clone(), failure_problem(failure, container));
            return;
        }
    };
    for (entry, part) in opened.parts {
        let location = location.with_entry(entry);
        match part {
            protected::Part::Certificate(der) => out.items.push(Item {
                content: Content::Certificate(der),
                location,
            }),
            protected::Part::Crl(der) => out.items.push(Item {
                content: Content::Crl(der),
                location,
            }),
            protected::Part::PrivateKey(der) => push_key(keys::from_pkcs8(&der), location, out),
        }
    }
    let mut password_reported = false;
    for (entry, failure) in opened.failures {
        let is_password = matches!(failure, Failure::NeedsPassword | Failure::WrongPassword);
        if is_password && password_reported {
            continue;
        }
        password_reported |= is_password;
        let located = match entry {
            Some(entry) if !is_password => location.with_entry(entry),
            _ => location.clone(),
        };
        out.problem(located, failure_problem(failure, container));
    }
    if opened.integrity_failed {
        out.problem(
            location.clone(),
            Problem::IntegrityFailed {
                what: container.noun(),
            },
        );
    }
}

/// What a DER structure looks like from the outside.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    CertificateOrCrl,
    Ocsp,
    Pkcs7,
    Pkcs12,
    Pkcs8,
    EncryptedPkcs8,
    Pkcs1,
    Sec1,
    CertificateRequest,
    Unknown,
}

const OID_PKCS7_ARC: &str = "1.2.840.113549.1.7.";
const OID_PKCS7_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_PKCS7_DATA: &str = "1.2.840.113549.1.7.1";

/// The tag of an element as one byte (class, constructed bit, number), for matching shapes.
fn tag_byte(element: &Element<'_>) -> u8 {
    let class = (element.class() as u8) << 6;
    let constructed = if element.header.is_constructed() {
        0x20
    } else {
        0
    };
    class | constructed | u8::try_from(element.tag().0).unwrap_or(0x1f).min(0x1f)
}

fn shape(der_bytes: &[u8]) -> Shape {
    let Some((outer, _)) = asn1::first(der_bytes) else {
        return Shape::Unknown;
    };
    if !asn1::is_universal(&outer, Tag::Sequence) {
        return Shape::Unknown;
    }
    let Some(parts) = asn1::children(&outer) else {
        return Shape::Unknown;
    };
    let tags: Vec<u8> = parts.iter().map(tag_byte).collect();
    let first_oid = parts.first().and_then(|p| asn1::oid(p)).unwrap_or_default();
    match tags.as_slice() {
        // Any PKCS#7 content type (1.2.840.113549.1.7.x): SignedData is read, others named.
        [0x06, 0xa0, ..] if first_oid.starts_with(OID_PKCS7_ARC) => Shape::Pkcs7,
        [0x02, 0x30, ..]
            if parts.first().and_then(|v| asn1::small_uint(v)) == Some(3)
                && parts
                    .get(1)
                    .and_then(|c| asn1::children(c))
                    .and_then(|c| c.first().and_then(|o| asn1::oid(o)))
                    .is_some_and(|o| o == OID_PKCS7_DATA) =>
        {
            Shape::Pkcs12
        }
        [0x30, 0x30, 0x03] => {
            let tbs = parts
                .first()
                .and_then(|t| asn1::children(t))
                .unwrap_or_default();
            let tbs_tags: Vec<u8> = tbs.iter().map(tag_byte).take(4).collect();
            if tbs_tags == [0x02, 0x30, 0x30, 0xa0] {
                Shape::CertificateRequest
            } else {
                Shape::CertificateOrCrl
            }
        }
        // OCSPResponse: responseStatus ENUMERATED, [0] EXPLICIT responseBytes when successful.
        [0x0a] | [0x0a, 0xa0] => Shape::Ocsp,
        [0x02, 0x30, 0x04, ..] => Shape::Pkcs8,
        [0x30, 0x04] => Shape::EncryptedPkcs8,
        [0x02, 0x04, ..] => Shape::Sec1,
        [0x02, 0x02, 0x02, ..] => Shape::Pkcs1,
        _ => Shape::Unknown,
    }
}

fn is_crl(der_bytes: &[u8]) -> bool {
    // A CRL's TBS holds a time right after the issuer; a certificate's holds a validity SEQUENCE.
    let tbs = asn1::first(der_bytes)
        .and_then(|(outer, _)| asn1::children(&outer))
        .and_then(|parts| parts.first().and_then(|tbs| asn1::children(tbs)));
    tbs.is_some_and(|fields| {
        fields.iter().take(5).any(|f| {
            asn1::is_universal(f, Tag::UtcTime) || asn1::is_universal(f, Tag::GeneralizedTime)
        })
    })
}

/// Decodes a DER structure of any supported kind.
fn decode_der(
    der_bytes: &[u8],
    location: &Location,
    entry: Option<usize>,
    unlock: &mut Opener<'_>,
    out: &mut Decoded,
) {
    let location = match entry {
        Some(entry) => location.with_entry(entry),
        None => location.clone(),
    };
    match shape(der_bytes) {
        Shape::CertificateOrCrl if is_crl(der_bytes) => out.items.push(Item {
            content: Content::Crl(der_bytes.to_vec()),
            location,
        }),
        Shape::CertificateOrCrl => out.items.push(Item {
            content: Content::Certificate(der_bytes.to_vec()),
            location,
        }),
        Shape::Ocsp => ocsp_part(der_bytes.to_vec(), location, unlock, out),
        Shape::Pkcs7 => {
            if !decode_pkcs7(der_bytes, &location, out) {
                out.problem(
                    location,
                    Problem::MalformedDer {
                        expected: "a PKCS#7 certificate bag",
                    },
                );
            }
        }
        Shape::Pkcs12 => {
            let opened = container(unlock(Locked::Pkcs12(der_bytes.to_vec())));
            take_opened(opened, Container::Pkcs12, &location, out);
        }
        Shape::Pkcs8 => push_key(keys::from_pkcs8(der_bytes), location, out),
        Shape::EncryptedPkcs8 => decrypt_key(der_bytes, location, unlock, out),
        Shape::Sec1 => push_key(keys::from_sec1(der_bytes, None), location, out),
        Shape::Pkcs1 => push_key(keys::from_pkcs1(der_bytes), location, out),
        Shape::CertificateRequest => out.items.push(Item {
            content: Content::CertificateRequest,
            location,
        }),
        Shape::Unknown => out.problem(location, Problem::NotRecognised { binary: true }),
    }
}

/// `openssl ocsp -resp_text` output in a text input: the response's text (from `OCSP Response
/// Data:` through the certificates it carries, each printed as text then PEM), and the rest of
/// the input around it. The carried certificates belong to the response, not to the input.
fn ocsp_text(bytes: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find(crate::read::ocsp::TEXT_START)?;
    let mut end = start;
    let mut in_pem = false;
    for line in text[start..].split_inclusive('\n').skip(1) {
        let trimmed = line.trim_end();
        let part = in_pem
            || trimmed.is_empty()
            || line.starts_with([' ', '\t'])
            || trimmed == "Certificate:"
            || trimmed == "-----BEGIN CERTIFICATE-----";
        if !part {
            break;
        }
        in_pem = (in_pem || trimmed == "-----BEGIN CERTIFICATE-----")
            && trimmed != "-----END CERTIFICATE-----";
        end += line.len();
    }
    let first = text[start..]
        .find('\n')
        .map_or(text.len(), |n| start + n + 1);
    let end = (first + end - start).min(text.len());
    Some((
        text[start..end].to_owned(),
        [&text[..start], &text[end..]].concat(),
    ))
}

/// An OCSP response, read by the `unlock` opener (in the page, by a module of its own). Until
/// its answer is known, nothing is added.
fn ocsp_part(der: Vec<u8>, location: Location, unlock: &mut Opener<'_>, out: &mut Decoded) {
    let content = match unlock(Locked::Ocsp(der.clone())) {
        // The module that read it does not send the bytes back.
        Ok(Unlocked::Ocsp(ocsp)) => Content::Ocsp(ocsp, der),
        Err(Failure::Unreadable(reason)) => Content::UnreadableOcsp(reason),
        _ => return,
    };
    out.items.push(Item { content, location });
}

/// Reads the certificates and CRLs of a PKCS#7 SignedData bag. Returns false when the structure
/// is not a SignedData at all.
fn decode_pkcs7(der_bytes: &[u8], location: &Location, out: &mut Decoded) -> bool {
    let Some(content_info) = asn1::first(der_bytes).and_then(|(outer, _)| asn1::children(&outer))
    else {
        return false;
    };
    let [content_type, explicit, ..] = content_info.as_slice() else {
        return false;
    };
    let Some(content_type) = asn1::oid(content_type) else {
        return false;
    };
    if !asn1::is_context(explicit, 0) {
        return false;
    }
    if content_type != OID_PKCS7_SIGNED_DATA {
        out.problem(location.clone(), Problem::UnsupportedPkcs7 { content_type });
        return true;
    }
    let Some(signed_data) = asn1::explicit(explicit, 0)
        .filter(|sd| asn1::is_universal(sd, Tag::Sequence))
        .and_then(|sd| asn1::children(&sd))
    else {
        return false;
    };
    let mut entry = 0;
    for field in signed_data {
        // certificates [0] IMPLICIT, crls [1] IMPLICIT
        let is_certificates = asn1::is_context(&field, 0);
        let is_crls = asn1::is_context(&field, 1);
        if !is_certificates && !is_crls {
            continue;
        }
        let Some(elements) = asn1::children(&field) else {
            out.problem(
                location.clone(),
                Problem::MalformedDer {
                    expected: "the certificate list of a PKCS#7 bag",
                },
            );
            continue;
        };
        for element in elements {
            entry += 1;
            let content = if is_certificates {
                Content::Certificate(element.raw.to_vec())
            } else {
                Content::Crl(element.raw.to_vec())
            };
            out.items.push(Item {
                content,
                location: location.with_entry(entry),
            });
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificates(decoded: &Decoded) -> usize {
        decoded
            .items
            .iter()
            .filter(|i| matches!(i.content, Content::Certificate(_)))
            .count()
    }

    #[test]
    fn empty_input_is_a_located_problem() {
        let decoded = decode("empty.pem", b"  \n\r\n");
        assert_eq!(decoded.problems.len(), 1);
        assert_eq!(decoded.problems[0].problem, Problem::Empty);
        assert_eq!(decoded.problems[0].location.source, "empty.pem");
    }

    #[test]
    fn unknown_label_is_located_by_block_and_line() {
        let text = "hello\n-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n";
        let decoded = decode("x.pem", text.as_bytes());
        assert_eq!(
            decoded.problems[0].problem,
            Problem::UnknownPemLabel {
                label: "FOO".into()
            }
        );
        assert_eq!(decoded.problems[0].location.block, Some(1));
        assert_eq!(decoded.problems[0].location.line, Some(2));
    }

    #[test]
    fn bad_base64_does_not_hide_later_blocks() {
        let text = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n\
                    -----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        let decoded = decode("x.pem", text.as_bytes());
        assert_eq!(decoded.problems.len(), 1);
        assert!(matches!(
            decoded.problems[0].problem,
            Problem::BadBase64 { .. }
        ));
        assert_eq!(certificates(&decoded), 1);
        assert_eq!(decoded.items[0].location.block, Some(2));
        assert_eq!(decoded.items[0].location.line, Some(4));
    }

    #[test]
    fn unterminated_block_is_reported() {
        let decoded = decode("x.pem", b"-----BEGIN CERTIFICATE-----\nMAA=\n");
        assert!(matches!(
            decoded.problems[0].problem,
            Problem::UnterminatedPem { .. }
        ));
    }

    #[test]
    fn broken_encrypted_keys_are_named() {
        let text = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n\
            -----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMAA=\n-----END RSA PRIVATE KEY-----\n";
        let decoded = decode("k.pem", text.as_bytes());
        // Real encrypted keys are opened in tests/protected.rs; these are structurally broken.
        let problems: Vec<_> = decoded.problems.iter().map(|p| &p.problem).collect();
        assert_eq!(
            problems,
            [
                &Problem::MalformedDer {
                    expected: "an encrypted private key"
                },
                &Problem::MalformedDer {
                    expected: "the DEK-Info header"
                }
            ]
        );
    }

    #[test]
    fn random_binary_is_not_recognised() {
        let decoded = decode("r.bin", &[0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
        assert_eq!(
            decoded.problems[0].problem,
            Problem::NotRecognised { binary: true }
        );
    }

    #[test]
    fn oversized_input_is_refused() {
        let big = vec![b'A'; MAX_INPUT_BYTES + 1];
        let decoded = decode("big", &big);
        assert!(matches!(
            decoded.problems[0].problem,
            Problem::TooLarge { .. }
        ));
    }
}
