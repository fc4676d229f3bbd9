//! Mosquitto: the listener that asks for client certificates (`require_certificate`,
//! `cafile`, `capath`, `crlfile`, `use_identity_as_username`, `use_subject_as_username`), and
//! what the broker does: OpenSSL decides alone (the callback passes its verdict through, so the
//! first error refuses), a CRL file checks the client certificate only (`X509_V_FLAG_CRL_CHECK`),
//! and the user name is the certificate's CN or its RFC 2253 subject.
//!
//! Read by hand: this is Mosquitto's own `key value` format, which no crate reads. Checked
//! against a real Mosquitto 2.0 by tests/servers.rs.

use super::{CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::{OpensslError, alert};
use crate::read::names;
use crate::read::openssl_names::{NameFormat, openssl_name};

/// The options about client certificates, as Mosquitto spells them.
const OPTIONS: &[&str] = &[
    "require_certificate",
    "cafile",
    "capath",
    "crlfile",
    "use_identity_as_username",
    "use_subject_as_username",
];

/// One `key value` line.
struct Line {
    number: usize,
    key: String,
    value: String,
    /// The `listener` line it follows (0: the default listener's options).
    listener: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut listener = 0;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if key == "listener" {
            listener = i + 1;
        }
        out.push(Line {
            number: i + 1,
            key: key.to_owned(),
            value: value.trim().to_owned(),
            listener,
        });
    }
    out
}

/// Whether `text` is a Mosquitto configuration that says something about certificates.
pub(super) fn looks_like(text: &str) -> bool {
    let lines = lines(text);
    lines.iter().any(|l| {
        matches!(
            l.key.as_str(),
            "listener" | "per_listener_settings" | "port"
        )
    }) && lines.iter().any(|l| OPTIONS.contains(&l.key.as_str()))
}

pub(super) fn read(name: &str, text: &str) -> ServerConfig {
    let all = lines(text);
    let mut config = ServerConfig::new(ServerKind::Mosquitto);
    let at = |line: &Line| Setting {
        name: line.key.clone(),
        value: line.value.clone(),
        file: name.to_owned(),
        line: line.number,
    };
    // The listener whose options ask for a certificate, else the first with a CA file.
    let listener_of = |key: &str, wanted: &dyn Fn(&str) -> bool| {
        all.iter()
            .find(|l| l.key == key && wanted(&l.value))
            .map(|l| l.listener)
    };
    let chosen = listener_of("require_certificate", &|v| v == "true")
        .or_else(|| listener_of("cafile", &|_| true))
        .unwrap_or(0);
    // Without per_listener_settings, the security options apply to every listener.
    let per_listener = all
        .iter()
        .any(|l| l.key == "per_listener_settings" && l.value == "true");
    let applies = |l: &Line| l.listener == chosen || (!per_listener && l.key != "listener");
    if let Some(listener) = all.iter().find(|l| l.number == chosen) {
        config.settings.push(at(listener));
    }
    let get = |key: &str| all.iter().rev().find(|l| l.key == key && applies(l));
    let flag = |key: &str| get(key).is_some_and(|l| l.value == "true");
    config.verify = if flag("require_certificate") {
        Verify::Required
    } else {
        Verify::Off
    };
    let mut rules = MosquittoRules::default();
    for key in OPTIONS {
        match get(key) {
            Some(line) => config.settings.push(at(line)),
            None if *key == "require_certificate" => config.settings.push(Setting {
                name: (*key).to_owned(),
                value: "false (Mosquitto's default: no certificate asked for)".to_owned(),
                file: String::new(),
                line: 0,
            }),
            None => {}
        }
    }
    rules.identity_as_username = flag("use_identity_as_username");
    rules.subject_as_username = flag("use_subject_as_username");
    for (key, role) in [
        ("cafile", FileRole::TrustedCas),
        ("capath", FileRole::TrustedCas),
        ("crlfile", FileRole::Crls),
        ("certfile", FileRole::ServerIdentity),
        ("keyfile", FileRole::ServerIdentity),
    ] {
        if let Some(line) = get(key) {
            config.files.push(NamedFile {
                role,
                path: line.value.clone(),
                setting: at(line),
                given: None,
            });
        }
    }
    if get("crlfile").is_some() {
        config.crl = CrlCheck::Leaf;
    }
    if config.verify == Verify::Required && get("cafile").or(get("capath")).is_none() {
        config.problems.push(format!(
            "{name}: require_certificate true without cafile or capath: Mosquitto refuses to start"
        ));
    }
    for line in &all {
        let used = OPTIONS.contains(&line.key.as_str())
            || matches!(line.key.as_str(), "certfile" | "keyfile" | "listener");
        if !used || !applies(line) {
            config.ignored.push(at(line));
        }
    }
    config.rules = super::Rules::Mosquitto(rules);
    config
}

/// How Mosquitto names the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MosquittoRules {
    /// `use_identity_as_username`: the CN.
    pub identity_as_username: bool,
    /// `use_subject_as_username`: the subject in RFC 2253 form.
    pub subject_as_username: bool,
}

pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(error) = errors.first() {
        outcome.log_line = Some(
            "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed".to_owned(),
        );
        outcome.client_sees = Some(alert(error.number).to_owned());
        return outcome;
    }
    let rules = match &config.rules {
        super::Rules::Mosquitto(rules) => rules.clone(),
        _ => MosquittoRules::default(),
    };
    let Some(cert) = leaf else {
        return outcome;
    };
    let user = if rules.identity_as_username {
        let values = names::attribute_values(&cert.subject_raw, names::COMMON_NAME);
        match values.first() {
            Some(bytes) if !bytes.contains(&0) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => {
                outcome.violations.push(
                    Violation::general(Code::AccessRuleRefuses).value(
                        "use_identity_as_username: the certificate has no usable common name",
                    ),
                );
                None
            }
        }
    } else if rules.subject_as_username {
        openssl_name(&cert.subject_raw, NameFormat::Rfc2253)
    } else {
        None
    };
    if let Some(user) = user {
        outcome.identity.push(super::field("username", &user));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "
per_listener_settings true
listener 1883
allow_anonymous true
listener 8883 0.0.0.0
cafile /etc/mosquitto/ca.pem
certfile /etc/mosquitto/server.pem
keyfile /etc/mosquitto/server.key
crlfile /etc/mosquitto/crl.pem
require_certificate true
use_identity_as_username true
";

    #[test]
    fn the_listener_that_asks_is_read() {
        assert!(looks_like(CONFIG));
        let config = read("mosquitto.conf", CONFIG);
        assert_eq!(config.verify, Verify::Required);
        assert_eq!(config.crl, CrlCheck::Leaf);
        assert_eq!(config.settings[0].line, 5);
        let crate::server::Rules::Mosquitto(rules) = &config.rules else {
            panic!("Mosquitto's rules")
        };
        assert!(rules.identity_as_username);
        assert!(
            config
                .ignored
                .iter()
                .any(|s| s.name == "allow_anonymous" && s.line == 4)
        );
        assert_eq!(config.files.len(), 4);
        let off = read("m.conf", "listener 8883\ncafile /ca.pem\n");
        assert_eq!(off.verify, Verify::Off);
        assert!(!looks_like("server { listen 443; }"));
    }
}
