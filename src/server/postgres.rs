//! PostgreSQL: `pg_hba.conf` (which line a TLS connection of the user matches, and whether it
//! needs a certificate: the `cert` method, or `clientcert=verify-ca|verify-full`, with
//! `clientname=CN|DN` and `map=`), `pg_ident.conf` (the maps), and `postgresql.conf`
//! (`ssl_ca_file`, without which no certificate is asked for; `ssl_crl_file`/`ssl_crl_dir`,
//! with which every level of the chain is checked).
//!
//! Read by hand: these are PostgreSQL's own line formats, and no crate reads them. The
//! behaviour is that of PostgreSQL 15 (src/backend/libpq/hba.c, auth.c,
//! be-secure-openssl.c), checked against a real server by tests/servers.rs.

use super::{
    CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify, field,
};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::{OpensslError, alert};
use crate::read::names;
use crate::read::openssl_names::{NameFormat, openssl_name};

/// The part of PostgreSQL's configuration a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Hba,
    Ident,
    Main,
}

/// One `pg_hba.conf` line that can match a TLS connection over TCP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HbaLine {
    pub setting: Setting,
    /// `hostssl` or `host`.
    pub kind: String,
    pub users: Vec<String>,
    pub method: String,
    /// `clientcert`: `verify-ca` or `verify-full` (the `cert` method implies verify-full).
    pub clientcert: Option<String>,
    /// `clientname`: `CN` (the default) or `DN`.
    pub clientname: String,
    pub map: Option<String>,
}

/// One `pg_ident.conf` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentLine {
    pub setting: Setting,
    pub map: String,
    /// The name from the certificate: literal, or a regular expression after a `/`.
    pub system: String,
    pub user: String,
}

/// What PostgreSQL's configuration says about client certificates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pub hba: Vec<HbaLine>,
    pub ident: Vec<IdentLine>,
    /// `ssl_ca_file` is set: the server asks for a client certificate.
    pub asks: bool,
    /// Whether postgresql.conf was given (else whether it asks is not known, and assumed).
    pub main_given: bool,
    /// pg_ident.conf has a line PostgreSQL refuses: none of its maps are loaded.
    pub ident_broken: bool,
}

/// The fields of one line as hba.c tokenises them: whitespace separates fields, an unquoted
/// comma separates the values of one field, double quotes group (and keep a keyword from
/// being one), `#` starts a comment outside quotes.
fn fields(line: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut field: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_field = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_field = true;
            }
            '#' if !quoted => break,
            ',' if !quoted => field.push(std::mem::take(&mut word)),
            c if c.is_whitespace() && !quoted => {
                if in_field {
                    field.push(std::mem::take(&mut word));
                    out.push(std::mem::take(&mut field));
                    in_field = false;
                }
            }
            c => {
                word.push(c);
                in_field = true;
            }
        }
    }
    if in_field {
        field.push(word);
        out.push(field);
    }
    out
}

/// Each field's values joined back by commas (for the fields that are one value).
fn words(line: &str) -> Vec<String> {
    fields(line).into_iter().map(|f| f.join(",")).collect()
}

/// Which part of the configuration this is, by content (and by name for `pg_ident.conf`,
/// whose lines are three free words).
pub(super) fn looks_like(name: &str, text: &str) -> Option<Part> {
    let lines: Vec<Vec<String>> = text.lines().map(words).filter(|w| !w.is_empty()).collect();
    let hba_types = [
        "local",
        "host",
        "hostssl",
        "hostnossl",
        "hostgssenc",
        "hostnogssenc",
    ];
    if !lines.is_empty()
        && lines.iter().all(|w| {
            w.first().is_some_and(|first| {
                hba_types.contains(&first.as_str()) || first.starts_with("include")
            })
        })
    {
        return Some(Part::Hba);
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.starts_with("pg_ident") && lines.iter().all(|w| w.len() == 3) {
        return Some(Part::Ident);
    }
    let keys = [
        "ssl_ca_file",
        "ssl_crl_file",
        "ssl_crl_dir",
        "ssl_cert_file",
        "listen_addresses",
        "max_connections",
        "shared_buffers",
        "hba_file",
        "ident_file",
    ];
    let main = text.lines().any(|line| {
        keys.iter()
            .any(|k| main_setting(line).is_some_and(|(n, _)| n == *k))
    });
    main.then_some(Part::Main)
}

/// `name = value` (or `name value`) of a postgresql.conf line, the value unquoted.
fn main_setting(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.starts_with('#') || line.is_empty() {
        return None;
    }
    let end = line.find(|c: char| c.is_whitespace() || c == '=')?;
    let (name, rest) = line.split_at(end);
    let rest = rest.trim_start().trim_start_matches('=').trim_start();
    let value = if let Some(quoted) = rest.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = quoted.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    value.push('\'');
                    chars.next();
                }
                '\'' => break,
                '\\' => value.extend(chars.next()),
                c => value.push(c),
            }
        }
        value
    } else {
        rest.split('#').next().unwrap_or_default().trim().to_owned()
    };
    Some((name.to_ascii_lowercase(), value))
}

/// Reads one part into `config` (a PostgreSQL configuration, perhaps from other parts).
pub(super) fn read(config: &mut ServerConfig, name: &str, text: &str, part: Part) {
    let mut rules = match std::mem::take(&mut config.rules) {
        super::Rules::Postgres(rules) => rules,
        _ => Rules::default(),
    };
    for (number, line) in text.lines().enumerate() {
        let at = |value: String, setting_name: &str| Setting {
            name: setting_name.to_owned(),
            value,
            file: name.to_owned(),
            line: number + 1,
        };
        match part {
            Part::Hba => hba_line(config, &mut rules, line, &at),
            Part::Ident => {
                let fields = fields(line);
                if fields.is_empty() {
                    continue;
                }
                let single: Vec<&[String]> = fields.iter().map(Vec::as_slice).collect();
                match single.as_slice() {
                    [[map], [system], [user]] => rules.ident.push(IdentLine {
                        setting: at(line.trim().to_owned(), "pg_ident.conf"),
                        map: map.clone(),
                        system: system.clone(),
                        user: user.clone(),
                    }),
                    // hba.c: "multiple values in ident field" (a regular expression with a
                    // comma must be quoted), and the whole file is not loaded.
                    _ => {
                        rules.ident_broken = true;
                        config.problems.push(format!(
                            "{}: not three single values (a comma outside double quotes \
                             separates values: quote a regular expression that has one); \
                             PostgreSQL then loads none of pg_ident.conf (at startup it runs \
                             without maps, on a reload it keeps the maps it had)",
                            at(String::new(), "").location()
                        ));
                    }
                }
            }
            Part::Main => main_line(config, &mut rules, line, &at),
        }
    }
    if part == Part::Main {
        rules.main_given = true;
    }
    config.rules = super::Rules::Postgres(rules);
    refresh(config);
}

fn hba_line(
    config: &mut ServerConfig,
    rules: &mut Rules,
    line: &str,
    at: &dyn Fn(String, &str) -> Setting,
) {
    let words = words(line);
    let Some(kind) = words.first() else {
        return;
    };
    if kind != "hostssl" && kind != "host" {
        let setting = at(line.trim().to_owned(), "pg_hba.conf");
        config.ignored.push(setting);
        return;
    }
    // type database user address [mask] method [options]
    let Some(users) = words.get(2) else {
        config.problems.push(format!(
            "{}: a line without user or method",
            at(String::new(), "").location()
        ));
        return;
    };
    let rest = words.get(4..).unwrap_or_default();
    // An address with a separate mask takes two words.
    let rest = match rest.first() {
        Some(first) if first.contains('.') && !first.contains('/') && rest.len() > 1 => {
            rest.get(1..).unwrap_or_default()
        }
        _ => rest,
    };
    let Some(method) = rest.first() else {
        config.problems.push(format!(
            "{}: a line without a method",
            at(String::new(), "").location()
        ));
        return;
    };
    let option = |key: &str| {
        rest.iter()
            .skip(1)
            .find_map(|o| o.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .map(str::to_owned)
    };
    // hba.c refuses `map` on other methods, and then the whole file: on a reload the server
    // keeps its previous rules.
    if option("map").is_some()
        && !["ident", "peer", "gss", "sspi", "cert"].contains(&method.as_str())
    {
        config.problems.push(format!(
            "{}: map= is not allowed with the {method} method; PostgreSQL refuses this pg_hba.conf",
            at(String::new(), "").location()
        ));
    }
    let clientcert = match (method.as_str(), option("clientcert")) {
        ("cert", _) => Some("verify-full".to_owned()),
        (_, Some(value)) if value == "verify-ca" || value == "verify-full" => Some(value),
        _ => None,
    };
    rules.hba.push(HbaLine {
        setting: at(line.trim().to_owned(), "pg_hba.conf"),
        kind: kind.clone(),
        users: users.split(',').map(str::to_owned).collect(),
        method: method.clone(),
        clientcert,
        clientname: option("clientname").unwrap_or_else(|| "CN".to_owned()),
        map: option("map"),
    });
}

fn main_line(
    config: &mut ServerConfig,
    rules: &mut Rules,
    line: &str,
    at: &dyn Fn(String, &str) -> Setting,
) {
    let Some((name, value)) = main_setting(line) else {
        return;
    };
    let setting = at(value.clone(), &name);
    let role = match name.as_str() {
        "ssl_ca_file" => {
            rules.asks = !value.is_empty();
            Some(FileRole::TrustedCas)
        }
        "ssl_crl_file" | "ssl_crl_dir" => {
            if !value.is_empty() {
                config.crl = CrlCheck::Chain;
            }
            Some(FileRole::Crls)
        }
        "ssl_cert_file" | "ssl_key_file" => Some(FileRole::ServerIdentity),
        "ssl" => {
            config.settings.push(setting);
            return;
        }
        _ => {
            config.ignored.push(setting);
            return;
        }
    };
    if let Some(role) = role.filter(|_| !value.is_empty()) {
        if role != FileRole::ServerIdentity {
            config.settings.push(setting.clone());
        }
        config.files.push(NamedFile {
            role,
            path: value,
            setting,
            given: None,
        });
    }
}

/// The overall settings from the rules read so far.
fn refresh(config: &mut ServerConfig) {
    if let super::Rules::Postgres(rules) = &config.rules {
        let requires = rules.hba.iter().any(|h| h.clientcert.is_some());
        config.verify = match (rules.asks || !rules.main_given, requires) {
            (false, _) => Verify::Off,
            (true, true) => Verify::Required,
            (true, false) => Verify::Optional,
        };
    }
}

/// A new, empty PostgreSQL configuration.
pub(super) fn empty() -> ServerConfig {
    ServerConfig {
        verify: Verify::Optional,
        rules: super::Rules::Postgres(Rules::default()),
        ..ServerConfig::new(ServerKind::Postgresql)
    }
}

/// The first `pg_hba.conf` line a TLS connection of `user` over TCP matches (the database
/// and address are assumed to match; a `+group` is assumed to hold the user).
fn matching_line<'a>(rules: &'a Rules, user: &str) -> Option<&'a HbaLine> {
    rules.hba.iter().find(|line| {
        line.users
            .iter()
            .any(|u| u == "all" || u == user || u.starts_with('+') || u.starts_with('@'))
    })
}

/// `check_usermap`: does the name from the certificate map to `user`?
fn maps_to(rules: &Rules, map: Option<&str>, user: &str, name: &str) -> bool {
    let Some(map) = map else {
        return name == user;
    };
    if rules.ident_broken {
        return false;
    }
    rules
        .ident
        .iter()
        .filter(|l| l.map == map)
        .any(|line| match line.system.strip_prefix('/') {
            Some(pattern) => first_match(pattern, name).is_some_and(|group| {
                let expected = match group {
                    Some(group) => line.user.replace("\\1", &group),
                    None => line.user.clone(),
                };
                expected == user
            }),
            None => line.system == name && (line.user == user || line.user == "all"),
        })
}

/// Where a `pg_ident.conf` regular expression first matches `name`: `None` when it does not
/// match (or does not compile, which PostgreSQL logs and treats as no match), else its first
/// group's text, if it has one. PostgreSQL's own engine (Spencer's ARE) is in no crate: natively
/// regex-lite stands in for it; in the browser, the browser's own `RegExp`, which costs the
/// page nothing where regex-lite costs 19 KB of the gzipped engine. The two differ from ARE and
/// from each other only at the edges that `tests/servers.rs` measures against PostgreSQL.
pub fn first_match(pattern: &str, name: &str) -> Option<Option<String>> {
    first_match_with(pattern, name, false)
}

/// [`first_match`], ignoring case when `nocase` (Apache's `/…/i`).
#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
pub fn first_match_with(pattern: &str, name: &str, nocase: bool) -> Option<Option<String>> {
    let regex = regex_lite::RegexBuilder::new(pattern)
        .case_insensitive(nocase)
        .build()
        .ok()?;
    let captures = regex.captures(name)?;
    Some(captures.get(1).map(|group| group.as_str().to_owned()))
}

#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub fn first_match_with(pattern: &str, name: &str, nocase: bool) -> Option<Option<String>> {
    use wasm_bindgen::JsCast as _;
    // `new RegExp` throws on a pattern it cannot compile: called through Reflect, that is an
    // `Err`, not an exception through the engine.
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"RegExp".into()).ok()?;
    let arguments = js_sys::Array::of2(&pattern.into(), &(if nocase { "i" } else { "" }).into());
    let regexp: js_sys::RegExp =
        js_sys::Reflect::construct(constructor.dyn_ref::<js_sys::Function>()?, &arguments)
            .ok()?
            .dyn_into()
            .ok()?;
    let found = regexp.exec(name)?;
    Some(found.get(1).as_string())
}

/// The first common name, as `X509_NAME_get_text_by_NID` reads it: the value's bytes.
fn common_name(cert: &Certificate) -> Option<String> {
    let values = names::attribute_values(&cert.subject_raw, names::COMMON_NAME);
    values
        .first()
        .map(|cn| String::from_utf8_lossy(cn).into_owned())
}

/// The message a client is told when authentication by `method` fails (`auth_failed`).
fn auth_failed(method: &str, user: &str) -> String {
    let what = match method {
        "cert" => "certificate".to_owned(),
        "md5" | "scram-sha-256" | "password" => "password".to_owned(),
        other => format!("\"{other}\""),
    };
    format!("FATAL:  {what} authentication failed for user \"{user}\"")
}

/// PostgreSQL's decision: OpenSSL's default verify callback stops at the first error (its
/// alert is what the client sees); then the `pg_hba.conf` line the user matches decides
/// whether the name in the certificate must be the user's.
pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
    user: Option<&str>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let rules = match &config.rules {
        super::Rules::Postgres(rules) => rules.clone(),
        _ => Rules::default(),
    };
    let cn = leaf.and_then(common_name);
    let dn = leaf.and_then(|c| openssl_name(&c.subject_raw, NameFormat::Rfc2253));
    let user = user
        .map(str::to_owned)
        .or_else(|| cn.clone())
        .unwrap_or_default();
    outcome.identity.push(field("user", &user));
    if let Some(shown) = leaf.and_then(|c| openssl_name(&c.subject_raw, NameFormat::Postgres)) {
        outcome
            .identity
            .push(field("pg_stat_ssl.client_dn", &shown));
    }
    if let Some(error) = errors.first() {
        outcome.log_line =
            Some("could not accept SSL connection: certificate verify failed".to_owned());
        outcome.client_sees = Some(format!("SSL error: {}", alert(error.number)));
        return outcome;
    }
    let Some(line) = matching_line(&rules, &user) else {
        outcome
            .violations
            .push(Violation::general(Code::AccessRuleRefuses).value(&format!(
                "no pg_hba.conf line lets user \"{user}\" connect over TLS"
            )));
        outcome.client_sees = Some(format!(
            "FATAL:  no pg_hba.conf entry for host \"…\", user \"{user}\", database \"…\", SSL encryption"
        ));
        return outcome;
    };
    outcome.identity.push(field(
        "pg_hba.conf line",
        &format!("{} ({})", line.setting.line, line.setting.value),
    ));
    if !rules.asks && rules.main_given {
        if line.clientcert.is_some() {
            outcome.violations.push(Violation::general(Code::AccessRuleRefuses).value(&format!(
                "ssl_ca_file is not set, so no certificate is asked for, and pg_hba.conf line {} requires one",
                line.setting.line
            )));
            outcome.client_sees =
                Some("FATAL:  connection requires a valid client certificate".to_owned());
        } else {
            outcome.accepted = Some(true);
            outcome.violations.push(
                Violation::general(Code::ClientCertificateNotRequested)
                    .value("ssl_ca_file is not set"),
            );
        }
        return outcome;
    }
    let by_dn = line.clientname.eq_ignore_ascii_case("DN");
    let name = if by_dn { dn.clone() } else { cn.clone() };
    if let Some(name) = &name {
        outcome
            .identity
            .push(field(if by_dn { "DN" } else { "CN" }, name));
    }
    if line.method == "cert"
        && let Some(dn) = &dn
    {
        outcome.identity.push(field("authenticated identity", dn));
    }
    if line.clientcert.as_deref() != Some("verify-full") {
        return outcome;
    }
    let name = name.unwrap_or_default();
    if maps_to(&rules, line.map.as_deref(), &user, &name) {
        return outcome;
    }
    let which = if by_dn { "DN" } else { "CN" };
    outcome
        .violations
        .push(Violation::general(Code::ClientNameMismatch).value(&format!(
        "the certificate's {which} \"{name}\" {} the user \"{user}\" (pg_hba.conf line {})",
        line.map
            .as_deref()
            .map(|m| format!("does not map, through pg_ident.conf's map \"{m}\", to"))
            .unwrap_or_else(|| "is not".to_owned()),
        line.setting.line
    )));
    outcome.log_line = Some(match (&line.map, line.method.as_str()) {
        (Some(map), _) => {
            format!("no match in usermap \"{map}\" for user \"{user}\" authenticated as \"{name}\"")
        }
        (None, "cert") => {
            format!("provided user name ({user}) and authenticated user name ({name}) do not match")
        }
        (None, _) => format!(
            "certificate validation (clientcert=verify-full) failed for user \"{user}\": {which} mismatch"
        ),
    });
    outcome.client_sees = Some(auth_failed(&line.method, &user));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_files_are_told_apart_and_read() {
        let hba = "# TYPE DATABASE USER ADDRESS METHOD\nlocal all all peer\nhostssl all alice,bob 10.0.0.0/8 cert map=certs\nhost all all 0.0.0.0 0.0.0.0 scram-sha-256 clientcert=verify-full clientname=DN\n";
        let ident = "certs /^(.*)@example\\.com$ \\1\ncerts carol carol\n";
        let main =
            "ssl = on\nssl_ca_file = '/etc/ssl/client-ca.pem' # the CAs\nshared_buffers = 128MB\n";
        assert_eq!(looks_like("pg_hba.conf", hba), Some(Part::Hba));
        assert_eq!(looks_like("pg_ident.conf", ident), Some(Part::Ident));
        assert_eq!(looks_like("postgresql.conf", main), Some(Part::Main));
        assert_eq!(looks_like("notes.txt", "hello"), None);
        let mut config = empty();
        read(&mut config, "pg_hba.conf", hba, Part::Hba);
        read(&mut config, "pg_ident.conf", ident, Part::Ident);
        read(&mut config, "postgresql.conf", main, Part::Main);
        let crate::server::Rules::Postgres(rules) = &config.rules else {
            panic!("PostgreSQL's rules")
        };
        assert_eq!(rules.hba.len(), 2);
        assert_eq!(rules.hba[0].clientcert.as_deref(), Some("verify-full"));
        assert_eq!(rules.hba[0].map.as_deref(), Some("certs"));
        assert_eq!(rules.hba[1].method, "scram-sha-256");
        assert_eq!(rules.hba[1].clientname, "DN");
        assert!(rules.asks);
        assert_eq!(config.verify, Verify::Required);
        assert!(maps_to(rules, Some("certs"), "dave", "dave@example.com"));
        assert!(!maps_to(rules, Some("certs"), "dave", "dave@example.org"));
        assert!(maps_to(rules, Some("certs"), "carol", "carol"));
        assert!(
            config
                .files
                .iter()
                .any(|f| f.path == "/etc/ssl/client-ca.pem")
        );
        assert!(config.ignored.iter().any(|s| s.name == "shared_buffers"));
    }
}
