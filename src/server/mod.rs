//! The server's configuration: which settings decide the verdict, and where they are written.
//!
//! A configuration file is recognised by content ([`read`]) and read into a [`ServerConfig`]:
//! how the server asks for a client certificate ([`Verify`]), how deep a chain it accepts, how
//! it uses CRLs ([`CrlCheck`]), the files it names (so the user knows which file to drop
//! where), and every directive it did not need, listed as ignored, never dropped. The matching
//! profile then decides with these settings ([`ServerConfig::profile`]), and the
//! report says what the server derives from an accepted certificate.

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
pub use crate::profiles::CrlCheck;
use crate::profiles::Profile;
use crate::profiles::openssl_errors::OpensslError;

mod apache;
mod apache_expr;
pub mod envoy;
mod haproxy;
mod kubernetes;
mod mosquitto;
mod nginx;
pub mod postgres;

/// A server whose configuration is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    Nginx,
    Postgresql,
    Haproxy,
    Apache,
    Mosquitto,
    Kubernetes,
    Envoy,
}

impl ServerKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Nginx => "nginx",
            Self::Postgresql => "PostgreSQL",
            Self::Haproxy => "HAProxy",
            Self::Apache => "Apache httpd",
            Self::Mosquitto => "Mosquitto",
            Self::Kubernetes => "Kubernetes API server",
            Self::Envoy => "Envoy",
        }
    }

    /// The profile that stands for this server.
    pub fn profile(self) -> Profile {
        match self {
            Self::Nginx => Profile::Nginx,
            // Envoy's BoringSSL verifies as OpenSSL's X509_verify_cert does.
            Self::Postgresql | Self::Haproxy | Self::Apache | Self::Mosquitto | Self::Envoy => {
                Profile::Openssl
            }
            Self::Kubernetes => Profile::Go,
        }
    }
}

/// How the server asks for a client certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// A verified certificate is required.
    Required,
    /// A certificate is asked for; without one the connection goes on, with one that fails
    /// verification it is refused.
    Optional,
    /// As `Optional`, and a certificate whose issuer is not trusted is let through too (nginx
    /// `optional_no_ca`): the application must check the verification result.
    OptionalNoCa,
    /// No client certificate is asked for.
    Off,
}

/// One directive, where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
    /// The configuration file it is in.
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl Setting {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// What a file named by the configuration holds for the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// The CAs client certificates are verified against (give it as the server's trust).
    TrustedCas,
    /// The CRLs (give them with the trust).
    Crls,
    /// The server's own certificate and key (not needed here).
    ServerIdentity,
}

/// A file the configuration names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedFile {
    pub role: FileRole,
    pub path: String,
    pub setting: Setting,
    /// The input given here with the same file name, if any.
    pub given: Option<String>,
}

impl FileRole {
    /// What to do with such a file here.
    pub fn advice(self) -> &'static str {
        match self {
            Self::TrustedCas => "give it as the server's trusted CAs",
            Self::Crls => "give it with the trusted CAs",
            Self::ServerIdentity => "the server's own certificate or key: not needed here",
        }
    }
}

/// A server's configuration as far as client certificates go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    pub kind: ServerKind,
    pub verify: Verify,
    /// The most intermediates the server accepts between the client certificate and the
    /// anchor; `None` when the server sets no limit of its own.
    pub max_intermediates: Option<usize>,
    pub crl: CrlCheck,
    /// Whether any certificate of the trust store may end a path (`X509_V_FLAG_PARTIAL_CHAIN`).
    pub partial_chain: bool,
    /// Which certificates are checked with OCSP (nginx `ssl_ocsp leaf` or `on`): the OCSP
    /// responses given are then the responder's answers.
    pub ocsp: CrlCheck,
    /// The settings that decide, each with where it is written (defaults say so).
    pub settings: Vec<Setting>,
    /// Directives read but not about client certificates.
    pub ignored: Vec<Setting>,
    pub files: Vec<NamedFile>,
    /// What could not be read, with where.
    pub problems: Vec<String>,
    /// What this kind of server adds to OpenSSL's verification.
    pub rules: Rules,
}

/// What a kind of server adds to OpenSSL's verification, and how it names the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Rules {
    #[default]
    None,
    /// PostgreSQL's access rules and maps.
    Postgres(postgres::Rules),
    /// The verify errors HAProxy lets through.
    Haproxy(haproxy::IgnoreErrors),
    /// mod_ssl's verify depth and CRL and name options.
    Apache(apache::ApacheRules),
    /// How Mosquitto takes the user name from the certificate.
    Mosquitto(mosquitto::MosquittoRules),
    /// Envoy's validation context: SAN matchers, pins, what it lets through.
    Envoy(envoy::EnvoyRules),
}

impl ServerConfig {
    /// A configuration of `kind` that asks for no certificate and says nothing yet.
    fn new(kind: ServerKind) -> Self {
        Self {
            kind,
            verify: Verify::Off,
            max_intermediates: None,
            crl: CrlCheck::Off,
            partial_chain: false,
            ocsp: CrlCheck::Off,
            settings: Vec::new(),
            ignored: Vec::new(),
            files: Vec::new(),
            problems: Vec::new(),
            rules: Rules::None,
        }
    }

    /// The profile that decides with this configuration.
    pub fn profile(&self) -> Profile {
        self.kind.profile()
    }
}

/// One value the server derives from the client certificate, named as the server names it
/// (`$ssl_client_s_dn`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityField {
    pub name: String,
    pub value: String,
}

/// What the server does with this client, as its configuration says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The server's own decision where it differs from its profile's rules (it asks for no
    /// certificate, or lets a failing one through); `None` when the rules decide.
    pub accepted: Option<bool>,
    pub identity: Vec<IdentityField>,
    /// The line the server logs when it refuses the client.
    pub log_line: Option<String>,
    /// What the client is told when it is refused.
    pub client_sees: Option<String>,
    /// What the server refuses after the chain (errors) and says of its configuration
    /// (warnings).
    pub violations: Vec<Violation>,
    /// The verdict its profile gives at the stack's defaults, when the configuration changed
    /// it (set by the inspection).
    pub verdict_at_defaults: Option<crate::Verdict>,
}

/// What the server configured by `config` does with the client certificate `leaf` whose
/// verification reported `errors` (OpenSSL's, in the order its callback saw them) on a path
/// whose top certificate is at depth `top`; `chain_fails` when the profile's rules refuse
/// the chain. `user` is the user the client logs in as, where the server has users
/// (PostgreSQL).
pub fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
    top: usize,
    chain_fails: bool,
    user: Option<&str>,
    ocsp: Option<&str>,
) -> Outcome {
    // A server that asks for no certificate lets the client through, whatever it is: the
    // setting that says so, and the variable that says none was asked for.
    let not_asked = |setting: &str, variable: Option<&str>| {
        let mut outcome = Outcome {
            accepted: Some(true),
            ..Outcome::default()
        };
        outcome.identity.extend(variable.map(|v| field(v, "NONE")));
        outcome
            .violations
            .push(Violation::general(Code::ClientCertificateNotRequested).value(setting));
        outcome
    };
    let off = config.verify == Verify::Off;
    match config.kind {
        ServerKind::Nginx if off => not_asked("ssl_verify_client off", Some("$ssl_client_verify")),
        ServerKind::Haproxy if off => not_asked("verify none", None),
        ServerKind::Apache if off => not_asked("SSLVerifyClient none", Some("SSL_CLIENT_VERIFY")),
        ServerKind::Mosquitto if off => not_asked("require_certificate false", None),
        ServerKind::Envoy if off => not_asked("no validation_context", None),
        ServerKind::Nginx => nginx::outcome(config, leaf, errors, ocsp),
        ServerKind::Postgresql => postgres::outcome(config, leaf, errors, user),
        ServerKind::Haproxy => haproxy::outcome(config, leaf, errors),
        ServerKind::Apache => apache::outcome(config, leaf, errors, top),
        ServerKind::Mosquitto => mosquitto::outcome(config, leaf, errors),
        ServerKind::Kubernetes => kubernetes::outcome(leaf, chain_fails),
        ServerKind::Envoy => envoy::outcome(config, leaf, errors),
    }
}

fn field(name: &str, value: &str) -> IdentityField {
    IdentityField {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// The server configuration read from its files (name, text), each recognised by content
/// unless `forced` says whose they are: one server's configuration, or the parts of
/// PostgreSQL's (`pg_hba.conf`, `pg_ident.conf`, `postgresql.conf`, merged). What is not read
/// is said, one message per file. `yaml` reads an Envoy file's YAML ([`envoy::parse`], or in
/// the page what its YAML module read).
pub fn read(
    files: &[(String, String)],
    forced: Option<ServerKind>,
    yaml: &dyn Fn(&str) -> Result<Vec<envoy::Node>, String>,
) -> (Option<ServerConfig>, Vec<String>) {
    let mut config: Option<ServerConfig> = None;
    let mut unread = Vec::new();
    for (name, text) in files {
        let kind = if forced == Some(ServerKind::Postgresql) {
            // Which of its files this is, by name or content.
            postgres::looks_like(name, text).map(|_| ServerKind::Postgresql)
        } else if forced.is_some() {
            forced
        } else if envoy::looks_like(text) {
            Some(ServerKind::Envoy)
        } else if haproxy::looks_like(text) {
            Some(ServerKind::Haproxy)
        } else if apache::looks_like(text) {
            Some(ServerKind::Apache)
        } else if mosquitto::looks_like(text) {
            Some(ServerKind::Mosquitto)
        } else if kubernetes::looks_like(text) {
            Some(ServerKind::Kubernetes)
        } else if nginx::looks_like(text) {
            Some(ServerKind::Nginx)
        } else {
            postgres::looks_like(name, text).map(|_| ServerKind::Postgresql)
        };
        match (kind, config.as_ref().map(|c| c.kind)) {
            (None, _) => unread.push(format!(
                "{name}: not a configuration this tool reads (nginx; Apache httpd; HAProxy; \
                 Mosquitto; Envoy; kube-apiserver's flags; PostgreSQL's pg_hba.conf, \
                 pg_ident.conf, postgresql.conf)"
            )),
            (Some(ServerKind::Nginx), None) => config = Some(nginx::read(name, text)),
            (Some(ServerKind::Haproxy), None) => config = Some(haproxy::read(name, text)),
            (Some(ServerKind::Apache), None) => config = Some(apache::read(name, text)),
            (Some(ServerKind::Mosquitto), None) => config = Some(mosquitto::read(name, text)),
            (Some(ServerKind::Kubernetes), None) => config = Some(kubernetes::read(name, text)),
            (Some(ServerKind::Envoy), None) => config = Some(envoy::read(name, yaml(text))),
            (Some(ServerKind::Postgresql), None | Some(ServerKind::Postgresql)) => {
                let merged = config.get_or_insert_with(postgres::empty);
                if let Some(part) = postgres::looks_like(name, text) {
                    postgres::read(merged, name, text, part);
                }
            }
            (Some(kind), Some(first)) => unread.push(format!(
                "{name}: a {} configuration after a {} one; only the first server is read",
                kind.name(),
                first.name()
            )),
        }
    }
    (config, unread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_configuration_is_not_read() {
        for (name, text) in [("random.txt", "hello world\n"), ("empty", "")] {
            let (config, unread) = read(&[(name.to_owned(), text.to_owned())], None, &envoy::parse);
            assert!(config.is_none());
            assert_eq!(unread.len(), 1);
        }
    }
}
