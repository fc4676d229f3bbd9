//! Envoy: the `DownstreamTlsContext` of a listener (YAML or JSON, as Envoy reads its bootstrap
//! configuration), and what Envoy's default certificate validator does with a client
//! certificate (source/common/tls/cert_validator/default_validator.cc):
//!
//! - it asks for a certificate when `validation_context` has a `trusted_ca`, and requires one
//!   when `require_client_certificate` is true or a SAN matcher, `verify_certificate_hash` or
//!   `verify_certificate_spki` is set;
//! - with `trusted_ca`, BoringSSL's `X509_verify_cert` checks the chain (purpose sslclient,
//!   `X509_V_FLAG_PARTIAL_CHAIN`: an intermediate of `trusted_ca` may end the path, CRLs from `crl` or the `trusted_ca` file on every level, or
//!   on the client certificate alone with `only_verify_leaf_cert_crl`; no time checks with
//!   `allow_expired_certificate`; at most `max_verify_depth` certificates above the client's,
//!   the anchor included) and stops at the first error;
//! - then the SAN matchers (any one matching), then the pins (a hash from either list);
//! - `trust_chain_verification: ACCEPT_UNTRUSTED` lets every failure through.
//!
//! The identity is what Envoy's access log and `x-forwarded-client-cert` header carry: the
//! subject in RFC 2253 form, the SHA-256 of the certificate, its URI and DNS names, and the
//! SPIFFE ID (the `spiffe://` URI) a service mesh takes as the client's identity.
//!
//! The YAML is read by yaml-rust2's event parser into a tree with the line of each node
//! (aliases are not followed: no expansion bomb; nesting is bounded): by [`parse`] on the
//! command line, in the page by a module of its own (src/yaml_worker.rs), which sends the tree
//! to the engine's. Checked against Envoy's documentation and source only: Envoy cannot be
//! installed on this machine.

use super::{CrlCheck, FileRole, NamedFile, Outcome, ServerConfig, ServerKind, Setting, Verify};
use crate::certificate::Certificate;
use crate::diagnosis::{Code, Violation};
use crate::profiles::openssl_errors::{OpensslError, alert};
use crate::read::openssl_names::{NameFormat, openssl_name};

/// Deeper YAML than this is refused (Envoy's own configurations nest about 15 levels).
const MAX_DEPTH: usize = 200;

/// A YAML node and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    line: usize,
    value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Value {
    Scalar(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// An alias (`*name`): not followed.
    Alias,
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A scalar, or a protobuf wrapper's `{value: …}` around one.
    fn scalar(&self) -> Option<&str> {
        self.text().or_else(|| self.get("value")?.text())
    }

    fn is_true(&self) -> bool {
        self.scalar()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }

    fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }
}

/// Reads every YAML document of `text` (JSON is YAML too). The error says where.
pub fn parse(text: &str) -> Result<Vec<Node>, String> {
    use yaml_rust2::parser::{Event, Parser};

    // Open collections: the node, and for a map the key waiting for its value.
    let mut open: Vec<(Node, Option<String>)> = Vec::new();
    let mut documents = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| format!("line {}: {}", e.marker().line(), e.info()))?;
        let line = mark.line();
        let done = match event {
            Event::StreamEnd => break,
            Event::Scalar(text, ..) => Some(Node {
                line,
                value: Value::Scalar(text),
            }),
            Event::Alias(_) => Some(Node {
                line,
                value: Value::Alias,
            }),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if open.len() >= MAX_DEPTH {
                    return Err(format!("line {line}: nested more than {MAX_DEPTH} levels"));
                }
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::List(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                open.push((Node { line, value }, None));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop().map(|(node, _)| node),
            _ => None,
        };
        let Some(node) = done else { continue };
        match open.last_mut() {
            None => documents.push(node),
            Some((parent, key)) => match &mut parent.value {
                Value::List(items) => items.push(node),
                Value::Map(entries) => match key.take() {
                    None => *key = Some(node.text().unwrap_or_default().to_owned()),
                    Some(name) => entries.push((name, node)),
                },
                _ => {}
            },
        }
    }
    Ok(documents)
}

/// Whether `text` is an Envoy configuration with a TLS listener.
pub fn looks_like(text: &str) -> bool {
    text.contains("DownstreamTlsContext")
        || (text.contains("common_tls_context") && text.contains("listeners"))
}

/// The TLS contexts of listeners in `node`, depth first, with whether they are under a cluster
/// (an upstream context, never the one for clients).
fn downstream_contexts<'a>(node: &'a Node, in_cluster: bool, out: &mut Vec<&'a Node>) {
    let kind = node.get("@type").and_then(Node::text).unwrap_or_default();
    let is_context = kind.ends_with("DownstreamTlsContext")
        || (!in_cluster
            && !kind.ends_with("UpstreamTlsContext")
            && (node.get("common_tls_context").is_some()
                || node.get("require_client_certificate").is_some()));
    if is_context {
        out.push(node);
        return;
    }
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                downstream_contexts(value, in_cluster || key == "clusters", out);
            }
        }
        Value::List(items) => {
            for item in items {
                downstream_contexts(item, in_cluster, out);
            }
        }
        _ => {}
    }
}

/// The first map holding `key`, depth first.
fn find<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    if node.get(key).is_some() {
        return Some(node);
    }
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|(_, v)| find(v, key)),
        Value::List(items) => items.iter().find_map(|v| find(v, key)),
        _ => None,
    }
}

/// A SAN type of `match_typed_subject_alt_names`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SanType {
    Dns,
    Uri,
    Email,
    IpAddress,
    /// `OTHER_NAME` with its `oid` (matched only by type here).
    OtherName,
}

impl SanType {
    /// The prefix of a name of this type in [`Certificate::subject_alt_names`].
    fn prefix(self) -> &'static str {
        match self {
            Self::Dns => "DNS:",
            Self::Uri => "URI:",
            Self::Email => "email:",
            Self::IpAddress => "IP:",
            Self::OtherName => "othername:",
        }
    }
}

/// An Envoy `StringMatcher`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    /// `safe_regex`: RE2, matching the whole value.
    Regex(String),
}

/// One SAN matcher, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SanMatcher {
    pub san_type: SanType,
    pub pattern: Pattern,
    pub ignore_case: bool,
    pub setting: Setting,
}

impl SanMatcher {
    /// Whether `value` (a name of this matcher's type) matches, as Envoy's `StringSanMatcher`
    /// decides: an exact DNS matcher follows DNS rules (case-insensitive, the certificate's
    /// `*.` wildcard matching one label); the others compare strings.
    fn matches(&self, value: &str) -> bool {
        let fold = |s: &str| {
            if self.ignore_case {
                s.to_ascii_lowercase()
            } else {
                s.to_owned()
            }
        };
        let value_folded = fold(value);
        match &self.pattern {
            Pattern::Exact(name) if self.san_type == SanType::Dns => dns_name_match(name, value),
            Pattern::Exact(exact) => fold(exact) == value_folded,
            Pattern::Prefix(prefix) => value_folded.starts_with(&fold(prefix)),
            Pattern::Suffix(suffix) => value_folded.ends_with(&fold(suffix)),
            Pattern::Contains(part) => value_folded.contains(&fold(part)),
            Pattern::Regex(regex) => {
                super::postgres::first_match_with(&format!("^(?:{regex})$"), value, false).is_some()
            }
        }
    }
}

/// Envoy's `Utility::dnsNameMatch(dns_name, pattern)`: `pattern` is the certificate's name,
/// whose left-most label may hold one `*` (not in an A-label).
fn dns_name_match(dns_name: &str, pattern: &str) -> bool {
    let name = dns_name.to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    if name == pattern {
        return true;
    }
    let (Some((pattern_first, pattern_rest)), Some((name_first, name_rest))) =
        (pattern.split_once('.'), name.split_once('.'))
    else {
        return false;
    };
    if !pattern_first.contains('*') || pattern_rest.contains('*') {
        return false;
    }
    if pattern_first.starts_with("xn--") || name_rest != pattern_rest {
        return false;
    }
    if pattern_first == "*" {
        return true;
    }
    match pattern_first.split_once('*') {
        Some((before, after)) if !after.contains('*') => {
            pattern_first.len() <= name_first.len() + 1
                && name_first.starts_with(before)
                && name_first.ends_with(after)
        }
        _ => false,
    }
}

/// What Envoy adds to OpenSSL-style verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvoyRules {
    /// `trusted_ca` is set: the chain is verified.
    pub verify_chain: bool,
    /// `trust_chain_verification: ACCEPT_UNTRUSTED`.
    pub accept_untrusted: bool,
    /// `allow_expired_certificate`: BoringSSL checks no time.
    pub allow_expired: bool,
    pub san_matchers: Vec<SanMatcher>,
    /// `verify_certificate_spki`: SHA-256 of the SubjectPublicKeyInfo.
    pub spki_pins: Vec<Vec<u8>>,
    /// `verify_certificate_hash`: SHA-256 of the certificate, lowercase hex.
    pub hash_pins: Vec<String>,
    /// The fields `set_current_client_cert_details` adds to `x-forwarded-client-cert`, when
    /// `forward_client_cert_details` makes Envoy write it (`SANITIZE_SET`, `APPEND_FORWARD`).
    pub xfcc: Option<Vec<&'static str>>,
}

/// A `verify_certificate_hash` entry (64 hex digits, or 95 with colons) as lowercase hex.
fn hex_pin(text: &str) -> Option<String> {
    let digits: String = if text.len() == 95 {
        text.chars().filter(|c| *c != ':').collect()
    } else {
        text.to_owned()
    };
    (digits.len() == 64 && digits.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_lowercase())
}

/// The validation context of a TLS context: its own, the default of a combined one, or a static
/// secret it names; with the name of an SDS secret this file does not hold.
fn validation_of<'a>(
    context: &'a Node,
    secrets: &[&'a Node],
) -> Option<(&'a Node, Option<String>)> {
    let common = context.get("common_tls_context")?;
    if let Some(direct) = common.get("validation_context") {
        return Some((direct, None));
    }
    let combined = common.get("combined_validation_context");
    if let Some(default) = combined.and_then(|c| c.get("default_validation_context")) {
        return Some((default, None));
    }
    let sds = common
        .get("validation_context_sds_secret_config")
        .or_else(|| combined?.get("validation_context_sds_secret_config"))?;
    let secret = sds.get("name").and_then(Node::text).unwrap_or_default();
    match secrets
        .iter()
        .find(|s| s.get("name").and_then(Node::text) == Some(secret))
        .and_then(|s| s.get("validation_context"))
    {
        Some(found) => Some((found, None)),
        None => Some((sds, Some(secret.to_owned()))),
    }
}

/// The configured client-certificate handling of the first listener that asks for one, from
/// the file's YAML documents as [`parse`] read them.
pub(super) fn read(name: &str, documents: Result<Vec<Node>, String>) -> ServerConfig {
    let mut config = ServerConfig::new(ServerKind::Envoy);
    let documents = match documents {
        Ok(documents) => documents,
        Err(error) => {
            config
                .problems
                .push(format!("{name}: not readable YAML ({error})"));
            return config;
        }
    };
    let setting = |node: &Node, key: &str, value: &str| Setting {
        name: key.to_owned(),
        value: value.to_owned(),
        file: name.to_owned(),
        line: node.line,
    };
    let mut contexts = Vec::new();
    for document in &documents {
        downstream_contexts(document, false, &mut contexts);
    }
    // Static secrets a context may name (`validation_context_sds_secret_config`).
    let secrets: Vec<&Node> = documents
        .iter()
        .filter_map(|d| find(d, "secrets")?.get("secrets"))
        .flat_map(Node::items)
        .collect();
    let asks = |c: &Node| {
        validation_of(c, &secrets).is_some() || c.get("require_client_certificate").is_some()
    };
    let Some(context) = contexts
        .iter()
        .copied()
        .find(|c| asks(c))
        .or(contexts.first().copied())
    else {
        config.problems.push(format!(
            "{name}: no DownstreamTlsContext (a listener's TLS transport socket) found"
        ));
        return config;
    };
    for other in contexts.iter().filter(|c| !std::ptr::eq(**c, context)) {
        config
            .ignored
            .push(setting(other, "DownstreamTlsContext", "another listener's"));
    }
    config.settings.push(setting(
        context,
        "DownstreamTlsContext",
        "the listener's TLS context",
    ));
    let required = context.get("require_client_certificate");
    if let Some(node) = required {
        config.settings.push(setting(
            node,
            "require_client_certificate",
            node.scalar().unwrap_or_default(),
        ));
    }
    let mut rules = EnvoyRules::default();
    for (key, node) in context.entries() {
        if !matches!(
            key.as_str(),
            "require_client_certificate" | "common_tls_context" | "@type"
        ) {
            config.ignored.push(setting(node, key, ""));
        }
    }
    if let Some(common) = context.get("common_tls_context") {
        for (key, node) in common.entries() {
            match key.as_str() {
                "validation_context"
                | "combined_validation_context"
                | "validation_context_sds_secret_config" => {}
                "tls_certificates" => {
                    for certificate in node.items() {
                        for part in ["certificate_chain", "private_key"] {
                            if let Some(path) =
                                certificate.get(part).and_then(|p| p.get("filename"))
                            {
                                config.files.push(NamedFile {
                                    role: FileRole::ServerIdentity,
                                    path: path.text().unwrap_or_default().to_owned(),
                                    setting: setting(path, part, path.text().unwrap_or_default()),
                                    given: None,
                                });
                            }
                        }
                    }
                }
                _ => config.ignored.push(setting(node, key, "")),
            }
        }
    }
    let mut crl_given = false;
    match validation_of(context, &secrets) {
        None => {}
        Some((sds, Some(secret))) => config.problems.push(format!(
            "{name}:{}: the validation context comes from the SDS secret {secret:?}, which this \
             file does not hold: its settings are unknown here",
            sds.line
        )),
        Some((validation, None)) => {
            config
                .settings
                .push(setting(validation, "validation_context", ""));
            for (key, node) in validation.entries() {
                let value = node.scalar().unwrap_or_default();
                match key.as_str() {
                    "trusted_ca" | "crl" => {
                        let role = if key == "trusted_ca" {
                            FileRole::TrustedCas
                        } else {
                            FileRole::Crls
                        };
                        rules.verify_chain |= key == "trusted_ca";
                        crl_given |= key == "crl";
                        match node.get("filename").and_then(Node::text) {
                            Some(path) => {
                                let at = setting(node, key, path);
                                config.settings.push(at.clone());
                                config.files.push(NamedFile {
                                    role,
                                    path: path.to_owned(),
                                    setting: at,
                                    given: None,
                                });
                            }
                            None => {
                                let source = node.entries().first().map_or("", |(k, _)| k.as_str());
                                config.settings.push(setting(node, key, source));
                                if source == "inline_string" || source == "inline_bytes" {
                                    config.problems.push(format!(
                                        "{name}:{}: {key} is written inline: give those \
                                         certificates or CRLs as the server's trust here",
                                        node.line
                                    ));
                                }
                            }
                        }
                    }
                    "only_verify_leaf_cert_crl" | "allow_expired_certificate" => {
                        config.settings.push(setting(node, key, value));
                        rules.allow_expired |= key == "allow_expired_certificate" && node.is_true();
                    }
                    "max_verify_depth" => {
                        config.settings.push(setting(node, key, value));
                        match value.parse::<usize>() {
                            // BoringSSL counts the anchor: N certificates above the client's.
                            Ok(depth) => config.max_intermediates = Some(depth.saturating_sub(1)),
                            Err(_) => config.problems.push(format!(
                                "{name}:{}: max_verify_depth must be a number up to 100, not {value:?}",
                                node.line
                            )),
                        }
                    }
                    "trust_chain_verification" => {
                        config.settings.push(setting(node, key, value));
                        rules.accept_untrusted = value == "ACCEPT_UNTRUSTED";
                    }
                    "match_typed_subject_alt_names" => {
                        for item in node.items() {
                            match san_matcher(item, &setting) {
                                Ok(matcher) => {
                                    config.settings.push(matcher.setting.clone());
                                    rules.san_matchers.push(matcher);
                                }
                                Err(problem) => config
                                    .problems
                                    .push(format!("{name}:{}: {problem}", item.line)),
                            }
                        }
                    }
                    "match_subject_alt_names" => {
                        // Deprecated: ignored when the typed list is given; else each matcher
                        // applies to DNS, URI, email and IP names.
                        if validation.get("match_typed_subject_alt_names").is_some() {
                            config.ignored.push(setting(
                                node,
                                key,
                                "match_typed_subject_alt_names is given",
                            ));
                            continue;
                        }
                        for item in node.items() {
                            let at = setting(item, key, &matcher_text(item));
                            let Some((pattern, ignore_case)) = pattern(item) else {
                                config.problems.push(format!(
                                    "{name}:{}: a matcher without exact, prefix, suffix, \
                                     contains or safe_regex",
                                    item.line
                                ));
                                continue;
                            };
                            for san_type in [
                                SanType::Dns,
                                SanType::Uri,
                                SanType::Email,
                                SanType::IpAddress,
                            ] {
                                rules.san_matchers.push(SanMatcher {
                                    san_type,
                                    pattern: pattern.clone(),
                                    ignore_case,
                                    setting: at.clone(),
                                });
                            }
                            config.settings.push(at);
                        }
                    }
                    "verify_certificate_spki" | "verify_certificate_hash" => {
                        for item in node.items() {
                            let text = item.text().unwrap_or_default();
                            config.settings.push(setting(item, key, text));
                            let read = if key == "verify_certificate_hash" {
                                hex_pin(text).map(|pin| rules.hash_pins.push(pin))
                            } else {
                                crate::read::decode::base64_decode(text.as_bytes())
                                    .filter(|b| b.len() == 32)
                                    .map(|pin| rules.spki_pins.push(pin))
                            };
                            match read {
                                Some(()) => {}
                                None => config.problems.push(format!(
                                    "{name}:{}: {key} {text:?} is not a SHA-256: Envoy refuses to start",
                                    item.line
                                )),
                            }
                        }
                    }
                    "custom_validator_config" => config.problems.push(format!(
                        "{name}:{}: a custom certificate validator decides: its verdict is not \
                         predicted here",
                        node.line
                    )),
                    _ => config.ignored.push(setting(node, key, value)),
                }
            }
        }
    }
    let only_leaf = validation_of(context, &secrets)
        .and_then(|(v, _)| v.get("only_verify_leaf_cert_crl"))
        .is_some_and(Node::is_true);
    // CRLs in the trusted_ca file are used as those of `crl` are.
    config.crl = if only_leaf {
        CrlCheck::Leaf
    } else {
        CrlCheck::Chain
    };
    if let (false, Some((validation, None))) = (crl_given, validation_of(context, &secrets)) {
        config.settings.push(setting(
            validation,
            "crl",
            "not set (CRLs in the trusted_ca file are still used)",
        ));
    }
    let pinned = !rules.san_matchers.is_empty()
        || !rules.spki_pins.is_empty()
        || !rules.hash_pins.is_empty();
    config.verify = if required.is_some_and(Node::is_true) || (pinned && !rules.accept_untrusted) {
        Verify::Required
    } else if rules.verify_chain || pinned || rules.accept_untrusted {
        Verify::Optional
    } else {
        Verify::Off
    };
    if config.verify == Verify::Required && !rules.verify_chain && !pinned {
        config.problems.push(format!(
            "{name}: require_client_certificate without a validation_context: Envoy refuses \
             to start"
        ));
    }
    // Envoy sets X509_V_FLAG_PARTIAL_CHAIN with its trusted CAs.
    config.partial_chain = rules.verify_chain;
    rules.xfcc = xfcc(&documents, &mut config, &setting);
    config.rules = super::Rules::Envoy(rules);
    config
}

/// The `x-forwarded-client-cert` fields the HTTP connection manager writes, if it writes the
/// header at all.
fn xfcc(
    documents: &[Node],
    config: &mut ServerConfig,
    setting: &dyn Fn(&Node, &str, &str) -> Setting,
) -> Option<Vec<&'static str>> {
    let manager = documents
        .iter()
        .find_map(|d| find(d, "forward_client_cert_details"))?;
    let mode = manager.get("forward_client_cert_details")?;
    let mode_name = mode.text().unwrap_or_default();
    config
        .settings
        .push(setting(mode, "forward_client_cert_details", mode_name));
    if !matches!(mode_name, "SANITIZE_SET" | "APPEND_FORWARD") {
        return None;
    }
    let details = manager.get("set_current_client_cert_details");
    let mut fields = vec!["Hash"];
    for (key, field) in [
        ("subject", "Subject"),
        ("cert", "Cert"),
        ("chain", "Chain"),
        ("dns", "DNS"),
        ("uri", "URI"),
    ] {
        if let Some(flag) = details.and_then(|d| d.get(key)) {
            config.settings.push(setting(
                flag,
                &format!("set_current_client_cert_details.{key}"),
                flag.scalar().unwrap_or_default(),
            ));
            if flag.is_true() {
                fields.push(field);
            }
        }
    }
    Some(fields)
}

/// A `StringMatcher`: its pattern and `ignore_case`.
fn pattern(node: &Node) -> Option<(Pattern, bool)> {
    let text = |key: &str| node.get(key).and_then(Node::text).map(str::to_owned);
    let pattern = if let Some(exact) = text("exact") {
        Pattern::Exact(exact)
    } else if let Some(prefix) = text("prefix") {
        Pattern::Prefix(prefix)
    } else if let Some(suffix) = text("suffix") {
        Pattern::Suffix(suffix)
    } else if let Some(contains) = text("contains") {
        Pattern::Contains(contains)
    } else {
        Pattern::Regex(node.get("safe_regex")?.get("regex")?.text()?.to_owned())
    };
    Some((pattern, node.get("ignore_case").is_some_and(Node::is_true)))
}

fn matcher_text(node: &Node) -> String {
    node.entries()
        .iter()
        .map(|(k, v)| match v.text() {
            Some(text) => format!("{k}: {text}"),
            None => format!(
                "{k}: {}",
                v.get("regex").and_then(Node::text).unwrap_or_default()
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One `match_typed_subject_alt_names` item.
fn san_matcher(
    item: &Node,
    setting: &dyn Fn(&Node, &str, &str) -> Setting,
) -> Result<SanMatcher, String> {
    let san_type = match item.get("san_type").and_then(Node::text) {
        Some("DNS") => SanType::Dns,
        Some("URI") => SanType::Uri,
        Some("EMAIL") => SanType::Email,
        Some("IP_ADDRESS") => SanType::IpAddress,
        Some("OTHER_NAME") => SanType::OtherName,
        other => {
            return Err(format!(
                "san_type must be DNS, URI, EMAIL, IP_ADDRESS or OTHER_NAME, not {:?}: Envoy \
                 refuses to start",
                other.unwrap_or_default()
            ));
        }
    };
    let matcher = item
        .get("matcher")
        .ok_or("a SAN matcher without `matcher`")?;
    let (pattern, ignore_case) = pattern(matcher)
        .ok_or("a matcher without exact, prefix, suffix, contains or safe_regex")?;
    let value = format!(
        "{}: {}",
        item.get("san_type")
            .and_then(Node::text)
            .unwrap_or_default(),
        matcher_text(matcher)
    );
    Ok(SanMatcher {
        san_type,
        pattern,
        ignore_case,
        setting: setting(item, "match_typed_subject_alt_names", &value),
    })
}

/// The subject alternative names of one type (`DNS:`, `URI:`…), without the prefix.
fn names<'a>(cert: &'a Certificate, prefix: &str) -> Vec<&'a str> {
    cert.subject_alt_names
        .iter()
        .filter_map(|n| n.strip_prefix(prefix))
        .collect()
}

/// BoringSSL's `X509_verify_cert_error_string` where it differs from OpenSSL 3.0's.
fn boringssl_text(error: &OpensslError) -> &str {
    match error.number {
        18 => "self signed certificate",
        19 => "self signed certificate in certificate chain",
        26 => "unsupported certificate purpose",
        _ => &error.text,
    }
}

pub(super) fn outcome(
    config: &ServerConfig,
    leaf: Option<&Certificate>,
    errors: &[OpensslError],
) -> Outcome {
    let mut outcome = Outcome::default();
    let super::Rules::Envoy(rules) = &config.rules else {
        return outcome;
    };
    let Some(cert) = leaf else {
        return outcome;
    };
    let hash = cert.sha256().replace(':', "").to_ascii_lowercase();
    let subject = openssl_name(&cert.subject_raw, NameFormat::Rfc2253).unwrap_or_default();
    let uris = names(cert, "URI:");
    outcome
        .identity
        .push(super::field("%DOWNSTREAM_PEER_SUBJECT%", &subject));
    outcome
        .identity
        .push(super::field("%DOWNSTREAM_PEER_FINGERPRINT_256%", &hash));
    outcome
        .identity
        .push(super::field("%DOWNSTREAM_PEER_URI_SAN%", &uris.join(",")));
    if let Some(spiffe) = uris.iter().find(|u| u.starts_with("spiffe://")) {
        outcome.identity.push(super::field("SPIFFE ID", spiffe));
    }
    let header = match &rules.xfcc {
        None => "not written (forward_client_cert_details is not SANITIZE_SET or APPEND_FORWARD)"
            .to_owned(),
        Some(fields) => {
            let mut parts = vec![format!("Hash={hash}")];
            for field in fields {
                match *field {
                    "Subject" => parts.push(format!("Subject=\"{subject}\"")),
                    "Cert" | "Chain" => parts.push(format!("{field}=\"…URL-encoded PEM…\"")),
                    "DNS" => parts.extend(names(cert, "DNS:").iter().map(|d| format!("DNS={d}"))),
                    "URI" if uris.is_empty() => parts.push("URI=".to_owned()),
                    "URI" => parts.extend(uris.iter().map(|u| format!("URI={u}"))),
                    _ => {}
                }
            }
            parts.join(";")
        }
    };
    outcome
        .identity
        .push(super::field("x-forwarded-client-cert", &header));
    // BoringSSL stops at the first error; without time checks, the time errors are not seen.
    let time = |n: u32| matches!(n, 9..=12);
    let first = errors
        .iter()
        .find(|e| !(rules.allow_expired && time(e.number)));
    let refusal: Option<(String, String, Option<Violation>)> = if let Some(error) =
        first.filter(|_| rules.verify_chain)
    {
        Some((
            format!(
                "verify cert failed: X509_verify_cert: certificate verification error at depth {}: {}",
                error.depth,
                boringssl_text(error)
            ),
            alert(error.number).to_owned(),
            None,
        ))
    } else {
        post_chain(rules, cert)
    };
    if rules.allow_expired && errors.iter().any(|e| time(e.number)) && first.is_none() {
        outcome.accepted = Some(true);
        outcome.violations.push(
            Violation::general(Code::VerificationNotEnforced)
                .value("allow_expired_certificate: BoringSSL checks no certificate or CRL dates"),
        );
    }
    match refusal {
        Some((log, client, violation)) if !rules.accept_untrusted => {
            outcome.log_line = Some(log);
            outcome.client_sees = Some(client);
            outcome.violations.extend(violation);
        }
        Some((log, ..)) => {
            outcome.accepted = Some(true);
            outcome
                .violations
                .push(
                    Violation::general(Code::VerificationNotEnforced).value(&format!(
                        "trust_chain_verification: ACCEPT_UNTRUSTED lets it through ({log})"
                    )),
                );
        }
        None if !rules.verify_chain
            && rules.san_matchers.is_empty()
            && rules.spki_pins.is_empty()
            && rules.hash_pins.is_empty() =>
        {
            // Asked for, never verified (no trusted_ca): any certificate passes.
            outcome.accepted = Some(true);
            outcome.violations.push(
                Violation::general(Code::VerificationNotEnforced)
                    .value("no trusted_ca: Envoy asks for a certificate but verifies nothing"),
            );
        }
        None => {}
    }
    outcome
}

/// The SAN matchers, then the pins: the refusal (log line, what the client sees, finding).
fn post_chain(
    rules: &EnvoyRules,
    cert: &Certificate,
) -> Option<(String, String, Option<Violation>)> {
    let all_names = cert.subject_alt_names.join(", ");
    if !rules.san_matchers.is_empty()
        && !rules.san_matchers.iter().any(|m| {
            names(cert, m.san_type.prefix())
                .iter()
                .any(|n| m.matches(n))
        })
    {
        let mut wanted: Vec<String> = rules
            .san_matchers
            .iter()
            .map(|m| format!("{} ({})", m.setting.value, m.setting.location()))
            .collect();
        wanted.dedup();
        return Some((
            format!("verify cert failed: SAN matcher, certificate SANs are [{all_names}]"),
            alert(0).to_owned(),
            Some(
                Violation::general(Code::SubjectAltNameNotAllowed).value(&format!(
                    "the certificate's names [{all_names}] match none of {}",
                    wanted.join("; ")
                )),
            ),
        ));
    }
    if rules.spki_pins.is_empty() && rules.hash_pins.is_empty() {
        return None;
    }
    let hash = cert.sha256().replace(':', "").to_ascii_lowercase();
    let spki = ring::digest::digest(&ring::digest::SHA256, &cert.spki)
        .as_ref()
        .to_vec();
    if rules.hash_pins.contains(&hash) || rules.spki_pins.contains(&spki) {
        return None;
    }
    Some((
        "verify cert failed: cert hash and spki".to_owned(),
        "tlsv1 alert bad certificate hash value".to_owned(),
        Some(Violation::general(Code::CertificatePinMismatch).value(&format!(
            "its SHA-256 is {} and its key's (SPKI, base64) {}, in neither verify_certificate_hash \
             nor verify_certificate_spki",
            cert.sha256(),
            crate::read::decode::base64_encode(&spki)
        ))),
    ))
}
