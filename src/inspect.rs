//! The pipeline: decode → parse → build chains → run the profiles → explain.

use std::collections::BTreeMap;

use crate::certificate::{Certificate, Side, Timestamp};
use crate::chain::{self, Entry, Graph, NameMatching, Search};
use crate::crl::Crl;
use crate::decode::{self, Content, Location, Problem};
use crate::diagnosis::{self, Code, Severity, Subject, Violation};
use crate::keys::{PrivateKey, PublicValue};
use crate::profiles::openssl_errors::{OpensslError, verify_errors};
use crate::profiles::{self, Context, CrlCheck, OpensslSettings, Profile, Usage, WebpkiDecision};
use crate::protected::{Answer, Keyrings, Locked};
use crate::read::ocsp::Ocsp;
use crate::report::{
    CertificateEntry, CrlEntry, ExtensionEntry, Finding, InputSummary, KeyEntry, Link, LinkState,
    OcspEntry, OcspStatusEntry, ProfileResult, Report, Role, ServerReport, Validity, Verdict,
};
use crate::request::{CertificateRequest, ClientStack};
use crate::server::{self, ServerConfig, Setting};
use crate::signature::{SignatureCheck, Verified};
use std::sync::Arc;

/// Certificates inspected at most in one inspection; more are refused with a finding.
pub const MAX_CERTIFICATES: usize = 20_000;

/// A warning is given when a certificate in the chain expires within this many seconds.
pub const EXPIRES_SOON_SECONDS: i64 = 30 * 86_400;

/// One input: a file or a paste, with the side it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub side: Side,
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// An input that owns its name and bytes (a file read, a message received).
pub type OwnedInput = (Side, String, Vec<u8>);

/// Borrows owned inputs for [`inspect`].
pub fn borrow_inputs(files: &[OwnedInput]) -> Vec<Input<'_>> {
    files
        .iter()
        .map(|(side, name, bytes)| Input {
            side: *side,
            name,
            bytes,
        })
        .collect()
}

/// How to inspect.
#[derive(Clone, Debug)]
pub struct Options {
    /// The validation time, in seconds since the Unix epoch. The engine never reads the clock.
    pub time: Timestamp,
    pub usage: Usage,
    /// The profiles to decide with; empty means all.
    pub profiles: Vec<Profile>,
    /// Passwords to open PKCS#12 files, encrypted keys and keystores with (each is tried on
    /// every protected part; the empty password always is). Never stored, never reported.
    pub passwords: Vec<String>,
    /// The server's CertificateRequest (from `openssl s_client` output), to say whether each
    /// client stack would send the certificate at all.
    pub certificate_request: Option<CertificateRequest>,
    /// The server's configuration files (name, contents): the matching profile takes its
    /// settings from them, and the report says what the server derives.
    pub server_configs: Vec<(String, Vec<u8>)>,
    /// The kind of server the configuration files are for; `None`: recognised by content.
    pub server_kind: Option<server::ServerKind>,
    /// Envoy files' YAML already read (the file's text, what it read as): in the page, by its
    /// YAML module. A file not among them is read here ([`yaml`]).
    pub yaml: Vec<crate::channel::ReadYaml>,
    /// Which trusted certificates the report lists.
    pub listing: Listing,
    /// The user the client logs in as, where the server has users (PostgreSQL); without it,
    /// the name the certificate gives.
    pub user: Option<String>,
}

impl Options {
    pub fn at(time: Timestamp) -> Self {
        Self {
            time,
            usage: Usage::Client,
            profiles: Profile::ALL.to_vec(),
            passwords: Vec::new(),
            certificate_request: None,
            server_configs: Vec::new(),
            server_kind: None,
            yaml: Vec::new(),
            listing: Listing::All,
            user: None,
        }
    }
}

/// Which trusted certificates a report lists. Those that no path, link, CRL or finding uses
/// are most of a system trust store, and describing each of them is most of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    /// Every certificate, in input order (`--all-certificates`).
    #[default]
    All,
    /// Only those used: the others are counted (`Report::unlisted_trusted` and the
    /// `unlisted_trusted_certificates` finding).
    Used,
    /// Every certificate, those used first and in the order [`Listing::Used`] gives them: a
    /// report of the same inputs listed `Used` keeps its indexes valid in this one (the page
    /// lists the others when asked, without its selection moving).
    UsedFirst,
}

/// A finding before it is merged across profiles and given its text.
#[derive(Clone)]
struct Draft {
    violation: Violation,
    profiles: Vec<Profile>,
    location: Option<Location>,
}

/// Everything gathered from the inputs.
#[derive(Clone, Default)]
struct Gathered {
    entries: Vec<Entry>,
    locations: Vec<Location>,
    crls: Vec<(Crl, Location)>,
    /// The OCSP responses, and where each was found with its bytes (in the same order).
    ocsp: Vec<Arc<Ocsp>>,
    ocsp_sources: Vec<(Location, Vec<u8>)>,
    keys: Vec<(PrivateKey, Location)>,
    /// Certificates that did not parse, kept as DER for rustls-webpki, which decides alone.
    unparsed_client: Vec<(Vec<u8>, Location, String)>,
    unparsed_trust: Vec<Vec<u8>>,
    drafts: Vec<Draft>,
    summaries: Vec<InputSummary>,
    /// Set once [`MAX_CERTIFICATES`] is reached.
    over_limit: bool,
    /// The certificates kept by (side, [`hash_of`] their own encoding), to spot duplicates in
    /// linear time.
    seen: foldhash::HashMap<(Side, u64), Vec<usize>>,
    /// The certificates kept by (side, [`hash_of`] their bytes as given): a repeat is found
    /// before it is parsed again.
    seen_bytes: foldhash::HashMap<(Side, u64), Vec<usize>>,
    /// Where each certificate given more than once appears again (by its first index).
    repeats: BTreeMap<usize, Vec<Location>>,
}

impl Gathered {
    /// A copy of what deciding adds to or takes from: all but the certificates (which the
    /// graph borrows) and the indexes that found repeats while reading.
    fn to_decide(&self) -> Gathered {
        Gathered {
            entries: Vec::new(),
            locations: self.locations.clone(),
            crls: self.crls.clone(),
            ocsp: self.ocsp.clone(),
            ocsp_sources: self.ocsp_sources.clone(),
            keys: self.keys.clone(),
            unparsed_client: self.unparsed_client.clone(),
            unparsed_trust: self.unparsed_trust.clone(),
            drafts: self.drafts.clone(),
            summaries: self.summaries.clone(),
            over_limit: self.over_limit,
            seen: Default::default(),
            seen_bytes: Default::default(),
            repeats: self.repeats.clone(),
        }
    }

    fn note(&mut self, violation: Violation, location: Option<Location>) {
        self.drafts.push(Draft {
            violation,
            profiles: Vec::new(),
            location,
        });
    }
}

/// How an inspection gets the protected parts of its input number `index` opened.
pub type InputOpener<'a> = dyn FnMut(usize, Locked) -> Answer + 'a;

/// Inspects the inputs and explains the verdict, opening protected parts with
/// `options.passwords`.
pub fn inspect(inputs: &[Input<'_>], options: &Options) -> Report {
    let mut keyrings = Keyrings::new(&options.passwords);
    inspect_opening(inputs, options, &mut |index, locked| {
        keyrings.open(index, locked)
    })
}

/// Inspects the inputs and explains the verdict, having protected parts opened by `open`
/// (the page's engine has them opened in a worker of their own: src/worker.rs).
pub fn inspect_opening(
    inputs: &[Input<'_>],
    options: &Options,
    open: &mut InputOpener<'_>,
) -> Report {
    inspect_prepared(&Prepared::read(inputs, open), inputs, options)
}

/// What an inspection reads from its inputs (certificates, CRLs and keys parsed, the problems
/// of reading them), before any decision: nothing in it depends on the options, so the page
/// re-validating the same inputs at another time or for another listing reads nothing again.
pub struct Prepared {
    gathered: Gathered,
    /// The signatures verified in inspections of these inputs: none depends on the time or
    /// the listing, so inspecting them again verifies none again (an ECDSA P-256 check is
    /// ~1.5 ms in the page's WebAssembly).
    verified: Verified,
}

impl Prepared {
    /// Reads `inputs`, having protected parts opened by `open`.
    pub fn read(inputs: &[Input<'_>], open: &mut InputOpener<'_>) -> Self {
        Self {
            gathered: gather(inputs, open),
            verified: Verified::default(),
        }
    }

    /// Takes over the signatures verified for `earlier` inputs over certificates these also
    /// hold: a trust store dropped beside a client chain inspected alone has the chain's own
    /// signatures verified already.
    pub fn keep_verified(&self, earlier: Prepared) {
        let signed: std::collections::HashSet<&[u8]> = self
            .gathered
            .entries
            .iter()
            .map(|entry| entry.certificate.tbs_bytes())
            .collect();
        self.verified
            .take_over(earlier.verified, |message| signed.contains(message));
    }

    /// How many signatures were verified for these inputs so far (for the tests).
    pub fn signatures_verified(&self) -> usize {
        self.verified.made()
    }
}

/// Inspects inputs already read (`prepared`, from these `inputs`). The certificates read are
/// borrowed, not copied: the page inspects the same inputs again at another time or listing.
pub fn inspect_prepared(prepared: &Prepared, inputs: &[Input<'_>], options: &Options) -> Report {
    let mut profiles = if options.profiles.is_empty() {
        Profile::ALL.to_vec()
    } else {
        options.profiles.clone()
    };
    profiles.sort();
    profiles.dedup();
    let mut gathered = prepared.gathered.to_decide();
    let server = server_config(options, inputs, &mut gathered);
    let graph = Graph::new(&prepared.gathered.entries, &prepared.verified);
    let has_key = |i: usize| {
        graph.certificate(i).is_some_and(|cert| {
            gathered
                .keys
                .iter()
                .any(|(key, _)| key_matches(key, cert) == Some(true))
        })
    };
    let leaf = chain::client_certificate(&graph, &has_key);
    let assumed = assumed_anchors(&graph, leaf);
    let is_anchor = |i: usize| profiles::is_trusted(&graph, i, &assumed);
    let judged = judge(
        &graph,
        leaf,
        &assumed,
        &profiles,
        options,
        server.as_ref(),
        &mut gathered,
    );
    let (verdict, results, chain_path) = (judged.verdict, judged.results, judged.chain);
    let server = server.map(|config| {
        let (outcome, verify_errors) = judged.server.unwrap_or_default();
        let files = config
            .files
            .iter()
            .map(|f| Setting {
                name: f.role.advice().to_owned(),
                value: f.path.clone(),
                file: f.given.clone().unwrap_or_default(),
                line: f.setting.line,
            })
            .collect();
        ServerReport {
            kind: config.kind.name().to_owned(),
            profile: config.profile(),
            settings: config.settings,
            files,
            ignored: config.ignored,
            problems: config.problems,
            identity: outcome.identity,
            log_line: outcome.log_line,
            client_sees: outcome.client_sees,
            verify_errors: verify_errors
                .iter()
                .map(|e| format!("{} at depth {}", e.numbered(), e.depth))
                .collect(),
            verdict_at_defaults: outcome.verdict_at_defaults,
        }
    });
    let client_stacks = match (&options.certificate_request, leaf) {
        (Some(request), Some(leaf)) => client_stacks(&graph, leaf, request, &mut gathered),
        _ => Vec::new(),
    };
    let links = links(&graph, &chain_path);
    let crl_entries = crl_entries(&gathered.crls, &graph, options.time);
    let ocsp_entries = ocsp_entries(&gathered.ocsp, &gathered.ocsp_sources, &graph);
    let private_keys = key_entries(&gathered.keys, leaf.and_then(|l| graph.certificate(l)));
    let unlisted = if options.listing == Listing::All {
        Vec::new()
    } else {
        unused_trusted(
            graph.entries(),
            &chain_path,
            &links,
            &crl_entries,
            &gathered.drafts,
        )
    };
    // Certificates left out are not described at all (most of a system trust store).
    let left_out: std::collections::BTreeSet<usize> = match options.listing {
        Listing::Used => unlisted.iter().copied().collect(),
        Listing::All | Listing::UsedFirst => Default::default(),
    };
    let certificates = certificate_entries(
        &graph,
        &gathered.locations,
        &chain_path,
        leaf,
        options.time,
        &is_anchor,
        &|index| !left_out.contains(&index),
    );
    if !unlisted.is_empty() && options.listing == Listing::Used {
        let trusted = graph
            .entries()
            .iter()
            .filter(|e| e.side == Side::Trust)
            .count();
        gathered.note(
            Violation::general(Code::UnlistedTrustedCertificates).value(&format!(
                "{} of the {trusted} trusted certificates",
                unlisted.len()
            )),
            None,
        );
    }
    let findings = merge(gathered.drafts, &graph, &chain_path, options);
    let mut report = Report {
        verdict,
        validation_time: diagnosis::format_time(options.time),
        validation_timestamp: options.time,
        usage: options.usage,
        profiles: results,
        findings,
        chain: chain_path,
        links,
        certificates,
        crls: crl_entries,
        ocsp_responses: ocsp_entries,
        private_keys,
        inputs: gathered.summaries,
        certificate_request: options.certificate_request.clone(),
        client_stacks,
        server,
        handshake: None,
        unlisted_trusted: 0,
    };
    if options.listing == Listing::Used {
        report.leave_out(&unlisted);
    } else {
        report.move_to_end(&unlisted);
    }
    report.handshake = crate::handshake::stop(&report);
    report
}

/// The trusted certificates that nothing in the report refers to: off the chain, no link's
/// end, listed by no CRL entry, named by no finding.
fn unused_trusted(
    entries: &[Entry],
    chain: &[usize],
    links: &[Link],
    crls: &[CrlEntry],
    drafts: &[Draft],
) -> Vec<usize> {
    let mut used = vec![false; entries.len()];
    let mut mark = |index: usize| {
        if let Some(slot) = used.get_mut(index) {
            *slot = true;
        }
    };
    chain.iter().for_each(|&i| mark(i));
    for link in links {
        mark(link.subject);
        mark(link.issuer);
    }
    crls.iter().flat_map(|c| &c.lists).for_each(|&i| mark(i));
    for draft in drafts {
        draft.violation.certificate.into_iter().for_each(&mut mark);
        draft.violation.related.into_iter().for_each(&mut mark);
    }
    entries
        .iter()
        .zip(used)
        .enumerate()
        .filter(|(_, (entry, used))| entry.side == Side::Trust && !used)
        .map(|(index, _)| index)
        .collect()
}

/// The verdicts of the profiles and the chain to draw.
struct Judged {
    verdict: Verdict,
    results: Vec<ProfileResult>,
    chain: Vec<usize>,
    /// What the configured server does, and the verify errors OpenSSL reported to it.
    server: Option<(server::Outcome, Vec<OpensslError>)>,
}

/// Each profile's decision on the client certificate `leaf`, or incomplete for all when there
/// is no client certificate or nothing to trust; the chain findings noted in `gathered`.
fn judge(
    graph: &Graph<'_>,
    leaf: Option<usize>,
    assumed: &[usize],
    profiles: &[Profile],
    options: &Options,
    server: Option<&ServerConfig>,
    gathered: &mut Gathered,
) -> Judged {
    let trust_given = graph.entries().iter().any(|e| e.side == Side::Trust);
    let leaf = match leaf {
        None => Err(Code::NoClientCertificate),
        Some(_) if !trust_given && assumed.is_empty() => Err(Code::NoTrustAnchors),
        Some(leaf) => Ok(leaf),
    };
    let leaf = match leaf {
        Ok(leaf) => leaf,
        Err(code) => {
            gathered.note(Violation::general(code), None);
            let undecided = profiles.iter().map(|&name| ProfileResult {
                name,
                verdict: Verdict::Incomplete,
                findings: Vec::new(),
                reported: None,
                revocation: Vec::new(),
            });
            return Judged {
                verdict: Verdict::Incomplete,
                results: undecided.collect(),
                chain: Vec::new(),
                server: None,
            };
        }
    };
    let crls: Vec<Crl> = gathered.crls.iter().map(|(c, _)| c.clone()).collect();
    // Deciding adds findings to `gathered`: the responses are lent to it meanwhile.
    let ocsp = std::mem::take(&mut gathered.ocsp);
    let is_anchor = |i: usize| profiles::is_trusted(graph, i, assumed);
    let context = Context {
        graph,
        crls: &crls,
        ocsp: &ocsp,
        time: options.time,
        usage: options.usage,
        leaf,
        anchors: &is_anchor,
    };
    let (results, searches, server) = decide(
        &context,
        profiles,
        assumed,
        server,
        options.user.as_deref(),
        gathered,
    );
    gathered.ocsp = ocsp;
    let chain = display_path(&searches);
    chain_findings(graph, &chain, &searches, assumed, options.time, gathered);
    let verdict = if results.iter().all(|r| r.verdict == Verdict::Accepted) {
        Verdict::Accepted
    } else {
        Verdict::Rejected
    };
    Judged {
        verdict,
        results,
        chain,
        server,
    }
}

/// Without a trust input, the self-signed CAs of the client's input stand in as the anchors
/// (SPEC: `assumed_trust_anchor`).
fn assumed_anchors(graph: &Graph<'_>, leaf: Option<usize>) -> Vec<usize> {
    let entries = graph.entries();
    if entries.iter().any(|e| e.side == Side::Trust) {
        return Vec::new();
    }
    (0..entries.len())
        .filter(|&i| {
            graph.side(i) == Some(Side::Client)
                && Some(i) != leaf
                && graph.is_self_signed(i)
                && graph
                    .certificate(i)
                    .is_some_and(|c| c.is_ca() || c.version == 1)
        })
        .collect()
}

/// Runs every profile: its verdict and error codes, its search, and its violations as drafts.
fn decide(
    context: &Context<'_>,
    profiles: &[Profile],
    assumed: &[usize],
    server: Option<&ServerConfig>,
    user: Option<&str>,
    gathered: &mut Gathered,
) -> Decided {
    let leaf = context.leaf;
    let leaf_certificate = context.graph.certificate(leaf);
    let mut results = Vec::new();
    let mut searches = Vec::new();
    let mut located = Vec::new();
    let mut server_outcome = None;
    for &profile in profiles {
        let configured = server.filter(|c| c.profile() == profile);
        // The OpenSSL family's settings: the stack's defaults, and those used.
        let defaults = OpensslSettings::for_profile(
            profile,
            !context.crls.is_empty(),
            !context.ocsp.is_empty(),
        );
        let used = configured.map_or(defaults, |c| OpensslSettings {
            max_intermediates: c.max_intermediates,
            crl: c.crl,
            partial_chain: c.partial_chain,
            ocsp: if context.ocsp.is_empty() {
                CrlCheck::Off
            } else {
                c.ocsp
            },
        });
        // `reported`: what the real implementation said, for the profile that runs it.
        let (evaluation, reported) = match profile {
            Profile::Webpki => decide_webpki(context, gathered, assumed),
            Profile::Openssl | Profile::Nginx => (profiles::openssl_rules(context, &used), None),
            Profile::Go => (profiles::go_rules(context), None),
            Profile::Java => (profiles::java_rules(context), None),
        };
        let mut violations = evaluation.violations;
        let evaluation_violations = violations.len();
        if let Some(cert) = leaf_certificate {
            violations.extend(profiles::handshake_key_violation(profile, leaf, &cert.key));
        }
        violations.extend(key_violations(&gathered.keys, leaf_certificate, leaf));
        let error = |v: &Violation| v.code.severity() == Severity::Error;
        let fails = violations.iter().any(error);
        // Whether the profile refuses at its stack's defaults, before the server's own rules:
        // the rules run again only where the configuration's settings differ from them.
        let fails_at_defaults = configured.map(|_| match profile {
            Profile::Openssl | Profile::Nginx if used != defaults => {
                let rules = profiles::openssl_rules(context, &defaults);
                let others = violations.get(evaluation_violations..).unwrap_or_default();
                rules.violations.iter().chain(others).any(error)
            }
            _ => fails,
        });
        if let Some(config) = configured {
            let errors = verify_errors(context, &evaluation.search, &violations);
            let top = evaluation.search.path().len().saturating_sub(1);
            let ocsp = crate::profiles::openssl_errors::ocsp_failure(&violations);
            let outcome =
                server::outcome(config, leaf_certificate, &errors, top, fails, user, ocsp);
            if outcome.accepted == Some(true) {
                // The server lets the client through whatever verification found; without
                // asking for a certificate, whatever the certificate is.
                let asked = config.verify != server::Verify::Off;
                violations.retain(|v| asked && !verify_errors_report(v.code));
            }
            violations.extend(outcome.violations.iter().cloned());
            server_outcome = Some((outcome, errors));
        }
        for (_, location, error) in &gathered.unparsed_client {
            located.push(Draft {
                violation: Violation::general(Code::MalformedCertificate).value(error),
                profiles: vec![profile],
                location: Some(location.clone()),
            });
        }
        let mut codes: Vec<Code> = violations
            .iter()
            .filter(|v| v.code.severity() == Severity::Error)
            .map(|v| v.code)
            .collect();
        if !gathered.unparsed_client.is_empty() {
            codes.push(Code::MalformedCertificate);
        }
        codes.sort();
        codes.dedup();
        let verdict = if codes.is_empty() {
            Verdict::Accepted
        } else {
            Verdict::Rejected
        };
        if let (Some(fails), Some((outcome, _))) = (fails_at_defaults, server_outcome.as_mut()) {
            let at_defaults = if fails || !gathered.unparsed_client.is_empty() {
                Verdict::Rejected
            } else {
                Verdict::Accepted
            };
            outcome.verdict_at_defaults = (at_defaults != verdict).then_some(at_defaults);
        }
        results.push(ProfileResult {
            name: profile,
            verdict,
            findings: codes,
            reported,
            revocation: evaluation.revocation,
        });
        gathered
            .drafts
            .extend(violations.into_iter().map(|violation| Draft {
                violation,
                profiles: vec![profile],
                location: None,
            }));
        searches.push(evaluation.search);
    }
    gathered.drafts.extend(located);
    (results, searches, server_outcome)
}

/// The profiles' results, their searches, and what the configured server does.
type Decided = (
    Vec<ProfileResult>,
    Vec<Search>,
    Option<(server::Outcome, Vec<OpensslError>)>,
);

/// Does OpenSSL's chain verification report this code (as opposed to the handshake failing
/// on the key, or the certificate not parsing)?
fn verify_errors_report(code: Code) -> bool {
    !matches!(
        code,
        Code::PrivateKeyMismatch
            | Code::PrivateKeyInconsistent
            | Code::UnsupportedKeyType
            | Code::MalformedCertificate
    )
}

/// An Envoy file's YAML read here: on the command line. The page's engine leaves YAML to its
/// YAML module (yaml-rust2 was ~12 KB of the engine's module, gzipped) and is given what it
/// read ([`Options::yaml`]).
#[cfg(not(target_arch = "wasm32"))]
fn yaml(text: &str) -> Result<Vec<server::envoy::Node>, String> {
    server::envoy::parse(text)
}

#[cfg(target_arch = "wasm32")]
fn yaml(_: &str) -> Result<Vec<server::envoy::Node>, String> {
    Err("the page's YAML module did not read it".to_owned())
}

/// The server configuration among the options', read; what cannot be read is a finding. The
/// files it names are matched to the inputs by file name.
fn server_config(
    options: &Options,
    inputs: &[Input<'_>],
    gathered: &mut Gathered,
) -> Option<ServerConfig> {
    let files: Vec<(String, String)> = options
        .server_configs
        .iter()
        .map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    let read_yaml = |text: &str| match options.yaml.iter().find(|(read, _)| read == text) {
        Some((_, documents)) => documents.clone(),
        None => yaml(text),
    };
    let (found, unread) = server::read(&files, options.server_kind, &read_yaml);
    for message in unread {
        gathered.note(
            Violation::general(Code::ServerConfigProblem).value(&message),
            None,
        );
    }
    let mut config = found?;
    for problem in &config.problems {
        gathered.note(
            Violation::general(Code::ServerConfigProblem).value(problem),
            None,
        );
    }
    let base = |path: &str| path.rsplit(['/', '\\']).next().unwrap_or(path).to_owned();
    for file in &mut config.files {
        let wanted = base(&file.path);
        file.given = inputs
            .iter()
            .find(|input| base(input.name) == wanted)
            .map(|input| input.name.to_owned());
    }
    Some(config)
}

/// The CRLs as reported: issuer, dates, and the certificates each lists.
fn crl_entries(crls: &[(Crl, Location)], graph: &Graph<'_>, time: Timestamp) -> Vec<CrlEntry> {
    crls.iter()
        .map(|(crl, location)| CrlEntry {
            issuer: crl.issuer.clone(),
            this_update: diagnosis::format_time(crl.this_update),
            next_update: crl.next_update.map(diagnosis::format_time),
            revoked: crl.revoked.len(),
            source: location.clone(),
            expired: crl.next_update.is_some_and(|next| time > next),
            not_yet_valid: crl.this_update > time,
            lists: (0..graph.entries().len())
                .filter(|&i| {
                    graph
                        .certificate(i)
                        .is_some_and(|c| c.issuer_raw == crl.issuer_raw && crl.lists(c))
                })
                .collect(),
            pem: pem_block("X509 CRL", &crl.der),
        })
        .collect()
}

/// The OCSP responses as reported, each status with the certificate it is about: one whose
/// serial it names, issued by a certificate whose name and key its CertID hashes.
fn ocsp_entries(
    responses: &[Arc<Ocsp>],
    sources: &[(Location, Vec<u8>)],
    graph: &Graph<'_>,
) -> Vec<OcspEntry> {
    // The first certificate with the status's serial whose issuer (itself when self-issued,
    // else one the graph holds under its issuer's name) is the one the CertID hashes.
    let about = |single: &crate::read::ocsp::Single| {
        let serial = crate::read::asn1::integer_minimal(&single.serial);
        (0..graph.entries().len()).find(|&i| {
            graph.certificate(i).is_some_and(|cert| {
                crate::read::asn1::integer_minimal(&cert.serial_raw) == serial
                    && ((cert.issuer_raw == cert.subject_raw && single.of_issuer(cert))
                        || graph
                            .named_issuers(i, NameMatching::Exact)
                            .into_iter()
                            .filter_map(|j| graph.certificate(j))
                            .any(|issuer| single.of_issuer(issuer)))
            })
        })
    };
    responses
        .iter()
        .zip(sources)
        .map(|(response, (location, der))| {
            let basic = response.basic();
            OcspEntry {
                responder: basic
                    .map(crate::read::ocsp::Basic::responder_label)
                    .unwrap_or_default(),
                response_status: response.status.clone(),
                from_text: response.from_text,
                produced_at: basic.map(|b| diagnosis::format_time(b.produced_at)),
                statuses: basic
                    .iter()
                    .flat_map(|b| &b.responses)
                    .map(|single| OcspStatusEntry {
                        serial: crate::certificate::upper_hex(
                            crate::read::asn1::integer_minimal(&single.serial),
                            ":",
                        ),
                        status: single.status.clone(),
                        revoked_at: single.revoked_at.map(diagnosis::format_time),
                        reason: single.reason.clone(),
                        this_update: diagnosis::format_time(single.this_update),
                        next_update: single.next_update.map(diagnosis::format_time),
                        cert_id_hash: single.hash().name().to_owned(),
                        certificate: about(single),
                    })
                    .collect(),
                source: location.clone(),
                pem: pem_block("OCSP RESPONSE", der),
            }
        })
        .collect()
}

/// The private keys as reported: their algorithm and whether they match, never their content.
fn key_entries(keys: &[(PrivateKey, Location)], leaf: Option<&Certificate>) -> Vec<KeyEntry> {
    keys.iter()
        .map(|(key, location)| KeyEntry {
            algorithm: key.algorithm.to_string(),
            matches_client_certificate: leaf.and_then(|c| key_matches(key, c)),
            source: location.clone(),
        })
        .collect()
}

/// Decodes and parses every input; records problems as drafts.
fn gather(inputs: &[Input<'_>], open: &mut InputOpener<'_>) -> Gathered {
    let mut gathered = Gathered::default();
    for (index, input) in inputs.iter().enumerate() {
        let decoded =
            decode::decode_opening(input.name, input.bytes, &mut |locked| open(index, locked));
        let mut summary = InputSummary {
            name: input.name.to_owned(),
            side: input.side,
            certificates: 0,
            crls: 0,
            ocsp_responses: 0,
            private_keys: 0,
            problems: decoded.problems.len(),
        };
        for problem in decoded.problems {
            let code = match problem.problem {
                Problem::EncryptedPrivateKey => Code::EncryptedPrivateKey,
                Problem::Pkcs12 => Code::Pkcs12NeedsPassword,
                Problem::WrongPassword { .. } => Code::WrongPassword,
                Problem::IntegrityFailed { .. } => Code::IntegrityCheckFailed,
                _ => Code::UnreadableInput,
            };
            let value = problem_text(&problem.problem);
            gathered.note(
                Violation::general(code).value(&value),
                Some(problem.location),
            );
        }
        for item in decoded.items {
            match item.content {
                Content::Certificate(der) => {
                    gathered.certificate(input.side, der, item.location, &mut summary);
                }
                Content::Crl(der) => match Crl::parse(&der) {
                    Ok(crl) => {
                        summary.crls += 1;
                        gathered.crls.push((crl, item.location));
                    }
                    Err(error) => {
                        summary.problems += 1;
                        gathered.note(
                            Violation::general(Code::MalformedCrl).value(&error.0),
                            Some(item.location),
                        );
                    }
                },
                Content::Ocsp(ocsp, der) => {
                    summary.ocsp_responses += 1;
                    if ocsp.from_text {
                        gathered.note(
                            Violation::general(Code::OcspResponseUnverifiable),
                            Some(item.location.clone()),
                        );
                    }
                    gathered.ocsp.push(ocsp);
                    gathered.ocsp_sources.push((item.location, der));
                }
                Content::UnreadableOcsp(reason) => {
                    summary.problems += 1;
                    gathered.note(
                        Violation::general(Code::MalformedOcspResponse).value(&reason),
                        Some(item.location),
                    );
                }
                Content::PrivateKey(key) => {
                    summary.private_keys += 1;
                    gathered.keys.push((key, item.location));
                }
                Content::CertificateRequest => {
                    gathered.note(
                        Violation::general(Code::CertificateRequestIgnored),
                        Some(item.location),
                    );
                }
            }
        }
        gathered.summaries.push(summary);
    }
    // One finding per certificate given more than once, with the count and where.
    for (first, again) in std::mem::take(&mut gathered.repeats) {
        const SHOWN: usize = 3;
        let at =
            |location: Option<&Location>| location.map(ToString::to_string).unwrap_or_default();
        let mut value = format!(
            "{} times: at {}, then at {}",
            again.len() + 1,
            at(gathered.locations.get(first)),
            again
                .iter()
                .take(SHOWN)
                .map(|l| at(Some(l)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if again.len() > SHOWN {
            value.push_str(&format!(" and {} more places", again.len() - SHOWN));
        }
        gathered.note(
            Violation::new(Code::DuplicateCertificate, first).value(&value),
            again.into_iter().next(),
        );
    }
    gathered
}

impl Gathered {
    /// The certificate kept under `key` in `index` whose `bytes` (its bytes as given, or its
    /// own encoding) are `bytes`, if any: hashes are compared first, then the bytes.
    fn kept(
        &self,
        index: &foldhash::HashMap<(Side, u64), Vec<usize>>,
        key: (Side, u64),
        bytes: &[u8],
        of: impl Fn(&Certificate) -> &[u8],
    ) -> Option<usize> {
        index.get(&key)?.iter().copied().find(|&kept| {
            self.entries
                .get(kept)
                .is_some_and(|entry| of(&entry.certificate) == bytes)
        })
    }

    /// Parses one certificate of an input: kept once per side (a repeat is a finding), its
    /// encoding faults noted where it was found; one that does not parse is kept as DER for
    /// rustls-webpki, which decides alone.
    fn certificate(
        &mut self,
        side: Side,
        der: Vec<u8>,
        location: Location,
        summary: &mut InputSummary,
    ) {
        if self.entries.len() >= MAX_CERTIFICATES {
            summary.problems += 1;
            if !self.over_limit {
                self.over_limit = true;
                let value = format!(
                    "More than {MAX_CERTIFICATES} certificates were given; the ones after that \
                     limit were not inspected."
                );
                self.note(
                    Violation::general(Code::UnreadableInput).value(&value),
                    Some(location),
                );
            }
            return;
        }
        // The same bytes again are the same certificate: not parsed twice.
        let bytes_key = (side, hash_of(&der));
        if let Some(first) = self.kept(&self.seen_bytes, bytes_key, &der, |c| &c.der) {
            self.repeats.entry(first).or_default().push(location);
            return;
        }
        let certificate = match Certificate::parse(&der) {
            Ok(certificate) => certificate,
            Err(error) => {
                summary.problems += 1;
                match side {
                    Side::Client => self.unparsed_client.push((der, location, error.0)),
                    Side::Trust => {
                        self.unparsed_trust.push(der);
                        self.note(
                            Violation::general(Code::MalformedTrustCertificate).value(&error.0),
                            Some(location),
                        );
                    }
                }
                return;
            }
        };
        // The certificate's own encoding is most often all the bytes: hashed once.
        let fingerprint = if certificate.length == der.len() {
            bytes_key
        } else {
            (side, hash_of(certificate.own_der()))
        };
        if let Some(first) = self.kept(
            &self.seen,
            fingerprint,
            certificate.own_der(),
            Certificate::own_der,
        ) {
            self.repeats.entry(first).or_default().push(location);
            return;
        }
        summary.certificates += 1;
        let index = self.entries.len();
        for fault in &certificate.faults {
            self.note(
                Violation::new(Code::EncodingNotStrict, index).value(&fault.describe()),
                Some(location.clone()),
            );
        }
        self.seen.entry(fingerprint).or_default().push(index);
        self.seen_bytes.entry(bytes_key).or_default().push(index);
        self.entries.push(Entry { certificate, side });
        self.locations.push(location);
    }
}

/// The client stacks' decisions (the client holds its client-side certificates, the client
/// certificate first; the server's CA names come from its trusted certificates), and a finding
/// for each reason some stack would not send the certificate.
fn client_stacks(
    graph: &Graph<'_>,
    leaf: usize,
    request: &CertificateRequest,
    gathered: &mut Gathered,
) -> Vec<ClientStack> {
    let on = |side: Side| {
        (0..graph.entries().len())
            .filter(move |&i| graph.side(i) == Some(side))
            .filter_map(|i| graph.certificate(i))
    };
    let Some(client) = graph.certificate(leaf) else {
        return Vec::new();
    };
    let mut sent = vec![client];
    sent.extend(on(Side::Client).filter(|c| !std::ptr::eq(*c, client)));
    let trusted: Vec<&Certificate> = on(Side::Trust).collect();
    let stacks = crate::request::decide(&sent, &trusted, request);
    for code in [
        Code::IssuerNotInAcceptableCaNames,
        Code::CaNameEncodingDiffers,
        Code::KeyTypeNotRequested,
    ] {
        let affected: Vec<&ClientStack> =
            stacks.iter().filter(|s| s.codes.contains(&code)).collect();
        let Some(first) = affected.first() else {
            continue;
        };
        let value = match code {
            Code::KeyTypeNotRequested => {
                first.why.rsplit(": ").next().unwrap_or_default().to_owned()
            }
            _ => affected
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        };
        gathered.note(Violation::new(code, leaf).value(&value), None);
    }
    stacks
}

/// Describes a decoding problem in one sentence.
pub fn problem_text(problem: &Problem) -> String {
    match problem {
        Problem::Empty => "The input is empty.".into(),
        Problem::TooLarge { bytes, limit } => {
            format!(
                "The input is {}; inputs above {} are refused.",
                crate::diagnosis::size_words(*bytes),
                crate::diagnosis::size_words(*limit)
            )
        }
        Problem::NotRecognised { binary: true } => {
            "Binary data that is neither a DER certificate, CRL, PKCS#7 bag, PKCS#12 file nor key."
                .into()
        }
        Problem::NotRecognised { binary: false } => {
            "Text without any PEM block (-----BEGIN …-----) or base64 certificate.".into()
        }
        Problem::BadBase64 { label } => {
            format!("The {label} block's body is not valid base64 (truncated or edited?).")
        }
        Problem::UnterminatedPem { label } => {
            format!("The {label} block has no matching -----END {label}----- line.")
        }
        Problem::UnknownPemLabel { label } => {
            format!("A PEM block labelled \"{label}\" is not a certificate, CRL or key.")
        }
        Problem::MalformedDer { expected } => {
            format!("The data is not {expected}: its DER structure is broken.")
        }
        Problem::EncryptedPrivateKey => "An encrypted private key (needs its password).".into(),
        Problem::Pkcs12 => "A PKCS#12 / PFX container (needs its password).".into(),
        Problem::WrongPassword { what } => {
            format!("None of the given passwords opens this {what}.")
        }
        Problem::IntegrityFailed { what } => format!(
            "The password decrypts this {what}, but its integrity check (MAC or digest) does not \
             verify: the file was changed or damaged after it was written."
        ),
        Problem::Unopenable { what, reason } => format!("This {what} cannot be opened: {reason}."),
        Problem::UnsupportedPrivateKey { algorithm } => {
            format!("A private key of an unsupported algorithm ({algorithm}).")
        }
        Problem::UnsupportedPkcs7 { content_type } => {
            format!("A PKCS#7 structure of type {content_type}, not a certificate bag.")
        }
        Problem::MoreProblems { count } => format!(
            "{count} more unreadable parts follow; only the first {} are listed one by one.",
            decode::MAX_PROBLEMS_PER_INPUT
        ),
    }
}

/// rustls-webpki decides; the rules explain. Returns the evaluation and webpki's error name.
fn decide_webpki(
    context: &Context<'_>,
    gathered: &Gathered,
    assumed: &[usize],
) -> (profiles::Evaluation, Option<String>) {
    let graph = context.graph;
    let leaf_der = graph
        .certificate(context.leaf)
        .map(|c| c.der.clone())
        .unwrap_or_default();
    let mut intermediates: Vec<Vec<u8>> = (0..graph.entries().len())
        .filter(|&i| graph.side(i) == Some(Side::Client) && i != context.leaf)
        .filter_map(|i| graph.certificate(i).map(|c| c.der.clone()))
        .filter(|der| *der != leaf_der)
        .collect();
    intermediates.extend(gathered.unparsed_client.iter().map(|(der, ..)| der.clone()));
    let mut trusted: Vec<Vec<u8>> = (0..graph.entries().len())
        .filter(|&i| graph.side(i) == Some(Side::Trust) || assumed.contains(&i))
        .filter_map(|i| graph.certificate(i).map(|c| c.der.clone()))
        .collect();
    trusted.extend(gathered.unparsed_trust.iter().cloned());
    let crls: Vec<Vec<u8>> = context.crls.iter().map(|c| c.der.clone()).collect();
    let decision = profiles::webpki_verify(
        &leaf_der,
        &intermediates,
        &trusted,
        &crls,
        context.time,
        context.usage,
        None,
        graph.verified(),
    );
    let mut evaluation = profiles::webpki_rules(context);
    match decision {
        WebpkiDecision::Accepted { .. } => {
            // webpki is the authority: what our rules flag but webpki accepts is not an error.
            evaluation
                .violations
                .retain(|v| v.code.severity() != Severity::Error);
            (evaluation, None)
        }
        WebpkiDecision::CrlRefused(error) => {
            let name = profiles::webpki_error_name(&error).to_owned();
            evaluation
                .violations
                .push(Violation::new(Code::CrlUnusable, context.leaf).value(
                &format!(
                    "rustls refuses to load a supplied CRL ({name}), so it accepts no client at all"
                ),
            ));
            (evaluation, Some(name))
        }
        WebpkiDecision::Rejected(error) => {
            let name = profiles::webpki_error_name(&error).to_owned();
            let code = profiles::webpki_error_code(&error);
            let explained = evaluation.violations.iter().any(|v| {
                v.code == code
                    || (code == Code::IssuerNotFound
                        && matches!(v.code, Code::UntrustedRoot | Code::IssuerKeyMismatch))
                    || (code == Code::ClientAuthEkuMissing
                        && v.code == Code::IssuerEkuExcludesClientAuth)
                    || (code == Code::UnsupportedSignatureAlgorithm && v.code == Code::WeakKey)
                    || (code == Code::BadSignature && v.code == Code::IssuerKeyMismatch)
            });
            if !explained {
                evaluation.violations.push(
                    Violation::new(code, context.leaf).value(&format!("rustls-webpki: {name}")),
                );
            }
            (evaluation, Some(name))
        }
    }
}

/// Does the private key belong to the certificate? Its public half derived from its private
/// part must be the certificate's; a key whose parts do not belong together matches nothing.
/// `None` when it cannot be told.
pub fn key_matches(key: &PrivateKey, certificate: &Certificate) -> Option<bool> {
    if key.inconsistent.is_some() {
        return Some(false);
    }
    match (&key.public, &key.stated, &certificate.public_value) {
        (_, _, PublicValue::Unknown) => None,
        (PublicValue::Unknown, PublicValue::Unknown, _) => None,
        // A key whose stated half is another's cannot be this certificate's.
        (PublicValue::Unknown, stated, ours) if stated != ours => Some(false),
        (PublicValue::Unknown, ..) => None,
        (derived, _, ours) => Some(derived == ours),
    }
}

/// A key that states the certificate's public key but whose private part is another.
fn inconsistent_for(key: &PrivateKey, certificate: &Certificate) -> Option<&'static str> {
    key.inconsistent
        .as_ref()
        .filter(|i| i.stated == certificate.public_value)
        .map(|i| i.reason)
}

fn key_violations(
    keys: &[(PrivateKey, Location)],
    leaf: Option<&Certificate>,
    leaf_index: usize,
) -> Vec<Violation> {
    let Some(leaf) = leaf else {
        return Vec::new();
    };
    if keys.is_empty() {
        return Vec::new();
    }
    let results: Vec<Option<bool>> = keys.iter().map(|(k, _)| key_matches(k, leaf)).collect();
    let algorithms = keys
        .iter()
        .map(|(k, _)| k.algorithm.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let inconsistent = keys
        .iter()
        .find_map(|(k, _)| inconsistent_for(k, leaf).map(|why| (k, why)));
    if results.contains(&Some(true)) {
        vec![Violation::new(Code::PrivateKeyMatches, leaf_index).value(&algorithms)]
    } else if let Some((key, why)) = inconsistent {
        vec![
            Violation::new(Code::PrivateKeyInconsistent, leaf_index)
                .value(&format!("{}: {why}", key.algorithm)),
        ]
    } else if results.contains(&None) {
        vec![Violation::new(Code::PrivateKeyUnverifiable, leaf_index).value(&algorithms)]
    } else {
        vec![Violation::new(Code::PrivateKeyMismatch, leaf_index).value(&algorithms)]
    }
}

/// The path to draw: the longest complete one (OpenSSL's reaches the root), else the longest.
fn display_path(searches: &[Search]) -> Vec<usize> {
    let complete = searches
        .iter()
        .filter(|s| matches!(s, Search::Complete(_)))
        .max_by_key(|s| s.path().len());
    match complete {
        Some(search) => search.path().to_vec(),
        None => searches
            .iter()
            .max_by_key(|s| s.path().len())
            .map(|s| s.path().to_vec())
            .unwrap_or_default(),
    }
}

/// Findings about the bundle itself: order, unused and duplicate certificates, roots.
fn chain_findings(
    graph: &Graph<'_>,
    path: &[usize],
    searches: &[Search],
    assumed: &[usize],
    time: Timestamp,
    gathered: &mut Gathered,
) {
    let complete = searches.iter().any(|s| matches!(s, Search::Complete(_)));
    for &index in assumed {
        if path.contains(&index) {
            gathered.note(Violation::new(Code::AssumedTrustAnchor, index), None);
        }
    }
    for (position, &index) in path.iter().enumerate() {
        let Some(cert) = graph.certificate(index) else {
            continue;
        };
        if cert.is_valid_at(time) && cert.not_after - time < EXPIRES_SOON_SECONDS {
            gathered.note(Violation::new(Code::ExpiresSoon, index), None);
        }
        let is_last = position + 1 == path.len();
        let on_client = (0..graph.entries().len())
            .any(|i| graph.side(i) == Some(Side::Client) && graph.same_certificate(i, index));
        if complete
            && position > 0
            && !is_last
            && graph.side(index) == Some(Side::Trust)
            && !on_client
        {
            gathered.note(
                Violation::new(Code::IntermediateOnlyInTrustStore, index),
                None,
            );
        }
    }
    let client: Vec<usize> = (0..graph.entries().len())
        .filter(|&i| graph.side(i) == Some(Side::Client))
        .collect();
    for &index in &client {
        let in_path = path
            .iter()
            .any(|&p| p == index || graph.same_certificate(p, index));
        if in_path {
            if graph.is_self_signed(index) && path.first() != Some(&index) && assumed.is_empty() {
                gathered.note(Violation::new(Code::RootSentByClient, index), None);
            }
        } else {
            gathered.note(Violation::new(Code::UnusedCertificate, index), None);
        }
    }
    // Out of order: the client-side chain certificates must come leaf first, issuers after.
    let expected: Vec<usize> = path
        .iter()
        .filter_map(|&p| {
            client
                .iter()
                .copied()
                .find(|&c| c == p || graph.same_certificate(c, p))
        })
        .collect();
    let mut actual = expected.clone();
    actual.sort_unstable();
    if expected != actual || client.first() != path.first() {
        gathered.note(Violation::general(Code::BundleOutOfOrder), None);
    }
}

fn certificate_entries(
    graph: &Graph<'_>,
    locations: &[Location],
    path: &[usize],
    leaf: Option<usize>,
    time: Timestamp,
    is_anchor: &dyn Fn(usize) -> bool,
    listed: &dyn Fn(usize) -> bool,
) -> Vec<CertificateEntry> {
    graph
        .entries()
        .iter()
        .enumerate()
        .filter(|&(index, _)| listed(index))
        .map(|(index, entry)| {
            let cert = &entry.certificate;
            let role = if Some(index) == leaf {
                Role::Client
            } else if path.last() == Some(&index) && path.len() > 1 && is_anchor(index) {
                Role::Anchor
            } else if path.contains(&index) {
                Role::Intermediate
            } else if entry.side == Side::Trust {
                Role::Trusted
            } else {
                Role::Unused
            };
            CertificateEntry {
                index,
                role,
                side: entry.side,
                subject: cert.subject().to_owned(),
                issuer: cert.issuer().to_owned(),
                serial: cert.serial.clone(),
                not_before: diagnosis::format_time(cert.not_before),
                not_after: diagnosis::format_time(cert.not_after),
                key: cert.key.to_string(),
                signature_algorithm: cert.signature_algorithm.name.clone(),
                version: cert.version,
                is_ca: cert.is_ca(),
                self_issued: cert.is_self_issued(),
                // A certificate off the chain is never verified: its self-signature decides
                // nothing, and checking thousands of them is the cost of a bundle (as no stack
                // checks what it does not use). Nor is a trusted CA's: no stack verifies a
                // trust anchor's own signature.
                self_signed: (path.contains(&index) && entry.side != Side::Trust)
                    .then(|| graph.is_self_signed(index)),
                validity: if time > cert.not_after {
                    Validity::Expired
                } else if time < cert.not_before {
                    Validity::NotYetValid
                } else {
                    Validity::Valid
                },
                not_before_timestamp: cert.not_before,
                not_after_timestamp: cert.not_after,
                key_usage: cert
                    .key_usage
                    .map(|ku| ku.names().iter().map(|n| (*n).to_owned()).collect()),
                extended_key_usage: cert.extended_key_usage.as_ref().map(|e| e.purposes.clone()),
                subject_alt_names: cert.subject_alt_names.clone(),
                extensions: cert
                    .extensions
                    .iter()
                    .map(|e| ExtensionEntry {
                        name: e.name.clone(),
                        oid: e.oid.clone(),
                        critical: e.critical,
                        value: e.value.clone(),
                    })
                    .collect(),
                sha256: cert.sha256(),
                sha1: cert.sha1(),
                source: locations.get(index).cloned().unwrap_or_else(|| Location {
                    source: String::new(),
                    block: None,
                    line: None,
                    entry: None,
                }),
                pem: pem(&cert.der),
            }
        })
        .collect()
}

/// The "signed by" candidates of every client-side certificate and every chain member.
fn links(graph: &Graph<'_>, path: &[usize]) -> Vec<Link> {
    let mut out = Vec::new();
    for subject in 0..graph.entries().len() {
        let relevant = graph.side(subject) == Some(Side::Client) || path.contains(&subject);
        if !relevant {
            continue;
        }
        for issuer in graph.named_issuers(subject, NameMatching::Any) {
            let state = match graph.signature(subject, issuer) {
                SignatureCheck::Valid => LinkState::Verified,
                SignatureCheck::Invalid => LinkState::SignatureFails,
                SignatureCheck::Unsupported => LinkState::NameMatchOnly,
            };
            let in_chain = path
                .iter()
                .zip(path.iter().skip(1))
                .any(|(&s, &i)| s == subject && i == issuer);
            out.push(Link {
                subject,
                issuer,
                state,
                in_chain,
            });
        }
    }
    out
}

/// Encodes a certificate as PEM.
pub fn pem(der: &[u8]) -> String {
    pem_block("CERTIFICATE", der)
}

/// Encodes DER as a PEM block with `label`.
pub fn pem_block(label: &str, der: &[u8]) -> String {
    let body = crate::read::decode::base64_encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 34);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        // Base64 is ASCII: every split is on a character boundary.
        let (line, after) = rest.split_at_checked(64).unwrap_or((rest, ""));
        out.push_str(line);
        out.push('\n');
        rest = after;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Merges drafts by (code, certificate — and the reason, for what differs by stack), unions
/// their profiles and writes their text.
fn merge(drafts: Vec<Draft>, graph: &Graph<'_>, path: &[usize], options: &Options) -> Vec<Finding> {
    let mut merged: BTreeMap<(Severity, Code, Option<usize>, String), Draft> = BTreeMap::new();
    for draft in drafts {
        // Located input findings stay separate per location, and each problem of the server's
        // configuration by its own; the rest merge per code and certificate.
        let discriminator = match (&draft.location, draft.violation.code) {
            (Some(location), _) => location.to_string(),
            // Stacks refuse a CRL, or find none usable, for reasons of their own: each reason
            // is its own finding.
            (
                None,
                Code::ServerConfigProblem
                | Code::CrlUnusable
                | Code::OcspResponseUnusable
                | Code::RevocationStatusUnknown,
            ) => draft.violation.value.clone().unwrap_or_default(),
            (None, _) => String::new(),
        };
        let key = (
            draft.violation.code.severity(),
            draft.violation.code,
            draft.violation.certificate,
            discriminator,
        );
        match merged.get_mut(&key) {
            Some(existing) => {
                for profile in draft.profiles {
                    if !existing.profiles.contains(&profile) {
                        existing.profiles.push(profile);
                    }
                }
                if existing.violation.value.is_none() {
                    existing.violation.value = draft.violation.value;
                }
                if existing.violation.related.is_none() {
                    existing.violation.related = draft.violation.related;
                }
            }
            None => {
                merged.insert(key, draft);
            }
        }
    }
    merged
        .into_values()
        .map(|mut draft| {
            draft.profiles.sort();
            let v = &draft.violation;
            let certificate = v.certificate.and_then(|i| graph.certificate(i));
            let role = role_words(graph, path, v.certificate);
            let text = diagnosis::explain(
                v.code,
                &Subject {
                    certificate,
                    role: &role,
                    related: v.related.and_then(|i| graph.certificate(i)),
                    value: v.value.as_deref(),
                    time: options.time,
                    usage: options.usage,
                },
            );
            let log_lines = crate::messages::log_lines(v.code)
                .iter()
                .filter(|l| line_fits(v, l, &draft.profiles))
                .map(|l| crate::report::LogLine {
                    printed_by: l.printed_by.to_owned(),
                    line: l.example.to_owned(),
                })
                .collect();
            Finding {
                code: v.code,
                severity: v.code.severity(),
                certificate: v.certificate,
                profiles: draft.profiles,
                title: text.title,
                detail: text.detail,
                remedy: text.remedy,
                location: draft.location,
                log_lines,
            }
        })
        .collect()
}

fn role_words(graph: &Graph<'_>, path: &[usize], index: Option<usize>) -> String {
    let Some(index) = index else {
        return "the certificate".into();
    };
    let on_path = path.contains(&index);
    // Off the path or trusted, the names say it: its self-signature is not checked (nothing
    // uses it).
    let root = if on_path && graph.side(index) != Some(Side::Trust) {
        graph.is_self_signed(index)
    } else {
        graph.certificate(index).is_some_and(|c| c.is_self_issued())
    };
    if path.first() == Some(&index) {
        "the client certificate".into()
    } else if root {
        "the root CA".into()
    } else if path.contains(&index) {
        "the intermediate CA".into()
    } else if graph.side(index) == Some(Side::Trust) {
        "the trusted CA".into()
    } else {
        "the certificate".into()
    }
}

/// Whether a known line fits the violation: a CRL a stack cannot use fails in one of several
/// ways (signature, cRLSign, scope, a critical extension on the CRL or on an entry), and only
/// the line of its own failure is printed.
fn line_fits(violation: &Violation, line: &crate::messages::Line, stacks: &[Profile]) -> bool {
    let value = violation.value.as_deref().unwrap_or_default();
    let ocsp_line = line.printed_by.contains("ssl_ocsp") || line.printed_by.contains("OCSP");
    if profiles::from_ocsp(violation) {
        return ocsp_line_fits(line, stacks);
    }
    if ocsp_line {
        return false;
    }
    if violation.code != Code::CrlUnusable {
        return true;
    }
    let example = line.example.to_ascii_lowercase();
    if line.printed_by.starts_with("OpenSSL") {
        return crate::profiles::openssl_errors::first_text(violation)
            .is_none_or(|text| example.contains(&text.to_ascii_lowercase()));
    }
    if example.contains("revoked crl entry") {
        return value.contains("an entry of the CRL");
    }
    if example.contains("issuerinvalidforcrl") {
        return value.contains("cRLSign");
    }
    true
}

/// Which lines a stack prints for an OCSP finding: nginx's (`ssl_ocsp`) for the OpenSSL
/// family, Java's for Java (its revoked and unknown-status lines; the others are explained
/// when pasted).
fn ocsp_line_fits(line: &crate::messages::Line, stacks: &[Profile]) -> bool {
    let nginx = line.printed_by.starts_with("nginx");
    let java = line.printed_by.starts_with("Java");
    (nginx
        && stacks
            .iter()
            .any(|p| matches!(p, Profile::Openssl | Profile::Nginx)))
        || (java && stacks.contains(&Profile::Java))
}

/// The key certificates are indexed by to spot repeats: their length and last 32 bytes (the
/// end of the signature, which differs between any two certificates), hashed. A repeat found
/// by it is confirmed byte for byte ([`Gathered::kept`]). Hashing every byte (SipHash) was a
/// twentieth of reading a trust store; the SHA-256 fingerprint is only made for the
/// certificates a report lists.
fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher as _;
    let tail = bytes.get(bytes.len().saturating_sub(32)..).unwrap_or(bytes);
    foldhash::fast::FixedState::default().hash_one((bytes.len(), tail))
}
