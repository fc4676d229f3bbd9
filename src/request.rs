//! Will the client even send its certificate? The server's CertificateRequest lists the CA
//! names it accepts and the signature schemes it can verify; Go, Java and browsers silently send
//! no certificate when none of the chain's issuers matches a listed name, or the key cannot sign
//! with a listed scheme, and the server then logs only "no certificate".
//!
//! The request is read from pasted `openssl s_client` output ("Acceptable client certificate
//! CA names", "Client Certificate Types", "Requested Signature Algorithms"), and CA names are
//! compared the way each client stack compares them: Go's crypto/tls and browsers byte for byte
//! (the issuer's DER against the listed name's DER), Java by the names' canonical string form.

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::keys::KeyAlgorithm;
use crate::read::openssl_names::{NameFormat, openssl_name};

/// The part of `probe --format json` that says what the server asked for.
#[derive(Deserialize)]
struct ProbeJson {
    probe: Probed,
}

#[derive(Deserialize)]
struct Probed {
    #[serde(default)]
    certificate_request: Option<CertificateRequest>,
}

impl CertificateRequest {
    /// The request `probe --format json` recorded (read by the browser's `JSON.parse` in the
    /// page, whose engine then carries no JSON reader of its own).
    fn from_probe_json(text: &str) -> Option<Self> {
        #[cfg(all(target_arch = "wasm32", feature = "web"))]
        let probe: ProbeJson = {
            let value = js_sys::JSON::parse(text).ok()?;
            serde_wasm_bindgen::from_value(value).ok()?
        };
        #[cfg(not(all(target_arch = "wasm32", feature = "web")))]
        let probe: ProbeJson = serde_json::from_str(text).ok()?;
        probe.probe.certificate_request
    }
}

/// A DER Name in OpenSSL's `XN_FLAG_ONELINE` form, as `s_client` prints CA names:
/// `C = US, O = "Example, Inc.", CN = Example Root CA`.
pub fn openssl_oneline(raw: &[u8]) -> Option<String> {
    openssl_name(raw, NameFormat::Oneline)
}

/// What the server asked for, as `openssl s_client` printed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    /// The acceptable CA names in OpenSSL's one-line form; empty when none were sent.
    pub ca_names: Vec<String>,
    /// `Requested Signature Algorithms`, as OpenSSL names them (`ECDSA+SHA256`, `ed25519`,
    /// `RSA-PSS+SHA256`, `rsa_pss_pss_sha256`, `RSA+SHA256`).
    pub signature_algorithms: Vec<String>,
    /// TLS 1.2's `Client Certificate Types` (`RSA sign`, `ECDSA sign`); empty in TLS 1.3.
    pub certificate_types: Vec<String>,
}

impl CertificateRequest {
    /// Reads the CertificateRequest sections of `openssl s_client` output, or the one that
    /// `mtls-inspector probe --format json` recorded; `None` when the text has none (the server
    /// did not ask for a certificate, or this is neither).
    pub fn from_s_client(text: &str) -> Option<Self> {
        if text.trim_start().starts_with('{') {
            return Self::from_probe_json(text);
        }
        let mut request = Self::default();
        let mut found = false;
        let mut in_names = false;
        for line in text.lines().map(|l| l.trim_end_matches('\r')) {
            if line.starts_with("Acceptable client certificate CA names") {
                found = true;
                in_names = true;
                continue;
            }
            if line.starts_with("No client certificate CA names sent") {
                found = true;
                in_names = false;
                continue;
            }
            if let Some(types) = line.strip_prefix("Client Certificate Types:") {
                found = true;
                in_names = false;
                request.certificate_types = types
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect();
                continue;
            }
            if let Some(list) = line.strip_prefix("Requested Signature Algorithms:") {
                found = true;
                in_names = false;
                request.signature_algorithms = list
                    .split(':')
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
                    .collect();
                continue;
            }
            if in_names {
                if line.trim().is_empty()
                    || line.starts_with("---")
                    || line.contains(": ") && !line.contains(" = ")
                {
                    in_names = false;
                } else {
                    request.ca_names.push(line.trim().to_owned());
                }
            }
        }
        found.then_some(request)
    }
}

/// Java's `X500Principal` equality, approximately: case-insensitive, spaces collapsed.
fn canonical(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Can a key of this type sign with one of the requested schemes (and is its type among the
/// TLS 1.2 certificate types)?
pub fn key_fits(key: &KeyAlgorithm, spki_oid_is_pss: bool, request: &CertificateRequest) -> bool {
    let tls12 = !request.certificate_types.is_empty();
    let schemes = &request.signature_algorithms;
    let has = |wanted: &dyn Fn(&str) -> bool| schemes.iter().any(|s| wanted(s));
    let type_listed = |name: &str| !tls12 || request.certificate_types.iter().any(|t| t == name);
    match key {
        KeyAlgorithm::Rsa { .. } if spki_oid_is_pss => has(&|s| s.starts_with("rsa_pss_pss_")),
        KeyAlgorithm::Rsa { .. } => {
            type_listed("RSA sign")
                && has(&|s| {
                    s.starts_with("RSA-PSS+")
                        || s.starts_with("rsa_pss_rsae_")
                        || (tls12 && (s.starts_with("RSA+") || s.starts_with("rsa_pkcs1_")))
                })
        }
        KeyAlgorithm::Ec { curve } => {
            // TLS 1.3 binds each ECDSA scheme to one curve; TLS 1.2 names the hash only.
            let bound = match curve.as_str() {
                "P-256" => "SHA256",
                "P-384" => "SHA384",
                "P-521" => "SHA512",
                _ => "",
            };
            type_listed("ECDSA sign")
                && has(&|s| {
                    let hash = s
                        .strip_prefix("ECDSA+")
                        .or_else(|| s.strip_prefix("ecdsa_").and_then(|r| r.rsplit('_').next()));
                    hash.is_some_and(|h| tls12 || h.eq_ignore_ascii_case(bound))
                })
        }
        KeyAlgorithm::Ed25519 => has(&|s| s.eq_ignore_ascii_case("ed25519")),
        KeyAlgorithm::Ed448 => has(&|s| s.eq_ignore_ascii_case("ed448")),
        KeyAlgorithm::Other { .. } => false,
    }
}

/// How the chain's issuers compare with the acceptable CA names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameMatch {
    /// Some issuer's one-line form equals a listed name.
    pub by_string: bool,
    /// Some issuer's DER equals the DER of a listed name, as far as it is known: the DER of a
    /// listed name is known when the server's trust bundle has a CA with that name (the
    /// server sends its trusted CAs' subjects). `None` when no listed name's DER is known.
    pub by_bytes: Option<bool>,
    /// Java's comparison (canonical form).
    pub canonical: bool,
}

/// Compares the issuers of the certificates the client sends with the listed CA names.
pub fn match_names(
    sent: &[&Certificate],
    trusted: &[&Certificate],
    request: &CertificateRequest,
) -> NameMatch {
    let issuers: Vec<(&[u8], Option<String>)> = sent
        .iter()
        .map(|c| (c.issuer_raw.as_slice(), openssl_oneline(&c.issuer_raw)))
        .collect();
    let listed = |text: &str| request.ca_names.iter().any(|n| n == text);
    let by_string = issuers
        .iter()
        .any(|(_, text)| text.as_deref().is_some_and(listed));
    let canonical_names: Vec<String> = request.ca_names.iter().map(|n| canonical(n)).collect();
    let canonical_match = issuers.iter().any(|(_, text)| {
        text.as_deref()
            .is_some_and(|t| canonical_names.contains(&canonical(t)))
    });
    // The DER the server sends for each listed name: the subjects of its trusted CAs that
    // print as that name.
    let known_ders: Vec<&[u8]> = trusted
        .iter()
        .filter(|c| {
            openssl_oneline(&c.subject_raw)
                .as_deref()
                .is_some_and(listed)
        })
        .map(|c| c.subject_raw.as_slice())
        .collect();
    let by_bytes =
        (!known_ders.is_empty()).then(|| issuers.iter().any(|(raw, _)| known_ders.contains(raw)));
    NameMatch {
        by_string,
        by_bytes,
        canonical: canonical_match,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_s_client_prints() {
        let text = "---\nAcceptable client certificate CA names\n\
            C = US, O = \"Example, Inc.\", CN = Example Root CA\nCN = Caf\\C3\\A9 CA\n\
            Client Certificate Types: RSA sign, ECDSA sign\n\
            Requested Signature Algorithms: ECDSA+SHA256:ed25519:RSA-PSS+SHA256\n\
            Shared Requested Signature Algorithms: ECDSA+SHA256\nPeer signing digest: SHA256\n";
        let request = CertificateRequest::from_s_client(text).unwrap();
        assert_eq!(
            request.ca_names,
            [
                "C = US, O = \"Example, Inc.\", CN = Example Root CA",
                "CN = Caf\\C3\\A9 CA"
            ]
        );
        assert_eq!(request.certificate_types, ["RSA sign", "ECDSA sign"]);
        assert_eq!(
            request.signature_algorithms,
            ["ECDSA+SHA256", "ed25519", "RSA-PSS+SHA256"]
        );
        let none =
            CertificateRequest::from_s_client("No client certificate CA names sent\n").unwrap();
        assert!(none.ca_names.is_empty());
        assert_eq!(CertificateRequest::from_s_client("hello\nworld"), None);
    }

    #[test]
    fn scheme_fit_follows_the_tls_version() {
        let tls13 = CertificateRequest {
            signature_algorithms: vec!["ECDSA+SHA384".into(), "RSA+SHA256".into()],
            ..CertificateRequest::default()
        };
        let p256 = KeyAlgorithm::Ec {
            curve: "P-256".into(),
        };
        let rsa = KeyAlgorithm::Rsa { bits: 2048 };
        assert!(
            !key_fits(&p256, false, &tls13),
            "TLS 1.3 binds P-256 to SHA-256"
        );
        assert!(
            !key_fits(&rsa, false, &tls13),
            "TLS 1.3 signs with RSA-PSS only"
        );
        let tls12 = CertificateRequest {
            certificate_types: vec!["RSA sign".into(), "ECDSA sign".into()],
            ..tls13.clone()
        };
        assert!(key_fits(&p256, false, &tls12));
        assert!(key_fits(&rsa, false, &tls12));
        assert!(!key_fits(&KeyAlgorithm::Ed25519, false, &tls12));
    }
}

/// One client stack's answer to "would it send this certificate?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientStack {
    /// `go`, `java`, `browsers`, `rustls` or `openssl`.
    pub name: String,
    pub label: String,
    pub sends: bool,
    /// Why, in one sentence.
    pub why: String,
    pub codes: Vec<crate::diagnosis::Code>,
}

/// Decides for each client stack whether it sends the certificate, given the certificates the
/// client holds (`sent`, the client certificate first) and the server's trusted CAs.
pub fn decide(
    sent: &[&Certificate],
    trusted: &[&Certificate],
    request: &CertificateRequest,
) -> Vec<ClientStack> {
    let Some(leaf) = sent.first() else {
        return Vec::new();
    };
    let names = match_names(sent, trusted, request);
    let facts = Facts {
        listed: !request.ca_names.is_empty(),
        key_ok: key_fits(&leaf.key, false, request),
        by_bytes: names.by_bytes.unwrap_or(names.by_string),
        by_string: names.by_string,
        canonical: names.canonical,
        key_words: format!("an {} key", leaf.key),
    };
    CLIENTS
        .iter()
        .map(|client| client_stack(client, &facts))
        .collect()
}

/// How a client stack uses the CA names of a CertificateRequest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CaNames {
    /// Sends only a chain whose issuer's DER is listed.
    Bytes,
    /// Sends only a chain whose issuer equals a listed name as an `X500Principal`.
    Canonical,
    /// Does not filter on them.
    Ignored,
}

struct Client {
    name: &'static str,
    label: &'static str,
    ca_names: CaNames,
    /// Sends its certificate even when it does not fit the request (and the handshake fails).
    sends_anyway: bool,
}

/// The client stacks. Go's and OpenSSL's behaviour is measured by tests/s_client.rs against a
/// real `openssl s_server`; Java's, the browsers' and rustls' is read from their sources.
const CLIENTS: &[Client] = &[
    Client {
        name: "go",
        label: "Go crypto/tls",
        ca_names: CaNames::Bytes,
        sends_anyway: false,
    },
    Client {
        name: "browsers",
        label: "Browsers (Chrome, Firefox, Safari)",
        ca_names: CaNames::Bytes,
        sends_anyway: false,
    },
    Client {
        name: "java",
        label: "Java (JSSE key managers)",
        ca_names: CaNames::Canonical,
        sends_anyway: false,
    },
    Client {
        name: "rustls",
        label: "rustls clients",
        ca_names: CaNames::Ignored,
        sends_anyway: false,
    },
    Client {
        name: "openssl",
        label: "OpenSSL clients (curl, s_client)",
        ca_names: CaNames::Ignored,
        sends_anyway: true,
    },
];

/// What decides whether a client sends the certificate.
struct Facts {
    /// The request lists CA names.
    listed: bool,
    /// The key can sign with a requested algorithm.
    key_ok: bool,
    /// An issuer of the chain is listed, byte for byte.
    by_bytes: bool,
    /// An issuer reads like a listed name.
    by_string: bool,
    /// An issuer equals a listed name as an `X500Principal`.
    canonical: bool,
    key_words: String,
}

fn client_stack(client: &Client, facts: &Facts) -> ClientStack {
    use crate::diagnosis::Code;
    let (names_ok, compares) = match client.ca_names {
        CaNames::Bytes => (!facts.listed || facts.by_bytes, "compared byte for byte"),
        CaNames::Canonical => (
            !facts.listed || facts.canonical,
            "compared as X500Principal names",
        ),
        CaNames::Ignored => (true, ""),
    };
    let checks_names = client.ca_names != CaNames::Ignored;
    let key_words = &facts.key_words;
    let mut codes = Vec::new();
    let mut why = Vec::new();
    if !names_ok {
        codes.push(Code::IssuerNotInAcceptableCaNames);
        if facts.by_string && !facts.by_bytes {
            codes.push(Code::CaNameEncodingDiffers);
            why.push(format!(
                "an issuer's name reads like a listed CA name but its DER differs ({compares})"
            ));
        } else {
            why.push(format!(
                "no issuer in the chain is a listed CA name ({compares})"
            ));
        }
    }
    if !facts.key_ok {
        codes.push(Code::KeyTypeNotRequested);
        why.push(format!(
            "{key_words} cannot sign with any requested signature algorithm"
        ));
    }
    let fits = codes.is_empty();
    let why = if fits && checks_names && facts.listed {
        format!(
            "sends it: an issuer matches a listed CA name ({compares}) and {key_words} fits a requested algorithm"
        )
    } else if fits {
        format!("sends it: {key_words} fits a requested algorithm")
    } else if client.sends_anyway {
        format!(
            "sends it regardless of the CA names, but the handshake fails: {}",
            why.join("; ")
        )
    } else {
        format!("sends no certificate: {}", why.join("; "))
    };
    ClientStack {
        name: client.name.to_owned(),
        label: client.label.to_owned(),
        sends: fits || client.sends_anyway,
        why,
        codes,
    }
}
