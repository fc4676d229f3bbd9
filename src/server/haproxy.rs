//! HAProxy: the `bind` line of the `frontend` or `listen` section that asks for client
//! certificates (`ssl`, `verify none|optional|required`, `ca-file`, `crl-file`,
//! `ca-ignore-err`, `crt-ignore-err`), and what HAProxy does with a certificate: its verify
//! callback (`ssl_sock_bind_verifycbk`) refuses at the first error it is not told to ignore,
//! errors above the client certificate weighed against `ca-ignore-err`, the client
//! certificate's own against `crt-ignore-err`, whatever `verify` says once a certificate is
//! sent; no verify depth of its own (OpenSSL's 100); a CRL file checks every level.
//!
//! Read by hand: this is HAProxy's own line format (words, quotes, backslashes, `#`), which
//! no crate reads. Checked against a real HAProxy 2.6 by tests/servers.rs.

use super::{CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::{OpensslError, alert};
use crate::read::openssl_names::{NameFormat, openssl_name};

/// The words of one line as HAProxy's `parse_line` splits them: blanks separate, `'…'` and
/// `"…"` quote, a backslash escapes the next character, `#` outside quotes ends the line.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '#') => break,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => word.get_or_insert_with(String::new).push(c),
            (_, '\\') => word.get_or_insert_with(String::new).extend(chars.next()),
            (_, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The section keywords: a line starting with one opens a section.
const SECTIONS: &[&str] = &[
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "resolvers",
    "peers",
    "userlist",
    "program",
    "http-errors",
    "ring",
    "cache",
    "mailers",
];

/// One line of the configuration, split: its first word, and all of them.
struct Line {
    number: usize,
    keyword: String,
    words: Vec<String>,
}

/// The sections in order: (keyword and name line, the lines under it).
fn sections(text: &str) -> Vec<(Line, Vec<Line>)> {
    let mut out: Vec<(Line, Vec<Line>)> = Vec::new();
    for (i, text) in text.lines().enumerate() {
        let words = words(text);
        let Some(keyword) = words.first().cloned() else {
            continue;
        };
        let line = Line {
            number: i + 1,
            keyword,
            words,
        };
        if SECTIONS.contains(&line.keyword.as_str()) {
            out.push((line, Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    out
}

/// Whether `text` is an HAProxy configuration: a `frontend` or `listen` section with a `bind`.
pub(super) fn looks_like(text: &str) -> bool {
    sections(text).iter().any(|(header, lines)| {
        matches!(header.keyword.as_str(), "frontend" | "listen")
            && lines.iter().any(|l| l.keyword == "bind")
    })
}

/// The value after `option` on a bind line.
fn option<'a>(words: &'a [String], option: &str) -> Option<&'a str> {
    let at = words.iter().position(|w| w == option)?;
    words.get(at + 1).map(String::as_str)
}

pub(super) fn read(name: &str, text: &str) -> ServerConfig {
    let mut config = ServerConfig::new(ServerKind::Haproxy);
    let setting = |line: &Line, setting: &str, value: &str| Setting {
        name: setting.to_owned(),
        value: value.to_owned(),
        file: name.to_owned(),
        line: line.number,
    };
    let sections = sections(text);
    // The bind that asks for certificates; else the first TLS one.
    let binds: Vec<(usize, &Line)> = sections
        .iter()
        .enumerate()
        .filter(|(_, (h, _))| matches!(h.keyword.as_str(), "frontend" | "listen"))
        .flat_map(|(s, (_, lines))| {
            lines
                .iter()
                .filter(|l| l.keyword == "bind" && l.words.iter().any(|w| w == "ssl"))
                .map(move |l| (s, l))
        })
        .collect();
    let asks = |l: &Line| option(&l.words, "verify").is_some_and(|v| v != "none");
    let Some(&(section, bind)) = binds.iter().find(|(_, l)| asks(l)).or(binds.first()) else {
        config.problems.push(format!(
            "{name}: no `bind … ssl` line in a frontend or listen section"
        ));
        return config;
    };
    let Some((header, lines)) = sections.get(section) else {
        return config;
    };
    let named = header.words.get(1..).unwrap_or_default().join(" ");
    config
        .settings
        .push(setting(header, &header.keyword, &named));
    config.settings.push(setting(
        bind,
        "bind",
        &bind.words.get(1).cloned().unwrap_or_default(),
    ));
    config.verify = match option(&bind.words, "verify") {
        Some("required") => Verify::Required,
        Some("optional") => Verify::Optional,
        None | Some("none") => Verify::Off,
        Some(other) => {
            config.problems.push(format!(
                "{name}:{}: verify takes none, optional or required, not {other:?}",
                bind.number
            ));
            Verify::Off
        }
    };
    config.settings.push(setting(
        bind,
        "verify",
        option(&bind.words, "verify").unwrap_or("none (HAProxy's default)"),
    ));
    let files = [
        ("ca-file", FileRole::TrustedCas),
        ("crl-file", FileRole::Crls),
        ("crt", FileRole::ServerIdentity),
    ];
    for (keyword, role) in files {
        let Some(path) = option(&bind.words, keyword) else {
            continue;
        };
        let at = setting(bind, keyword, path);
        if role != FileRole::ServerIdentity {
            config.settings.push(at.clone());
        }
        config.files.push(NamedFile {
            role,
            path: path.to_owned(),
            setting: at,
            given: None,
        });
    }
    if option(&bind.words, "crl-file").is_some() {
        config.crl = CrlCheck::Chain;
    }
    if config.verify != Verify::Off && option(&bind.words, "ca-file").is_none() {
        config.problems.push(format!(
            "{name}:{}: verify {} without ca-file: HAProxy refuses to start",
            bind.number,
            option(&bind.words, "verify").unwrap_or_default()
        ));
    }
    let mut ignore = IgnoreErrors::default();
    for (keyword, list) in [
        ("ca-ignore-err", &mut ignore.ca),
        ("crt-ignore-err", &mut ignore.crt),
    ] {
        let Some(value) = option(&bind.words, keyword) else {
            continue;
        };
        config.settings.push(setting(bind, keyword, value));
        *list = if value == "all" {
            Ignored::All
        } else {
            let numbers: Vec<u32> = value.split(',').filter_map(|n| n.parse().ok()).collect();
            if numbers.len() != value.split(',').count() {
                config.problems.push(format!(
                    "{name}:{}: {keyword} takes `all` or error numbers separated by commas",
                    bind.number
                ));
            }
            Ignored::Some(numbers)
        };
    }
    config.rules = super::Rules::Haproxy(ignore);
    for line in lines.iter().filter(|l| !std::ptr::eq(*l, bind)) {
        config.ignored.push(setting(line, &line.keyword, ""));
    }
    for (i, (header, _)) in sections.iter().enumerate() {
        if i != section {
            config
                .ignored
                .push(setting(header, &header.words.join(" "), "another section"));
        }
    }
    config
}

/// The errors a bind line tells HAProxy to let through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoreErrors {
    /// `ca-ignore-err`: errors about the certificates above the client's.
    pub ca: Ignored,
    /// `crt-ignore-err`: errors about the client certificate itself.
    pub crt: Ignored,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Ignored {
    #[default]
    None,
    All,
    Some(Vec<u32>),
}

impl Ignored {
    fn covers(&self, number: u32) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Some(numbers) => numbers.contains(&number),
        }
    }
}

pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
) -> Outcome {
    let mut outcome = Outcome::default();
    let ignore = match &config.rules {
        super::Rules::Haproxy(ignore) => ignore.clone(),
        _ => IgnoreErrors::default(),
    };
    // Measured (HAProxy 2.6.12, OpenSSL 3.0.19): once error 32 (an issuer without
    // keyCertSign) is let through, the callback is called again with error 0, which no list
    // can name (1..94): the handshake fails with alert certificate_unknown.
    let errors: Vec<OpensslError> = errors
        .iter()
        .flat_map(|e| {
            let again = (e.number == 32).then(|| OpensslError {
                number: 0,
                text: "ok".to_owned(),
                depth: e.depth,
                internal_verify: e.internal_verify,
            });
            std::iter::once(e.clone()).chain(again)
        })
        .collect();
    // The callback sees the errors in order and refuses at the first one not ignored.
    let fatal = errors.iter().position(|e| {
        let list = if e.depth > 0 { &ignore.ca } else { &ignore.crt };
        e.number == 0 || !list.covers(e.number)
    });
    let seen = errors
        .get(..fatal.map_or(errors.len(), |at| at + 1))
        .unwrap_or_default();
    let first = |ca: bool| seen.iter().find(|e| (e.depth > 0) == ca);
    let number = |e: Option<&OpensslError>| e.map_or(0, |e| e.number).to_string();
    outcome
        .identity
        .push(super::field("ssl_c_verify", &number(seen.last())));
    outcome
        .identity
        .push(super::field("ssl_c_ca_err", &number(first(true))));
    outcome.identity.push(super::field(
        "ssl_c_ca_err_depth",
        &first(true).map_or(0, |e| e.depth).to_string(),
    ));
    outcome
        .identity
        .push(super::field("ssl_c_err", &number(first(false))));
    if let Some(cert) = leaf {
        let name = |raw: &[u8]| openssl_name(raw, NameFormat::Raw).unwrap_or_default();
        outcome
            .identity
            .push(super::field("ssl_c_s_dn", &name(&cert.subject_raw)));
        outcome
            .identity
            .push(super::field("ssl_c_i_dn", &name(&cert.issuer_raw)));
        outcome.identity.push(super::field(
            "ssl_c_serial,hex",
            &cert.serial.replace(':', ""),
        ));
    }
    match fatal.and_then(|at| errors.get(at)) {
        Some(error) => {
            outcome.log_line = Some(
                if error.depth > 0 {
                    "SSL client CA chain cannot be verified"
                } else {
                    "SSL client certificate not trusted"
                }
                .to_owned(),
            );
            outcome.client_sees = Some(alert(error.number).to_owned());
        }
        None if !errors.is_empty() => {
            outcome.accepted = Some(true);
            outcome
                .violations
                .push(
                    Violation::general(Code::VerificationNotEnforced).value(&format!(
                        "ca-ignore-err/crt-ignore-err let error {} through: ssl_c_verify is {}",
                        errors
                            .iter()
                            .map(OpensslError::numbered)
                            .collect::<Vec<_>>()
                            .join(", "),
                        number(seen.last())
                    )),
                );
        }
        None => {}
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
global
    log stdout format raw local0   # logs
defaults
    mode http
frontend plain
    bind :80
frontend "mtls"
    bind 127.0.0.1:8443 ssl crt /etc/haproxy/server.pem verify required ca-file '/etc/haproxy/client ca.pem' crl-file /etc/haproxy/crl.pem ca-ignore-err 20,21 crt-ignore-err all
    http-request return status 200
"#;

    #[test]
    fn the_bind_that_asks_is_read_with_its_files_and_ignore_lists() {
        assert!(looks_like(CONFIG));
        let config = read("haproxy.cfg", CONFIG);
        assert_eq!(config.verify, Verify::Required);
        assert_eq!(config.crl, CrlCheck::Chain);
        assert_eq!(config.max_intermediates, None);
        assert!(config.problems.is_empty(), "{:?}", config.problems);
        let crate::server::Rules::Haproxy(ignore) = config.rules else {
            panic!("HAProxy's rules")
        };
        assert_eq!(ignore.ca, Ignored::Some(vec![20, 21]));
        assert_eq!(ignore.crt, Ignored::All);
        let paths: Vec<&str> = config.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/etc/haproxy/client ca.pem",
                "/etc/haproxy/crl.pem",
                "/etc/haproxy/server.pem"
            ]
        );
        let names: Vec<(&str, usize)> = config
            .settings
            .iter()
            .map(|s| (s.name.as_str(), s.line))
            .collect();
        assert_eq!(names[0], ("frontend", 8));
        assert!(names.contains(&("verify", 9)));
        assert!(
            config
                .ignored
                .iter()
                .any(|s| s.name == "http-request" && s.line == 10)
        );
    }

    #[test]
    fn words_follow_haproxys_quoting() {
        assert_eq!(
            words(r#"bind :443 ssl crt "a b.pem" ca-file 'c#d' x\ y # comment"#),
            [
                "bind", ":443", "ssl", "crt", "a b.pem", "ca-file", "c#d", "x y"
            ]
        );
        assert!(!looks_like("server { ssl_verify_client on; }"));
        assert!(!looks_like("frontend x\n    mode http\n"));
    }
}
