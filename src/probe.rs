//! `probe`: ask a live server. A TLS client (rustls, with *ring*) connects, records the server's
//! certificate chain and what its CertificateRequest lists (the CA names and signature schemes,
//! or that it sent none), sends the client's chain and signs with its key when given, and
//! reports how the server answered: the handshake completed, an alert, the connection closed;
//! then, the handshake done, one `HEAD /` (in TLS 1.3 the server's verdict on the certificate
//! arrives after the client's Finished, and HTTPS servers may refuse at the HTTP layer instead).
//!
//! The command line only: a page cannot open sockets. The private key goes into rustls and
//! nowhere else; nothing here stores or reports it.

use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use serde::{Deserialize, Serialize};

use crate::request::{CertificateRequest, openssl_oneline};

/// What to ask, and with what.
pub struct Target {
    /// `HOST:PORT`.
    pub address: String,
    /// The name sent as SNI and checked against the server's certificate (default: the host).
    pub sni: Option<String>,
    pub timeout: Duration,
    /// Only this TLS version (`None`: 1.3 or 1.2, as the server chooses).
    pub tls: Option<TlsVersion>,
    /// The client's chain, its certificate first, and its key.
    pub client: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    /// Trust anchors to check the server's certificate with (serverAuth); none: shown only.
    pub trust: Vec<CertificateDer<'static>>,
    /// Send one `HEAD /` after the handshake.
    pub http: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsVersion {
    V12,
    V13,
}

/// What the server did, as seen from the client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub address: String,
    pub sni: String,
    /// `TLSv1.3` or `TLSv1.2`, once negotiated.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub protocol: Option<String>,
    /// The server's chain as it sent it, in OpenSSL's one-line form (subject, issuer).
    pub server_chain: Vec<ServerCertificate>,
    /// Whether the server's certificate verified against `--trust` for serverAuth and the
    /// name (`None` without `--trust`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server_trusted: Option<Verification>,
    /// The server sent a CertificateRequest.
    pub certificate_requested: bool,
    /// What it asked for (with `certificate_requested`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub certificate_request: Option<CertificateRequest>,
    /// The client's certificate was sent.
    pub certificate_sent: bool,
    /// The handshake completed.
    pub handshake_completed: bool,
    /// The TLS alert the server sent, as RFC 8446 names it (`unknown_ca`), if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub alert: Option<String>,
    /// The status line answering `HEAD /`, if one came.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub http_status: Option<String>,
    /// What went wrong with the connection itself (refused, timed out, not TLS…).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCertificate {
    pub subject: String,
    pub issuer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub valid: bool,
    /// rustls' reason when not valid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// What the verifier and resolver saw during the handshake.
#[derive(Debug, Default)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    trusted: Option<Verification>,
    request: Option<CertificateRequest>,
    sent: bool,
}

/// Accepts any server certificate (the point is to reach the server's decision), recording it
/// and, with trust anchors, whether rustls' own verifier would accept it.
#[derive(Debug)]
struct Recorder {
    seen: Arc<Mutex<Seen>>,
    provider: Arc<CryptoProvider>,
    verifier: Option<Arc<WebPkiServerVerifier>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let trusted = self.verifier.as_ref().map(|verifier| {
            match verifier.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(_) => Verification {
                    valid: true,
                    reason: None,
                },
                Err(error) => Verification {
                    valid: false,
                    reason: Some(error.to_string()),
                },
            }
        });
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        seen.trusted = trusted;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Records the CertificateRequest, and answers it with the client's chain when there is one.
#[derive(Debug)]
struct Answerer {
    seen: Arc<Mutex<Seen>>,
    key: Option<Arc<CertifiedKey>>,
}

impl ResolvesClientCert for Answerer {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.request = Some(CertificateRequest {
            ca_names: root_hint_subjects
                .iter()
                .map(|name| openssl_oneline(name).unwrap_or_else(|| "(unreadable name)".into()))
                .collect(),
            signature_algorithms: sigschemes.iter().map(|s| openssl_scheme(*s)).collect(),
            certificate_types: Vec::new(),
        });
        seen.sent = self.key.is_some();
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A signature scheme as `s_client` names it in "Requested Signature Algorithms".
fn openssl_scheme(scheme: SignatureScheme) -> String {
    match scheme {
        SignatureScheme::ECDSA_NISTP256_SHA256 => "ECDSA+SHA256",
        SignatureScheme::ECDSA_NISTP384_SHA384 => "ECDSA+SHA384",
        SignatureScheme::ECDSA_NISTP521_SHA512 => "ECDSA+SHA512",
        SignatureScheme::ECDSA_SHA1_Legacy => "ECDSA+SHA1",
        SignatureScheme::ED25519 => "ed25519",
        SignatureScheme::ED448 => "ed448",
        SignatureScheme::RSA_PSS_SHA256 => "RSA-PSS+SHA256",
        SignatureScheme::RSA_PSS_SHA384 => "RSA-PSS+SHA384",
        SignatureScheme::RSA_PSS_SHA512 => "RSA-PSS+SHA512",
        SignatureScheme::RSA_PKCS1_SHA256 => "RSA+SHA256",
        SignatureScheme::RSA_PKCS1_SHA384 => "RSA+SHA384",
        SignatureScheme::RSA_PKCS1_SHA512 => "RSA+SHA512",
        SignatureScheme::RSA_PKCS1_SHA1 => "RSA+SHA1",
        other => match u16::from(other) {
            0x0809 => "rsa_pss_pss_sha256",
            0x080a => "rsa_pss_pss_sha384",
            0x080b => "rsa_pss_pss_sha512",
            number => return format!("0x{number:04x}"),
        },
    }
    .to_owned()
}

/// An alert as RFC 8446 names it.
fn alert_name(alert: rustls::AlertDescription) -> String {
    let debug = format!("{alert:?}");
    // `UnknownCA` → `unknown_ca`, `BadCertificate` → `bad_certificate`.
    let mut name = String::new();
    let chars: Vec<char> = debug.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let previous_lower = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_ascii_lowercase());
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// What a rustls error says about the connection: an alert, or a sentence.
fn describe(error: &Error) -> (Option<String>, String) {
    match error {
        Error::AlertReceived(alert) => (
            Some(alert_name(*alert)),
            format!("the server sent the TLS alert {}", alert_name(*alert)),
        ),
        Error::InvalidMessage(_) => (
            None,
            "the server does not speak TLS on this port (its answer is not a TLS record: an \
             HTTP, SSH or other plain-text port?)"
                .to_owned(),
        ),
        Error::PeerIncompatible(why) => (
            None,
            format!(
                "the server and this client have no TLS version, cipher suite or group in \
                 common ({why:?})"
            ),
        ),
        other => (None, format!("TLS error: {other}")),
    }
}

/// Reads until the connection has something to say: TLS records processed, plaintext, an
/// alert, the end, or the timeout.
fn pump(
    connection: &mut rustls::ClientConnection,
    socket: &mut TcpStream,
    probe: &mut Probe,
) -> Option<Vec<u8>> {
    let mut plain = Vec::new();
    loop {
        match connection.read_tls(socket) {
            Ok(0) => return Some(plain),
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Some(plain);
            }
            Err(_) => return Some(plain),
        }
        if let Err(error) = connection.process_new_packets() {
            let (alert, said) = describe(&error);
            probe.alert = probe.alert.take().or(alert);
            probe.error = probe
                .error
                .take()
                .or(Some(said))
                .filter(|_| probe.alert.is_none());
            return None;
        }
        let mut buffer = [0u8; 4096];
        while let Ok(read) = connection.reader().read(&mut buffer) {
            if read == 0 {
                break;
            }
            plain.extend_from_slice(buffer.get(..read).unwrap_or_default());
        }
        if plain.contains(&b'\n') {
            return Some(plain);
        }
    }
}

/// Connects to `target` and reports what the server did.
pub fn probe(target: &Target) -> Probe {
    let (host, _) = target
        .address
        .rsplit_once(':')
        .unwrap_or((&target.address, ""));
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let sni = target.sni.clone().unwrap_or_else(|| host.to_owned());
    let mut probe = Probe {
        address: target.address.clone(),
        sni: sni.clone(),
        ..Probe::default()
    };
    let fail = |mut probe: Probe, error: String| {
        probe.error = Some(error);
        probe
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut roots = RootCertStore::empty();
    for anchor in &target.trust {
        // A certificate rustls cannot use as an anchor is left out; the verdict then says so.
        let _ = roots.add(anchor.clone());
    }
    let verifier = if target.trust.is_empty() {
        None
    } else {
        match WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()
        {
            Ok(verifier) => Some(verifier),
            Err(error) => return fail(probe, format!("--trust: {error}")),
        }
    };
    let key = match &target.client {
        None => None,
        Some((chain, key)) => match provider.key_provider.load_private_key(key.clone_key()) {
            Ok(signing) => Some(Arc::new(CertifiedKey::new(chain.clone(), signing))),
            Err(error) => return fail(probe, format!("the client's key cannot sign: {error}")),
        },
    };
    let versions: &[&rustls::SupportedProtocolVersion] = match target.tls {
        None => rustls::ALL_VERSIONS,
        Some(TlsVersion::V12) => &[&rustls::version::TLS12],
        Some(TlsVersion::V13) => &[&rustls::version::TLS13],
    };
    let config = match rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
    {
        Ok(builder) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Recorder {
                seen: seen.clone(),
                provider: provider.clone(),
                verifier,
            }))
            .with_client_cert_resolver(Arc::new(Answerer {
                seen: seen.clone(),
                key,
            })),
        Err(error) => return fail(probe, format!("TLS configuration: {error}")),
    };
    let Ok(name) = ServerName::try_from(sni.clone()) else {
        return fail(probe, format!("{sni:?} is not a host name or IP address"));
    };
    let addresses: Vec<_> = match target.address.to_socket_addrs() {
        Ok(addresses) => addresses.collect(),
        Err(error) => {
            return fail(
                probe,
                format!("{}: the name does not resolve ({error})", target.address),
            );
        }
    };
    let mut socket = None;
    let mut last = String::new();
    for address in &addresses {
        match TcpStream::connect_timeout(address, target.timeout) {
            Ok(connected) => {
                socket = Some(connected);
                break;
            }
            Err(error) => {
                last = match error.kind() {
                    std::io::ErrorKind::ConnectionRefused => {
                        format!("{address}: connection refused (nothing listens on this port)")
                    }
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
                        "{address}: no answer within {} s (a firewall dropping packets, or a \
                         wrong address)",
                        target.timeout.as_secs()
                    ),
                    _ => format!("{address}: {error}"),
                };
            }
        }
    }
    let Some(mut socket) = socket else {
        return fail(probe, last);
    };
    let _ = socket.set_read_timeout(Some(target.timeout));
    let _ = socket.set_write_timeout(Some(target.timeout));
    let mut connection = match rustls::ClientConnection::new(Arc::new(config), name) {
        Ok(connection) => connection,
        Err(error) => return fail(probe, format!("TLS: {error}")),
    };
    while connection.is_handshaking() {
        match connection.complete_io(&mut socket) {
            Ok((0, 0)) => {
                probe.error = Some(
                    "the server closed the connection during the handshake (not TLS on this \
                     port, or it refused this client before answering)"
                        .to_owned(),
                );
                break;
            }
            Ok(_) => {}
            Err(error) => {
                let inner = error
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<Error>())
                    .cloned();
                match inner {
                    Some(tls) => {
                        let (alert, said) = describe(&tls);
                        probe.alert = alert;
                        if probe.alert.is_none() {
                            probe.error = Some(said);
                        }
                    }
                    None if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                    {
                        probe.error = Some(format!(
                            "the server did not answer the handshake within {} s",
                            target.timeout.as_secs()
                        ));
                    }
                    None => {
                        probe.error = Some(format!(
                            "the connection failed during the handshake: {error} (the server \
                             may have closed it on receiving the client's certificate)"
                        ));
                    }
                }
                break;
            }
        }
    }
    probe.handshake_completed = !connection.is_handshaking();
    probe.protocol = connection.protocol_version().map(|v| match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
        other => format!("{other:?}"),
    });
    if probe.handshake_completed {
        // The server's verdict on the certificate (TLS 1.3), or its HTTP answer: both come at
        // once when they come; a server that says nothing is not waited for long.
        let _ = socket.set_read_timeout(Some(target.timeout.min(Duration::from_secs(2))));
        if target.http {
            let request = format!("HEAD / HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n");
            let _ = connection.writer().write_all(request.as_bytes());
            let _ = connection.complete_io(&mut socket);
        }
        if let Some(plain) = pump(&mut connection, &mut socket, &mut probe) {
            let text = String::from_utf8_lossy(&plain);
            probe.http_status = text
                .lines()
                .next()
                .filter(|line| line.starts_with("HTTP/"))
                .map(|line| line.trim_end().to_owned());
        }
    }
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    probe.server_chain = seen
        .chain
        .iter()
        .map(|der| {
            let names = crate::certificate::Certificate::parse(der.as_ref())
                .map(|c| {
                    (
                        openssl_oneline(&c.subject_raw).unwrap_or_else(|| c.subject().to_owned()),
                        openssl_oneline(&c.issuer_raw).unwrap_or_else(|| c.issuer().to_owned()),
                    )
                })
                .unwrap_or_else(|_| ("(unreadable certificate)".into(), String::new()));
            ServerCertificate {
                subject: names.0,
                issuer: names.1,
            }
        })
        .collect();
    probe.server_trusted = seen.trusted.clone();
    probe.certificate_requested = seen.request.is_some();
    probe.certificate_request = seen.request.clone();
    probe.certificate_sent = seen.sent;
    probe
}

/// The client's chain as it sends it and the key it signs with, from its files: the
/// certificate the key belongs to first, then the files' other certificates in their order.
/// Keys come out of PEM and DER files, encrypted keys and PKCS#12 files (opened with
/// `passwords` by the reader's own code). `None` when there is no key or no certificate of it.
pub fn client_material(
    files: &[(String, Vec<u8>)],
    passwords: &[String],
) -> Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    use pki_types::pem::PemObject as _;

    let mut certificates: Vec<Vec<u8>> = Vec::new();
    let mut keys: Vec<PrivateKeyDer<'static>> = Vec::new();
    for (name, bytes) in files {
        let mut keyring = crate::protected::Keyring::new(passwords);
        let mut opened = Vec::new();
        let decoded = crate::decode::decode_opening(name, bytes, &mut |locked| {
            let answer = crate::protected::open(&mut keyring, locked);
            opened.push(answer.clone());
            answer
        });
        for item in decoded.items {
            if let crate::decode::Content::Certificate(der) = item.content {
                certificates.push(der);
            }
        }
        for answer in opened.into_iter().flatten() {
            match answer {
                crate::protected::Unlocked::Key(plain) => keys.extend(any_key(plain)),
                crate::protected::Unlocked::Container(container) => {
                    for (_, part) in container.parts {
                        if let crate::protected::Part::PrivateKey(pkcs8) = part {
                            keys.push(PrivateKeyDer::Pkcs8(pkcs8.into()));
                        }
                    }
                }
                // A client presents no OCSP response of its own here.
                crate::protected::Unlocked::Ocsp(_) | crate::protected::Unlocked::Yaml(_) => {}
            }
        }
        keys.extend(PrivateKeyDer::pem_slice_iter(bytes).flatten());
        if bytes.first() == Some(&0x30) {
            keys.extend(any_key(bytes.clone()));
        }
    }
    let provider = rustls::crypto::ring::default_provider();
    for key in keys {
        let Ok(signing) = provider.key_provider.load_private_key(key.clone_key()) else {
            continue;
        };
        for (at, der) in certificates.iter().enumerate() {
            let leaf = CertificateDer::from(der.clone());
            if CertifiedKey::new(vec![leaf.clone()], signing.clone())
                .keys_match()
                .is_ok()
            {
                let mut chain = vec![leaf];
                chain.extend(
                    certificates
                        .iter()
                        .enumerate()
                        .filter(|(i, other)| *i != at && *other != der)
                        .map(|(_, other)| CertificateDer::from(other.clone())),
                );
                return Some((chain, key));
            }
        }
    }
    None
}

/// A decrypted or DER key of any of the three encodings.
fn any_key(der: Vec<u8>) -> Option<PrivateKeyDer<'static>> {
    PrivateKeyDer::try_from(der).ok()
}

/// The probe, the offline inspection of the same files with what the server asked for, and
/// which of its findings explain the server's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeReport {
    pub probe: Probe,
    /// The codes of the inspection's errors that the server's alert is known to mean.
    pub explained_by: Vec<crate::diagnosis::Code>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub report: Option<crate::Report>,
}

/// What the server decided, as an exit status: 0 accepted the certificate, 1 refused it
/// (an alert once it had asked for one, or an HTTP refusal), 2 the connection failed (also an
/// alert before any certificate was asked for: no TLS version or cipher in common), 3 nothing
/// decided (no certificate asked for, or none sent and nothing refused).
pub fn exit_code(probe: &Probe) -> u8 {
    let refused_over_http = probe
        .http_status
        .as_deref()
        .and_then(|status| status.split_whitespace().nth(1))
        .is_some_and(|code| matches!(code, "400" | "403" | "495" | "496"));
    let refused = probe.alert.is_some() && probe.certificate_requested;
    if refused || (probe.certificate_requested && refused_over_http) {
        1
    } else if probe.error.is_some() || probe.alert.is_some() {
        2
    } else if !probe.certificate_requested || !probe.certificate_sent {
        3
    } else {
        0
    }
}

impl ProbeReport {
    /// The findings of `report` that the alert in `probe` is known to mean.
    pub fn new(probe: Probe, report: Option<crate::Report>) -> Self {
        let mut explained_by = Vec::new();
        if let (Some(alert), Some(report)) = (&probe.alert, &report) {
            let words = alert.replace('_', " ");
            let mut known: Vec<crate::diagnosis::Code> =
                ["sslv3 alert", "tlsv1 alert", "tlsv13 alert"]
                    .iter()
                    .flat_map(|prefix| crate::messages::explain(&format!("{prefix} {words}")))
                    .flat_map(|k| k.codes.to_vec())
                    .collect();
            known.sort();
            known.dedup();
            for finding in &report.findings {
                if known.contains(&finding.code)
                    && finding.code.severity() == crate::diagnosis::Severity::Error
                    && !explained_by.contains(&finding.code)
                {
                    explained_by.push(finding.code);
                }
            }
        }
        Self {
            probe,
            explained_by,
            report,
        }
    }

    pub fn to_json(&self) -> String {
        // The report as `check --format json` writes it (without PEM).
        let written = Self {
            probe: self.probe.clone(),
            explained_by: self.explained_by.clone(),
            report: self.report.clone().map(crate::Report::without_pem),
        };
        serde_json::to_string_pretty(&written).unwrap_or_default() + "\n"
    }

    /// The probe as lines of text (Markdown when `markdown`), then the inspection.
    pub fn render(&self, markdown: bool) -> String {
        let probe = &self.probe;
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        let heading = if markdown { "## " } else { "" };
        let item = if markdown { "- " } else { "  " };
        line(format!(
            "{heading}Probe of {} (SNI {}){}",
            crate::escape::visible(&probe.address),
            crate::escape::visible(&probe.sni),
            probe
                .protocol
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ));
        if let Some(error) = &probe.error {
            line(format!("{item}Connection: {error}"));
        }
        if !probe.server_chain.is_empty() {
            line("Server certificate chain (as sent):".to_owned());
            for (i, cert) in probe.server_chain.iter().enumerate() {
                line(format!(
                    "{item}{i}. {}  (issuer {})",
                    crate::escape::visible(&cert.subject),
                    crate::escape::visible(&cert.issuer)
                ));
            }
            line(match &probe.server_trusted {
                None => format!("{item}Not checked against trust anchors (no --trust)."),
                Some(v) if v.valid => {
                    format!("{item}Trusted by --trust for serverAuth and {}.", probe.sni)
                }
                Some(v) => format!(
                    "{item}NOT trusted by --trust: {}",
                    v.reason.as_deref().unwrap_or("refused")
                ),
            });
        }
        match (
            &probe.certificate_request,
            probe.handshake_completed || probe.alert.is_some(),
        ) {
            (Some(request), _) => {
                line("The server asked for a client certificate (CertificateRequest).".to_owned());
                if request.ca_names.is_empty() {
                    line(format!(
                        "{item}CA names: none listed (any issuer may be sent)."
                    ));
                } else {
                    for name in &request.ca_names {
                        line(format!("{item}CA name: {}", crate::escape::visible(name)));
                    }
                }
                line(format!(
                    "{item}Signature schemes: {}",
                    request.signature_algorithms.join(", ")
                ));
                line(format!(
                    "{item}Client certificate: {}",
                    if probe.certificate_sent {
                        "sent"
                    } else {
                        "not sent (no certificate with its key was given)"
                    }
                ));
            }
            (None, true) => line(format!(
                "This server never asks for a client certificate (at SNI {}, {}): whatever \
                 certificate the client has is never sent.",
                crate::escape::visible(&probe.sni),
                probe.protocol.as_deref().unwrap_or("this TLS version")
            )),
            (None, false) => {}
        }
        if let Some(alert) = &probe.alert {
            line(if probe.certificate_requested {
                format!("The server refused the connection with the TLS alert {alert}.")
            } else {
                format!(
                    "The server refused the handshake with the TLS alert {alert} before asking \
                     for any certificate (no TLS version, cipher suite or group in common, or \
                     it needs another SNI)."
                )
            });
        } else if probe.handshake_completed {
            line("The handshake completed.".to_owned());
        }
        if let Some(status) = &probe.http_status {
            line(format!(
                "{item}HEAD / answered: {}",
                crate::escape::visible(status)
            ));
        }
        if !self.explained_by.is_empty() {
            let names: Vec<&str> = self.explained_by.iter().map(|c| c.as_str()).collect();
            line(format!(
                "Explained by the files: {} (below).",
                names.join(", ")
            ));
        }
        if let Some(report) = &self.report {
            line(String::new());
            out.push_str(&if markdown {
                report.to_markdown()
            } else {
                report.to_text()
            });
        }
        out
    }
}
