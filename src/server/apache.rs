//! Apache httpd with mod_ssl: the server (main or `<VirtualHost>`) that asks for client
//! certificates (`SSLVerifyClient`, `SSLVerifyDepth`, `SSLCACertificateFile`,
//! `SSLCARevocationFile`, `SSLCARevocationCheck`, `SSLOptions`), and what mod_ssl's verify
//! callback (`ssl_callback_SSLVerify`) does: it stops at OpenSSL's first error, except those
//! `optional_no_ca` lets through; and it refuses any certificate of the path deeper than
//! `SSLVerifyDepth` (default 1: the client certificate signed by a CA of
//! `SSLCACertificateFile` itself; the root counts), whatever OpenSSL found.
//!
//! Read by hand: this is httpd's own configuration format (directives, `<Section>` blocks,
//! quotes, continuation lines), which no crate reads. Checked against a real Apache 2.4 by
//! tests/servers.rs.

use super::{CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::{OpensslError, alert};
use crate::read::openssl_names::{NameFormat, openssl_name};

/// One directive with its arguments, where it is written.
struct Directive {
    name: String,
    args: Vec<String>,
    line: usize,
    /// The `<VirtualHost>` it is in (its line), if any.
    host: Option<usize>,
    /// Inside `<Location>`, `<Directory>`, `<Files>` or `.htaccess`-like sections: per
    /// directory.
    per_directory: bool,
    /// The innermost section around it, as written (`<Location /admin>`).
    section: Option<String>,
    /// What follows the directive's name, as written (`Require`'s expression).
    rest: String,
}

/// The words of a directive line as `ap_getword_conf` splits them: blanks separate, `"…"`
/// and `'…'` quote, a backslash escapes the quote inside them.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            while let Some(c2) = chars.next() {
                match c2 {
                    '\\' if chars.peek() == Some(&c) => word.extend(chars.next()),
                    _ if c2 == c => break,
                    _ => word.push(c2),
                }
            }
        } else {
            while let Some(&c2) = chars.peek() {
                if c2.is_whitespace() {
                    break;
                }
                word.push(c2);
                chars.next();
            }
        }
        words.push(word);
    }
    words
}

/// Every directive, with the sections around it.
fn directives(text: &str) -> (Vec<Directive>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // (name, line, as written)
    let mut sections: Vec<(String, usize, String)> = Vec::new();
    let mut pending = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        if pending.is_empty() {
            start = i + 1;
        }
        // A backslash at the end of a line continues it.
        if let Some(head) = raw.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(raw);
        let line = std::mem::take(&mut pending);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(closing) = trimmed.strip_prefix("</") {
            let name = closing.trim_end_matches('>').trim().to_ascii_lowercase();
            match sections.pop() {
                Some((open, ..)) if open == name => {}
                _ => problems.push(format!("line {start}: </{name}> closes no <{name}>")),
            }
            continue;
        }
        if let Some(opening) = trimmed.strip_prefix('<') {
            let name = words(opening.trim_end_matches('>'))
                .first()
                .map(|w| w.to_ascii_lowercase())
                .unwrap_or_default();
            sections.push((name, start, trimmed.to_owned()));
            continue;
        }
        let mut parts = words(trimmed).into_iter();
        let Some(name) = parts.next() else {
            continue;
        };
        let rest = trimmed
            .split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest.trim())
            .to_owned();
        out.push(Directive {
            name: name.to_ascii_lowercase(),
            args: parts.collect(),
            line: start,
            host: sections
                .iter()
                .find(|(s, ..)| s == "virtualhost")
                .map(|(_, line, _)| *line),
            section: sections.last().map(|(.., written)| written.clone()),
            rest,
            per_directory: sections.iter().any(|(s, ..)| {
                matches!(
                    s.as_str(),
                    "location"
                        | "locationmatch"
                        | "directory"
                        | "directorymatch"
                        | "files"
                        | "filesmatch"
                )
            }),
        });
    }
    for (name, line, _) in sections {
        problems.push(format!("line {line}: <{name}> is never closed"));
    }
    (out, problems)
}

/// Whether `text` is an Apache configuration about TLS client certificates.
pub(super) fn looks_like(text: &str) -> bool {
    directives(text).0.iter().any(|d| {
        matches!(
            d.name.as_str(),
            "sslverifyclient" | "sslcacertificatefile" | "sslengine" | "sslverifydepth"
        )
    })
}

/// The names of the directives this reader uses, as Apache spells them.
const USED: &[&str] = &[
    "SSLVerifyClient",
    "SSLVerifyDepth",
    "SSLCACertificateFile",
    "SSLCACertificatePath",
    "SSLCARevocationFile",
    "SSLCARevocationPath",
    "SSLCARevocationCheck",
    "SSLOptions",
    "SSLEngine",
];

pub(super) fn read(name: &str, text: &str) -> ServerConfig {
    let (all, problems) = directives(text);
    let mut config = ServerConfig {
        problems: problems.iter().map(|p| format!("{name}: {p}")).collect(),
        ..ServerConfig::new(ServerKind::Apache)
    };
    let at = |d: &Directive, value: &str| Setting {
        name: USED
            .iter()
            .find(|u| u.eq_ignore_ascii_case(&d.name))
            .map_or_else(|| d.name.clone(), |u| (*u).to_owned()),
        value: value.to_owned(),
        file: name.to_owned(),
        line: d.line,
    };
    // The virtual host that asks for certificates (else the main server): its own directives
    // override the main server's.
    let asks = |d: &Directive| {
        d.name == "sslverifyclient"
            && !d.per_directory
            && d.args
                .first()
                .is_some_and(|a| !a.eq_ignore_ascii_case("none"))
    };
    let host = all.iter().find(|d| asks(d)).and_then(|d| d.host);
    let applies = |d: &Directive| !d.per_directory && (d.host.is_none() || d.host == host);
    let get = |directive: &str| {
        all.iter()
            .filter(|d| d.name == directive && applies(d))
            .max_by_key(|d| (d.host.is_some(), d.line))
    };
    if let Some(line) = host {
        config.settings.push(Setting {
            name: "<VirtualHost>".to_owned(),
            value: String::new(),
            file: name.to_owned(),
            line,
        });
    }
    let mut rules = ApacheRules {
        depth: 1,
        ..ApacheRules::default()
    };
    match get("sslverifyclient") {
        Some(d) => {
            let value = d
                .args
                .first()
                .map(|a| a.to_ascii_lowercase())
                .unwrap_or_default();
            config.verify = match value.as_str() {
                "require" => Verify::Required,
                "optional" => Verify::Optional,
                "optional_no_ca" => Verify::OptionalNoCa,
                "none" => Verify::Off,
                _ => {
                    config.problems.push(format!(
                        "{name}:{}: SSLVerifyClient takes none, optional, require or optional_no_ca",
                        d.line
                    ));
                    Verify::Off
                }
            };
            config.settings.push(at(d, &value));
        }
        None => config.settings.push(Setting {
            name: "SSLVerifyClient".to_owned(),
            value: "none (Apache's default)".to_owned(),
            file: String::new(),
            line: 0,
        }),
    }
    match get("sslverifydepth") {
        Some(d) => {
            match d.args.first().and_then(|a| a.parse().ok()) {
                Some(depth) => rules.depth = depth,
                None => config
                    .problems
                    .push(format!("{name}:{}: SSLVerifyDepth takes a number", d.line)),
            }
            config.settings.push(at(d, &rules.depth.to_string()));
        }
        None => config.settings.push(Setting {
            name: "SSLVerifyDepth".to_owned(),
            value: "1 (Apache's default: the client certificate signed by a trusted CA itself)"
                .to_owned(),
            file: String::new(),
            line: 0,
        }),
    }
    for (directive, role) in [
        ("sslcacertificatefile", FileRole::TrustedCas),
        ("sslcacertificatepath", FileRole::TrustedCas),
        ("sslcarevocationfile", FileRole::Crls),
        ("sslcarevocationpath", FileRole::Crls),
        ("sslcertificatefile", FileRole::ServerIdentity),
        ("sslcertificatekeyfile", FileRole::ServerIdentity),
    ] {
        let Some(d) = get(directive) else {
            continue;
        };
        let path = d.args.first().cloned().unwrap_or_default();
        if d.args.len() != 1 {
            config.problems.push(format!(
                "{name}:{}: {} takes one argument (a path with spaces needs quotes): \
                 Apache refuses to start",
                d.line,
                at(d, "").name
            ));
        }
        let setting = at(d, &path);
        if role != FileRole::ServerIdentity {
            config.settings.push(setting.clone());
        }
        config.files.push(NamedFile {
            role,
            path,
            setting,
            given: None,
        });
    }
    let crl_files = get("sslcarevocationfile").or(get("sslcarevocationpath"));
    match get("sslcarevocationcheck") {
        Some(d) => {
            let mode = d
                .args
                .first()
                .map(|a| a.to_ascii_lowercase())
                .unwrap_or_default();
            config.crl = match mode.as_str() {
                "chain" => CrlCheck::Chain,
                "leaf" => CrlCheck::Leaf,
                _ => CrlCheck::Off,
            };
            rules.no_crl_for_cert_ok = d
                .args
                .iter()
                .any(|a| a.eq_ignore_ascii_case("no_crl_for_cert_ok"));
            config.settings.push(at(d, &d.args.join(" ")));
        }
        None => {
            config.settings.push(Setting {
                name: "SSLCARevocationCheck".to_owned(),
                value: "none (Apache's default)".to_owned(),
                file: String::new(),
                line: 0,
            });
            if let Some(d) = crl_files {
                config.problems.push(format!(
                    "{name}:{}: CRLs are configured but SSLCARevocationCheck is not: Apache does \
                     not check them (its default is none; `SSLCARevocationCheck chain` checks \
                     every level)",
                    d.line
                ));
            }
        }
    }
    if let Some(d) = all.iter().find(|d| d.name == "ssloptions" && applies(d)) {
        rules.legacy_dn = d.args.iter().any(|a| {
            a.trim_start_matches('+')
                .eq_ignore_ascii_case("LegacyDNStringFormat")
        });
        config.settings.push(at(d, &d.args.join(" ")));
    }
    for d in &all {
        let known = USED.iter().any(|u| u.eq_ignore_ascii_case(&d.name))
            || d.name == "sslcertificatefile"
            || d.name == "sslcertificatekeyfile";
        if d.name == "sslverifyclient" && d.per_directory {
            config.problems.push(format!(
                "{name}:{}: SSLVerifyClient inside <Location>/<Directory> asks for the \
                 certificate only after the handshake (renegotiation, or TLS 1.3 post-handshake \
                 authentication): not predicted here",
                d.line
            ));
        } else if d.name == "require"
            && d.args.first().is_some_and(|a| a == "expr")
            && (d.host.is_none() || d.host == host)
        {
            let expression = d.rest.trim_start_matches("expr").trim();
            // The whole expression may be quoted, as the manual writes it.
            let unquoted = ['"', '\''].iter().find_map(|q| {
                expression
                    .strip_prefix(*q)
                    .and_then(|e| e.strip_suffix(*q))
                    .map(|e| e.replace(&format!("\\{q}"), &q.to_string()))
            });
            rules.requires.push(Require {
                expression: unquoted.unwrap_or_else(|| expression.to_owned()),
                section: d.section.clone().unwrap_or_default(),
                setting: at(d, expression),
            });
        } else if !known || !applies(d) {
            let mut ignored = at(d, "");
            ignored.name = d.name.clone();
            config.ignored.push(ignored);
        }
    }
    config.rules = super::Rules::Apache(rules);
    config
}

/// What mod_ssl's verify callback adds to OpenSSL's verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApacheRules {
    /// `SSLVerifyDepth`: no certificate of the path deeper than this (the client certificate
    /// is at 0, the root counts).
    pub depth: usize,
    /// `SSLCARevocationCheck … no_crl_for_cert_ok`: a missing CRL is no error.
    pub no_crl_for_cert_ok: bool,
    /// `SSLOptions +LegacyDNStringFormat`.
    pub legacy_dn: bool,
    /// `Require expr` lines, each with its section.
    pub requires: Vec<Require>,
}

/// One `Require expr` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    pub expression: String,
    /// The section it is in, as written (`<Location /admin>`).
    pub section: String,
    pub setting: Setting,
}

/// `ssl_verify_error_is_optional`: what `optional_no_ca` lets through.
const OPTIONAL_NO_CA_ERRORS: &[u32] = &[18, 19, 20, 21, 27];

/// One call of the verify callback: an error, or a certificate verified at its depth.
enum Call<'a> {
    Error(&'a OpensslError),
    Verified(usize),
}

/// The calls the callback gets, in order: the errors before `internal_verify`, then from the
/// top of the path down each certificate's errors and its success, then the name-constraint
/// errors.
fn calls(errors: &[OpensslError], top: usize) -> Vec<Call<'_>> {
    let (late, early): (Vec<&OpensslError>, Vec<&OpensslError>) =
        errors.iter().partition(|e| e.internal_verify);
    let constraints: Vec<&OpensslError> = early
        .iter()
        .copied()
        .filter(|e| matches!(e.number, 47 | 48))
        .collect();
    let mut calls: Vec<Call<'_>> = early
        .into_iter()
        .filter(|e| !matches!(e.number, 47 | 48))
        .map(Call::Error)
        .collect();
    for depth in (0..=top).rev() {
        // An issuer's keyCertSign is refused while the certificate below it is verified.
        calls.extend(
            late.iter()
                .filter(|e| {
                    if e.number == 32 {
                        e.depth == depth + 1
                    } else {
                        e.depth == depth
                    }
                })
                .map(|e| Call::Error(e)),
        );
        calls.push(Call::Verified(depth));
    }
    calls.extend(constraints.into_iter().map(Call::Error));
    calls
}

pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
    top: usize,
) -> Outcome {
    let mut outcome = Outcome::default();
    let rules = match &config.rules {
        super::Rules::Apache(rules) => rules.clone(),
        _ => ApacheRules::default(),
    };
    let mut generous = false;
    let mut refused: Option<(Vec<String>, &'static str)> = None;
    for call in calls(errors, top) {
        let (error, depth) = match call {
            Call::Error(e) => (Some(e), e.depth),
            Call::Verified(depth) => (None, depth),
        };
        let mut lines = Vec::new();
        let mut ok = true;
        if let Some(e) = error {
            if config.verify == Verify::OptionalNoCa && OPTIONAL_NO_CA_ERRORS.contains(&e.number) {
                generous = true;
            } else if e.number == 3 && rules.no_crl_for_cert_ok {
            } else {
                ok = false;
                lines.push(format!(
                    "AH02039: Certificate Verification: Error ({}): {}",
                    e.number, e.text
                ));
            }
        }
        if depth > rules.depth {
            lines.push(format!(
                "AH02040: Certificate Verification: Certificate Chain too long (chain has {depth} \
                 certificates, but maximum allowed are only {})",
                rules.depth
            ));
            if ok {
                // The callback refuses without setting an error: OpenSSL's safety net
                // (X509_V_ERR_UNSPECIFIED) makes the alert.
                outcome
                    .violations
                    .push(Violation::general(Code::ChainTooDeep).value(&format!(
                        "a certificate at depth {depth}, SSLVerifyDepth {}",
                        rules.depth
                    )));
            }
            ok = false;
        }
        if !ok {
            let alert = error.map_or("tlsv1 alert internal error", |e| alert(e.number));
            refused = Some((lines, alert));
            break;
        }
    }
    if refused.is_none() {
        // `SSL_get_verify_result` keeps the last error, let through or not.
        let verify = errors
            .last()
            .map_or_else(|| "SUCCESS".to_owned(), |e| format!("FAILED:{}", e.text));
        outcome
            .identity
            .push(super::field("SSL_CLIENT_VERIFY", &verify));
        if generous {
            outcome.accepted = Some(true);
            outcome
                .violations
                .push(
                    Violation::general(Code::VerificationNotEnforced).value(&format!(
                        "SSLVerifyClient optional_no_ca: SSL_CLIENT_VERIFY is {verify}"
                    )),
                );
        }
    }
    if let Some(cert) = leaf {
        let format = if rules.legacy_dn {
            NameFormat::Legacy
        } else {
            NameFormat::Rfc2253Utf8
        };
        let name = |raw: &[u8]| openssl_name(raw, format).unwrap_or_default();
        outcome
            .identity
            .push(super::field("SSL_CLIENT_S_DN", &name(&cert.subject_raw)));
        outcome
            .identity
            .push(super::field("SSL_CLIENT_I_DN", &name(&cert.issuer_raw)));
        if let Some(cn) = component(&cert.subject_raw, "CN") {
            outcome
                .identity
                .push(super::field("SSL_CLIENT_S_DN_CN", &cn));
        }
        outcome.identity.push(super::field(
            "SSL_CLIENT_M_SERIAL",
            &cert.serial.replace(':', "").to_ascii_uppercase(),
        ));
    }
    match refused {
        Some((lines, alert)) => {
            outcome.log_line = Some(lines.join(" / "));
            outcome.client_sees = Some(alert.to_owned());
        }
        None => authorize(&rules.requires, leaf, &mut outcome),
    }
    outcome
}

/// The attributes `SSL_CLIENT_S_DN_x` and `SSL_CLIENT_I_DN_x` name.
const COMPONENTS: &[(&str, &str)] = &[
    ("CN", "2.5.4.3"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("C", "2.5.4.6"),
    ("ST", "2.5.4.8"),
    ("L", "2.5.4.7"),
    ("Email", "1.2.840.113549.1.9.1"),
    ("UID", "0.9.2342.19200300.100.1.1"),
];

/// The first value of the component `short` (`CN`, `O`…) of the DER name `raw`, as mod_ssl
/// gives `SSL_CLIENT_S_DN_CN` and the like.
fn component(raw: &[u8], short: &str) -> Option<String> {
    let oid = COMPONENTS.iter().find(|(s, _)| *s == short)?.1;
    let values = crate::read::names::attribute_values(raw, oid);
    values
        .first()
        .map(|value| String::from_utf8_lossy(value).into_owned())
}

/// `Require expr` after the handshake: within each section, any line that holds lets the
/// request through (`RequireAny`, httpd's default); a section where none holds refuses it with
/// 403. A line that cannot be evaluated here is said, not guessed.
fn authorize(requires: &[Require], leaf: Option<&Certificate>, outcome: &mut Outcome) {
    let identity = outcome.identity.clone();
    let value = |variable: &str| -> Option<String> {
        if let Some(field) = identity.iter().find(|f| f.name == variable) {
            return Some(field.value.clone());
        }
        let cert = leaf?;
        if let Some(short) = variable.strip_prefix("SSL_CLIENT_S_DN_") {
            return component(&cert.subject_raw, short);
        }
        component(&cert.issuer_raw, variable.strip_prefix("SSL_CLIENT_I_DN_")?)
    };
    let mut sections: Vec<&str> = requires.iter().map(|r| r.section.as_str()).collect();
    sections.dedup();
    for section in sections {
        let mut held = false;
        let mut refusing = Vec::new();
        for require in requires.iter().filter(|r| r.section == section) {
            let line = format!(
                "`Require expr {}` ({})",
                require.setting.value,
                require.setting.location()
            );
            match super::apache_expr::evaluate(&require.expression, &value) {
                Ok(true) => held = true,
                Ok(false) => refusing.push(line),
                Err(why) => {
                    held = true;
                    outcome.violations.push(
                        Violation::general(Code::ServerConfigProblem)
                            .value(&format!("{line} is not predicted: {why}")),
                    );
                }
            }
        }
        if !held && !refusing.is_empty() {
            outcome
                .violations
                .push(Violation::general(Code::AccessRuleRefuses).value(&format!(
                    "in {section}, {} is false for this certificate",
                    refusing.join(" and ")
                )));
            outcome.log_line = Some("AH01630: client denied by server configuration".to_owned());
            outcome.client_sees = Some("403 Forbidden".to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
ServerName example.com
SSLCARevocationFile /etc/ssl/crl.pem
<VirtualHost *:80>
    DocumentRoot /var/www/plain
</VirtualHost>
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile "/etc/ssl/server.pem"
    SSLCACertificateFile /etc/ssl/client ca.pem
    sslverifyclient require
    SSLVerifyDepth \
        2
    <Location /admin>
        SSLVerifyClient require
        Require expr %{SSL_CLIENT_S_DN_CN} == "admin"
    </Location>
</VirtualHost>
"#;

    #[test]
    fn the_virtual_host_that_asks_is_read_with_what_it_inherits() {
        assert!(looks_like(CONFIG));
        let config = read("site.conf", CONFIG);
        assert_eq!(config.verify, Verify::Required);
        let crate::server::Rules::Apache(rules) = &config.rules else {
            panic!("Apache's rules")
        };
        assert_eq!(rules.depth, 2);
        // A CRL file without SSLCARevocationCheck is not used, and that is said.
        assert_eq!(config.crl, CrlCheck::Off);
        assert!(
            config
                .problems
                .iter()
                .any(|p| p.contains("site.conf:3: CRLs")),
            "{:?}",
            config.problems
        );
        assert!(config.problems.iter().any(|p| p.contains("site.conf:15:")));
        assert!(
            config
                .problems
                .iter()
                .any(|p| p.contains("site.conf:10: SSLCACertificateFile takes one argument"))
        );
        assert_eq!(rules.requires.len(), 1);
        assert_eq!(rules.requires[0].section, "<Location /admin>");
        assert_eq!(
            rules.requires[0].expression,
            r#"%{SSL_CLIENT_S_DN_CN} == "admin""#
        );
        let depth = config
            .settings
            .iter()
            .find(|s| s.name == "SSLVerifyDepth")
            .unwrap();
        assert_eq!((depth.value.as_str(), depth.line), ("2", 12));
        let paths: Vec<&str> = config.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/etc/ssl/client", "/etc/ssl/crl.pem", "/etc/ssl/server.pem"]
        );
    }

    #[test]
    fn sections_that_do_not_close_are_said() {
        let config = read(
            "broken.conf",
            "<VirtualHost *:443>\nSSLVerifyClient require\n",
        );
        assert!(config.problems.iter().any(|p| p.contains("never closed")));
        assert_eq!(
            words(r#"Header set X "a \" b" 'c d'"#),
            ["Header", "set", "X", "a \" b", "c d"]
        );
    }
}
