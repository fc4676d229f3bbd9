//! nginx: `ssl_verify_client`, `ssl_verify_depth`, `ssl_client_certificate`,
//! `ssl_trusted_certificate` and `ssl_crl` of the `server` block that asks for client
//! certificates (http or stream), inherited from its `http`/`stream` context as nginx inherits
//! them.
//!
//! The syntax (directives ending in `;`, blocks in braces, quotes, `#` comments) is read by
//! hand: no crate reads nginx's configuration, and only its lexical rules are needed.

use super::{
    CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify, field,
};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::OpensslError;
use crate::read::openssl_names::{NameFormat, openssl_name};

/// One directive: its name, arguments, line, and block when it has one.
#[derive(Debug)]
struct Directive {
    name: String,
    args: Vec<String>,
    line: usize,
    block: Option<Vec<Directive>>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Open,
    Close,
    End,
}

/// The tokens of nginx's syntax, each with its line.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '{' => out.push((Token::Open, line)),
            '}' => out.push((Token::Close, line)),
            ';' => out.push((Token::End, line)),
            '"' | '\'' => {
                let (quote, start) = (c, line);
                let mut word = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => word.extend(chars.next()),
                        c if c == quote => break,
                        c => {
                            if c == '\n' {
                                line += 1;
                            }
                            word.push(c);
                        }
                    }
                }
                out.push((Token::Word(word), start));
            }
            c => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    // `${name}` is a variable, not a block.
                    if next == '{' && word.ends_with('$') {
                        for c in chars.by_ref() {
                            word.push(c);
                            if c == '}' {
                                break;
                            }
                        }
                        continue;
                    }
                    if next.is_whitespace() || matches!(next, ';' | '{' | '}') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                out.push((Token::Word(word), line));
            }
        }
    }
    out
}

/// Nesting deeper than this is refused (nginx itself nests a few levels).
const MAX_DEPTH: usize = 64;

/// The directives of a block, up to its closing brace; problems are noted with their line.
fn directives(
    tokens: &mut std::iter::Peekable<std::vec::IntoIter<(Token, usize)>>,
    depth: usize,
    problems: &mut Vec<String>,
) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut current: Option<Directive> = None;
    while let Some((token, line)) = tokens.next() {
        match token {
            Token::Word(word) => match current.as_mut() {
                Some(directive) => directive.args.push(word),
                None => {
                    current = Some(Directive {
                        name: word,
                        args: Vec::new(),
                        line,
                        block: None,
                    })
                }
            },
            Token::End => match current.take() {
                Some(directive) => out.push(directive),
                None => problems.push(format!("line {line}: a `;` without a directive")),
            },
            Token::Open => {
                let Some(mut directive) = current.take() else {
                    problems.push(format!("line {line}: a block without a directive"));
                    continue;
                };
                if depth >= MAX_DEPTH {
                    problems.push(format!("line {line}: blocks nested too deep"));
                    return out;
                }
                directive.block = Some(directives(tokens, depth + 1, problems));
                out.push(directive);
            }
            Token::Close => {
                if let Some(directive) = current.take() {
                    problems.push(format!(
                        "line {}: `{}` is not ended by `;`",
                        directive.line, directive.name
                    ));
                }
                if depth == 0 {
                    problems.push(format!("line {line}: a `}}` without a block"));
                    continue;
                }
                return out;
            }
        }
    }
    if let Some(directive) = current {
        problems.push(format!(
            "line {}: `{}` is not ended by `;`",
            directive.line, directive.name
        ));
    }
    if depth > 0 {
        problems.push("a block is not closed by `}`".to_owned());
    }
    out
}

fn parse(text: &str) -> (Vec<Directive>, Vec<String>) {
    let mut problems = Vec::new();
    let mut tokens = tokens(text).into_iter().peekable();
    let tree = directives(&mut tokens, 0, &mut problems);
    (tree, problems)
}

/// The directives this reader uses.
const CLIENT_DIRECTIVES: &[&str] = &[
    "ssl_verify_client",
    "ssl_verify_depth",
    "ssl_client_certificate",
    "ssl_trusted_certificate",
    "ssl_crl",
    "ssl_ocsp",
    "ssl_certificate",
    "ssl_certificate_key",
];

/// Is this nginx's syntax with a server block or a client-certificate directive in it?
/// (Read even when broken: its problems are then told with their lines.)
pub(super) fn looks_like(text: &str) -> bool {
    let (tree, _) = parse(text);
    fn any(directives: &[Directive], found: &dyn Fn(&Directive) -> bool) -> bool {
        directives
            .iter()
            .any(|d| found(d) || d.block.as_deref().is_some_and(|b| any(b, found)))
    }
    any(&tree, &|d| {
        CLIENT_DIRECTIVES.contains(&d.name.as_str()) || (d.name == "server" && d.block.is_some())
    })
}

/// A server block with the contexts around it (outermost first), from which it inherits.
struct Candidate<'a> {
    contexts: Vec<&'a Directive>,
    server: Option<&'a Directive>,
}

/// Every `server` block, wherever it is; the top level itself when there is none (a snippet).
fn candidates<'a>(tree: &'a [Directive]) -> Vec<Candidate<'a>> {
    fn walk<'a>(
        directives: &'a [Directive],
        contexts: &mut Vec<&'a Directive>,
        out: &mut Vec<Candidate<'a>>,
    ) {
        for directive in directives {
            let Some(block) = &directive.block else {
                continue;
            };
            if directive.name == "server" {
                out.push(Candidate {
                    contexts: contexts.clone(),
                    server: Some(directive),
                });
            } else if matches!(directive.name.as_str(), "http" | "stream") {
                contexts.push(directive);
                walk(block, contexts, out);
                contexts.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    if out.is_empty() {
        out.push(Candidate {
            contexts: Vec::new(),
            server: None,
        });
    }
    out
}

impl<'a> Candidate<'a> {
    /// The directives that apply, innermost first: the server's own, then its contexts'.
    fn levels(&self, tree: &'a [Directive]) -> Vec<&'a [Directive]> {
        let mut levels: Vec<&'a [Directive]> = Vec::new();
        if let Some(block) = self.server.and_then(|s| s.block.as_deref()) {
            levels.push(block);
        }
        for context in self.contexts.iter().rev() {
            if let Some(block) = context.block.as_deref() {
                levels.push(block);
            }
        }
        levels.push(tree);
        levels
    }

    /// The directive `name` as nginx resolves it: the innermost level that sets it.
    fn get(&self, tree: &'a [Directive], name: &str) -> Option<&'a Directive> {
        self.levels(tree)
            .into_iter()
            .find_map(|level| level.iter().find(|d| d.name == name))
    }
}

fn setting(directive: &Directive, file: &str) -> Setting {
    Setting {
        name: directive.name.clone(),
        value: directive.args.join(" "),
        file: file.to_owned(),
        line: directive.line,
    }
}

fn default(name: &str, value: &str) -> Setting {
    Setting {
        name: name.to_owned(),
        value: format!("{value} (nginx's default)"),
        file: String::new(),
        line: 0,
    }
}

pub(super) fn read(name: &str, text: &str) -> ServerConfig {
    let (tree, problems) = parse(text);
    let candidates = candidates(&tree);
    let asks = |c: &Candidate<'_>| {
        c.get(&tree, "ssl_verify_client")
            .and_then(|d| d.args.first())
            .is_some_and(|v| v != "off")
    };
    let chosen = candidates.iter().position(asks).unwrap_or(0);
    let mut config = ServerConfig {
        max_intermediates: Some(1),
        problems,
        ..ServerConfig::new(ServerKind::Nginx)
    };
    let Some(candidate) = candidates.get(chosen) else {
        return config;
    };
    if let Some(server) = candidate.server {
        let mut block = setting(server, name);
        block.value = candidate
            .get(&tree, "server_name")
            .map(|d| d.args.join(" "))
            .unwrap_or_default();
        config.settings.push(block);
        for (i, other) in candidates.iter().enumerate() {
            if let (true, Some(server)) = (i != chosen, other.server) {
                let mut skipped = setting(server, name);
                skipped.value = "another server block: not the one read".to_owned();
                config.ignored.push(skipped);
            }
        }
    }
    apply(&mut config, candidate, &tree, name);
    config
}

/// The client-certificate settings of the chosen block, into `config`.
fn apply(config: &mut ServerConfig, candidate: &Candidate<'_>, tree: &[Directive], name: &str) {
    match candidate.get(tree, "ssl_verify_client") {
        Some(directive) => {
            let words = ["on", "off", "optional", "optional_no_ca"];
            config.verify = match choice(config, directive, name, &words) {
                Some(0) => Verify::Required,
                Some(2) => Verify::Optional,
                Some(3) => Verify::OptionalNoCa,
                _ => Verify::Off,
            };
            config.settings.push(setting(directive, name));
        }
        None => config.settings.push(default("ssl_verify_client", "off")),
    }
    match candidate.get(tree, "ssl_verify_depth") {
        Some(directive) => {
            match directive.args.first().and_then(|d| d.parse::<usize>().ok()) {
                Some(depth) => config.max_intermediates = Some(depth),
                None => config.problems.push(format!(
                    "{name}:{}: ssl_verify_depth takes a number",
                    directive.line
                )),
            }
            config.settings.push(setting(directive, name));
        }
        None => config.settings.push(default("ssl_verify_depth", "1")),
    }
    for (directive, role) in [
        ("ssl_client_certificate", FileRole::TrustedCas),
        ("ssl_trusted_certificate", FileRole::TrustedCas),
        ("ssl_crl", FileRole::Crls),
        ("ssl_certificate", FileRole::ServerIdentity),
        ("ssl_certificate_key", FileRole::ServerIdentity),
    ] {
        let Some(found) = candidate.get(tree, directive) else {
            continue;
        };
        if role == FileRole::Crls {
            config.crl = CrlCheck::Chain;
        }
        let setting = setting(found, name);
        if role != FileRole::ServerIdentity {
            config.settings.push(setting.clone());
        }
        config.files.push(NamedFile {
            role,
            path: found.args.first().cloned().unwrap_or_default(),
            setting,
            given: None,
        });
    }
    if config.crl == CrlCheck::Off {
        config.settings.push(default("ssl_crl", "none"));
    }
    // OCSP for client certificates (nginx 1.19+): `leaf`, or `on` for the whole chain.
    match candidate.get(tree, "ssl_ocsp") {
        Some(directive) => {
            config.ocsp = match choice(config, directive, name, &["on", "off", "leaf"]) {
                Some(0) => CrlCheck::Chain,
                Some(2) => CrlCheck::Leaf,
                _ => CrlCheck::Off,
            };
            config.settings.push(setting(directive, name));
        }
        None => config.settings.push(default("ssl_ocsp", "off")),
    }
    // What else the block and its contexts say, listed, not used.
    for level in candidate.levels(tree) {
        for directive in level {
            let used = CLIENT_DIRECTIVES.contains(&directive.name.as_str())
                || matches!(directive.name.as_str(), "server" | "http" | "stream");
            if !used {
                config.ignored.push(setting(directive, name));
            }
        }
    }
}

/// Which of `words` a directive's argument is; otherwise a problem of the configuration.
fn choice(
    config: &mut ServerConfig,
    directive: &Directive,
    name: &str,
    words: &[&str],
) -> Option<usize> {
    let given = directive.args.first().map(String::as_str);
    let found = words.iter().position(|word| Some(*word) == given);
    if found.is_none() {
        let (last, rest) = words.split_last().unwrap_or((&"", &[]));
        config.problems.push(format!(
            "{name}:{}: {} takes {} or {last}",
            directive.line,
            directive.name,
            rest.join(", ")
        ));
    }
    found
}

/// The verify errors `ssl_verify_client optional_no_ca` lets through
/// (`ngx_ssl_verify_error_optional`): the issuer is unknown or untrusted.
const OPTIONAL_NO_CA_ERRORS: &[u32] = &[18, 19, 20, 21, 27];

/// nginx's decision and variables: its verify callback lets verification run to the end, so
/// `$ssl_client_verify` and the log name the last error OpenSSL reported.
///
/// With `ssl_ocsp`, a chain that verifies is then checked with OCSP: `ocsp` is what nginx says
/// of an answer that fails (`ngx_ssl_ocsp_get_status`), in the variable and the log alike.
pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
    ocsp: Option<&str>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let reported = errors.last();
    let ocsp = ocsp.filter(|_| reported.is_none() && config.ocsp != CrlCheck::Off);
    let verify = match (reported, ocsp) {
        (Some(error), _) => format!("FAILED:{}", error.text),
        (None, Some(failure)) => format!("FAILED:{failure}"),
        (None, None) => "SUCCESS".to_owned(),
    };
    outcome.identity.push(field("$ssl_client_verify", &verify));
    if let Some(cert) = leaf {
        let name = |raw: &[u8], format| openssl_name(raw, format).unwrap_or_default();
        for (variable, value) in [
            (
                "$ssl_client_s_dn",
                name(&cert.subject_raw, NameFormat::Rfc2253),
            ),
            (
                "$ssl_client_i_dn",
                name(&cert.issuer_raw, NameFormat::Rfc2253),
            ),
            (
                "$ssl_client_s_dn_legacy",
                name(&cert.subject_raw, NameFormat::Legacy),
            ),
            (
                "$ssl_client_i_dn_legacy",
                name(&cert.issuer_raw, NameFormat::Legacy),
            ),
            ("$ssl_client_serial", cert.serial.replace(':', "")),
            (
                "$ssl_client_fingerprint",
                cert.sha1().replace(':', "").to_ascii_lowercase(),
            ),
        ] {
            outcome.identity.push(field(variable, &value));
        }
    }
    if let Some(failure) = ocsp {
        outcome.log_line = Some(format!(
            "client SSL certificate verify error: {failure} while reading client request headers"
        ));
        outcome.client_sees = Some("400 Bad Request: The SSL certificate error".to_owned());
        return outcome;
    }
    let Some(error) = reported else {
        return outcome;
    };
    // nginx looks at the last error only (`SSL_get_verify_result`).
    let tolerated =
        config.verify == Verify::OptionalNoCa && OPTIONAL_NO_CA_ERRORS.contains(&error.number);
    if tolerated {
        outcome.accepted = Some(true);
        outcome.violations.push(
            Violation::general(Code::VerificationNotEnforced).value(&format!(
                "ssl_verify_client optional_no_ca: $ssl_client_verify is {verify}"
            )),
        );
    } else {
        outcome.log_line = Some(format!(
            "client SSL certificate verify error: ({}) while reading client request headers",
            error.numbered()
        ));
        outcome.client_sees = Some("400 Bad Request: The SSL certificate error".to_owned());
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
user www-data;
events { worker_connections 768; }
http {
    ssl_protocols TLSv1.2 TLSv1.3;  # comment; with { braces }
    ssl_verify_depth 2;
    server {
        listen 80;
        server_name plain.example;
    }
    server {
        listen 443 ssl;
        server_name "api.example";
        ssl_certificate     /etc/nginx/server.pem;
        ssl_certificate_key /etc/nginx/server.key;
        ssl_client_certificate /etc/nginx/client-ca.pem;
        ssl_crl /etc/nginx/crl.pem;
        ssl_verify_client optional_no_ca;
        location / { return 200 "${ssl_client_s_dn}"; }
    }
}
"#;

    #[test]
    fn the_server_that_asks_for_certificates_is_read_with_what_it_inherits() {
        assert!(looks_like(CONFIG));
        let config = read("nginx.conf", CONFIG);
        assert!(config.problems.is_empty(), "{:?}", config.problems);
        assert_eq!(config.verify, Verify::OptionalNoCa);
        assert_eq!(config.max_intermediates, Some(2));
        assert_eq!(config.crl, CrlCheck::Chain);
        let depth = config
            .settings
            .iter()
            .find(|s| s.name == "ssl_verify_depth")
            .unwrap();
        assert_eq!((depth.value.as_str(), depth.line), ("2", 6));
        let trust = config
            .files
            .iter()
            .find(|f| f.role == FileRole::TrustedCas)
            .unwrap();
        assert_eq!(trust.path, "/etc/nginx/client-ca.pem");
        assert_eq!(trust.setting.line, 16);
        assert!(config.ignored.iter().any(|s| s.name == "ssl_protocols"));
        assert!(config.ignored.iter().any(|s| s.name == "location"));
        assert!(
            config
                .ignored
                .iter()
                .any(|s| s.name == "server" && s.line == 7)
        );
    }

    #[test]
    fn defaults_are_said_and_broken_syntax_is_located() {
        let config = read("snippet.conf", "ssl_verify_client on;\n");
        assert_eq!(config.verify, Verify::Required);
        assert_eq!(config.max_intermediates, Some(1));
        assert!(
            config
                .settings
                .iter()
                .any(|s| s.name == "ssl_verify_depth" && s.value.contains("default"))
        );
        let broken = read("broken.conf", "server {\n ssl_verify_client on\n}\n");
        assert!(
            broken.problems.iter().any(|p| p.contains("line 2")),
            "{:?}",
            broken.problems
        );
        assert!(looks_like("server {\n ssl_verify_client on\n}\n"));
        assert!(!looks_like("just some text"));
    }
}
