//! Kubernetes: the API server's client-certificate authenticator, configured by
//! `kube-apiserver --client-ca-file=…` (a flag on its command line, in its static pod manifest
//! or its systemd unit). It verifies the chain with Go's crypto/x509 (`KeyUsages: clientAuth`,
//! the client's other certificates as intermediates, no CRLs), then takes the user from the
//! certificate's CN and the groups from its O values (`CommonNameUserConversion`); a
//! certificate without a CN authenticates nobody.
//!
//! Read by hand: only the flags matter, found as words in any of those files (no YAML or unit
//! file reader needed, and none would tell more). Checked against Kubernetes' documentation and
//! source (staging/src/k8s.io/apiserver/pkg/authentication/request/x509/x509.go) only: no API
//! server can be run here.

use super::{FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::read::names;

/// The flags this reader uses.
const FLAGS: &[&str] = &["--client-ca-file", "--anonymous-auth"];

/// `(line, flag, value)` for every `--flag=value` or `--flag value` in `text`, YAML list
/// dashes and quotes around them taken off.
fn flags(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'' || c == ','))
            .filter(|w| !w.is_empty() && *w != "-")
            .collect();
        for (at, word) in words.iter().enumerate() {
            let Some(flag) = FLAGS.iter().find(|f| word.starts_with(**f)) else {
                continue;
            };
            let value = match word.get(flag.len()..) {
                Some(rest) if rest.starts_with('=') => rest.get(1..).unwrap_or_default(),
                Some("") => words.get(at + 1).copied().unwrap_or_default(),
                _ => continue,
            };
            out.push((i + 1, (*flag).to_owned(), value.to_owned()));
        }
    }
    out
}

/// Whether `text` configures a Kubernetes API server's client certificates.
pub(super) fn looks_like(text: &str) -> bool {
    flags(text)
        .iter()
        .any(|(_, flag, _)| flag == "--client-ca-file")
}

pub(super) fn read(name: &str, text: &str) -> ServerConfig {
    let mut config = ServerConfig {
        // The API server asks for a certificate (tls.RequestClientCert) and authenticates
        // the request with it; without one, other authenticators are tried.
        verify: Verify::Optional,
        ..ServerConfig::new(ServerKind::Kubernetes)
    };
    for (line, flag, value) in flags(text) {
        let setting = Setting {
            name: flag.clone(),
            value: value.clone(),
            file: name.to_owned(),
            line,
        };
        if flag == "--client-ca-file" {
            config.files.push(NamedFile {
                role: FileRole::TrustedCas,
                path: value,
                setting: setting.clone(),
                given: None,
            });
        }
        config.settings.push(setting);
    }
    config
}

pub(super) fn outcome(leaf: Option<&Certificate>, chain_fails: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(cert) = leaf else {
        return outcome;
    };
    if chain_fails {
        // Followed by Go's verification error (`x509: certificate signed by unknown authority`).
        outcome.log_line = Some("Unable to authenticate the request".to_owned());
        outcome.client_sees =
            Some("error: You must be logged in to the server (Unauthorized)".to_owned());
        return outcome;
    }
    let values = |oid: &str| -> Vec<String> {
        names::attribute_values(&cert.subject_raw, oid)
            .into_iter()
            .map(|value| String::from_utf8_lossy(value).into_owned())
            .collect()
    };
    let cn = values(names::COMMON_NAME);
    // organizationName
    let groups = values("2.5.4.10");
    match cn.first().filter(|cn| !cn.is_empty()) {
        Some(user) => {
            outcome.identity.push(super::field("user", user));
            outcome
                .identity
                .push(super::field("groups", &groups.join(", ")));
        }
        None => {
            outcome
                .violations
                .push(Violation::general(Code::AccessRuleRefuses).value(
                    "the certificate has no common name: the API server's certificate \
                     authenticator takes the user from the CN and authenticates nobody",
                ));
            outcome.client_sees =
                Some("error: You must be logged in to the server (Unauthorized)".to_owned());
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"apiVersion: v1
kind: Pod
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=10.0.0.1
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --anonymous-auth=false
"#;

    #[test]
    fn the_client_ca_flag_is_read_from_a_manifest_or_a_command_line() {
        assert!(looks_like(MANIFEST));
        let config = read("kube-apiserver.yaml", MANIFEST);
        assert_eq!(config.files.len(), 1);
        assert_eq!(config.files[0].path, "/etc/kubernetes/pki/ca.crt");
        assert_eq!(config.files[0].setting.line, 8);
        let flags = flags("ExecStart=/usr/bin/kube-apiserver --client-ca-file /ca.pem \\");
        assert_eq!(
            flags,
            [(1, "--client-ca-file".to_owned(), "/ca.pem".to_owned())]
        );
        assert!(!looks_like("--client-ca-filex=/a"));
    }
}
