//! The report: what an inspection found, serialisable to the SPEC's JSON and renderable as text
//! and Markdown. Private keys never appear here beyond their algorithm and whether they match.

use serde::{Deserialize, Serialize};

use crate::escape;

use crate::certificate::{Side, Timestamp};
use crate::decode::Location;
use crate::diagnosis::{Code, Severity};
use crate::profiles::{Profile, Usage};
use crate::request::{CertificateRequest, ClientStack};
use crate::server::{IdentityField, Setting};

/// The overall or per-profile outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Accepted,
    Rejected,
    Incomplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Incomplete => "incomplete",
        }
    }
}

/// A certificate's part in the inspection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The client's own certificate.
    Client,
    /// A CA between the client certificate and the anchor.
    Intermediate,
    /// The trusted certificate the chain ends at.
    Anchor,
    /// A trusted CA that this chain does not use.
    Trusted,
    /// A client-side certificate outside the chain.
    Unused,
}

/// A certificate's validity at the validation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Expired,
    NotYetValid,
}

/// What is known about "`subject` was signed by `issuer`".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The issuer's key verifies the subject's signature.
    Verified,
    /// The names match but the issuer's key did not make the signature.
    SignatureFails,
    /// The names match; the signature algorithm is one this tool cannot verify.
    NameMatchOnly,
}

/// A candidate "signed by" edge between two certificates of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub subject: usize,
    pub issuer: usize,
    pub state: LinkState,
    /// Is this edge part of the chain?
    pub in_chain: bool,
}

/// One profile's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileResult {
    pub name: Profile,
    pub verdict: Verdict,
    /// The error codes that made it reject.
    pub findings: Vec<Code>,
    /// What the real implementation said, when the profile runs it (webpki's error name).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reported: Option<String>,
    /// Where its stack took each certificate's revocation status from: the CRL or OCSP
    /// response it used (none for a certificate whose status it did not find, or did not
    /// check).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub revocation: Vec<StatusSource>,
}

/// The CRL or OCSP response a stack took a certificate's revocation status from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSource {
    /// Index into `certificates`.
    pub certificate: usize,
    /// Index into `crls`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crl: Option<usize>,
    /// Index into `ocsp_responses`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ocsp: Option<usize>,
}

/// A line a server or client prints for a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Who prints it: nginx, OpenSSL, rustls, Go, Java, …
    pub printed_by: String,
    pub line: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Index into `certificates`.
    pub certificate: Option<usize>,
    pub profiles: Vec<Profile>,
    pub title: String,
    pub detail: String,
    pub remedy: String,
    /// Where in the inputs, for input findings.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
    /// What servers print for this failure.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub log_lines: Vec<LogLine>,
}

/// A certificate as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateEntry {
    pub index: usize,
    pub role: Role,
    pub side: Side,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub key: String,
    pub signature_algorithm: String,
    pub version: u32,
    pub is_ca: bool,
    /// Its subject is its issuer.
    pub self_issued: bool,
    /// Self-issued, and its own key verifies its signature (or the algorithm cannot be
    /// checked); `None` for a certificate off the chain or of the trust store, whose own
    /// signature is not verified (no stack verifies a trust anchor's).
    pub self_signed: Option<bool>,
    pub validity: Validity,
    /// notBefore and notAfter in seconds since the Unix epoch, for timelines.
    pub not_before_timestamp: i64,
    pub not_after_timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_key_usage: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub subject_alt_names: Vec<String>,
    pub extensions: Vec<ExtensionEntry>,
    pub sha256: String,
    pub sha1: String,
    pub source: Location,
    /// The certificate in PEM (for the page's copy and share links; left out of the JSON
    /// report).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub pem: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionEntry {
    pub name: String,
    pub oid: String,
    pub critical: bool,
    pub value: String,
}

/// A CRL as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrlEntry {
    pub issuer: String,
    pub this_update: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    pub revoked: usize,
    pub source: Location,
    /// Past its nextUpdate at the validation time.
    pub expired: bool,
    /// Its thisUpdate is after the validation time.
    pub not_yet_valid: bool,
    /// The certificates of the report (indexes) that this CRL lists as revoked.
    pub lists: Vec<usize>,
    /// The CRL itself, in PEM (for share links; left out of the JSON report).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub pem: String,
}

/// An OCSP response as reported: who answered, and each status it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcspEntry {
    /// The responderID: a name, or the responder key's SHA-1 hash.
    pub responder: String,
    /// `successful`, or the responder's error (`tryLater`, `unauthorized`, …).
    pub response_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produced_at: Option<String>,
    pub statuses: Vec<OcspStatusEntry>,
    /// Given as `openssl ocsp -resp_text` output: its signature could not be checked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub from_text: bool,
    pub source: Location,
    /// The response itself, in PEM (for share links; left out of the JSON report).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub pem: String,
}

/// One status of an OCSP response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcspStatusEntry {
    /// The serial number it is about, in hex.
    pub serial: String,
    /// `good`, `revoked` or `unknown`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub this_update: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_update: Option<String>,
    /// The hash of its CertID (`SHA-1`, `SHA-256`).
    pub cert_id_hash: String,
    /// The certificate of the report it is about (its CertID names it and its issuer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<usize>,
}

/// A private key as reported: algorithm and match, never its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub algorithm: String,
    /// Does it belong to the client certificate? `None` when it could not be compared.
    pub matches_client_certificate: Option<bool>,
    pub source: Location,
}

/// What one input held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSummary {
    pub name: String,
    pub side: Side,
    pub certificates: usize,
    pub crls: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ocsp_responses: usize,
    pub private_keys: usize,
    pub problems: usize,
}

/// The whole inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub verdict: Verdict,
    pub validation_time: String,
    /// The validation time in seconds since the Unix epoch.
    pub validation_timestamp: Timestamp,
    pub usage: Usage,
    pub profiles: Vec<ProfileResult>,
    pub findings: Vec<Finding>,
    /// The chain, client certificate first, as indexes into `certificates`.
    pub chain: Vec<usize>,
    /// Candidate "signed by" edges among the client's certificates, the chain and the trusted
    /// CAs that carry an issuer's name.
    pub links: Vec<Link>,
    pub certificates: Vec<CertificateEntry>,
    pub crls: Vec<CrlEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ocsp_responses: Vec<OcspEntry>,
    pub private_keys: Vec<KeyEntry>,
    pub inputs: Vec<InputSummary>,
    /// The server's CertificateRequest, when one was given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub certificate_request: Option<CertificateRequest>,
    /// Whether each client stack would send the certificate (with a CertificateRequest only).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub client_stacks: Vec<ClientStack>,
    /// The server as configured (with a server configuration only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server: Option<ServerReport>,
    /// Where the mTLS handshake stops for this client, and why (none when it completes or
    /// nothing is decided).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub handshake: Option<crate::handshake::Stop>,
    /// How many trusted certificates nothing uses are left out of `certificates`
    /// ([`crate::inspect::Listing::Used`]).
    #[serde(
        rename = "unlisted_trusted_certificates",
        skip_serializing_if = "is_zero",
        default
    )]
    pub unlisted_trusted: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

/// The server as its configuration sets it, and what it does with this client. Flat and
/// made of strings: the page shows it as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerReport {
    /// `nginx`, `PostgreSQL`.
    pub kind: String,
    /// The profile that decides for it, with its settings.
    pub profile: Profile,
    /// The settings that decide, each with where it is written (line 0: a default).
    pub settings: Vec<Setting>,
    /// The files the configuration names: `name` is what to do with it, `value` its path,
    /// `file` the input given here with that name (empty when none).
    pub files: Vec<Setting>,
    /// Directives read but not about client certificates.
    pub ignored: Vec<Setting>,
    pub problems: Vec<String>,
    /// What the server derives from the client certificate, named as it names them.
    pub identity: Vec<IdentityField>,
    /// The line the server logs when it refuses this client.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_line: Option<String>,
    /// What the client is told when it is refused.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub client_sees: Option<String>,
    /// The verification errors OpenSSL reports to the server, in order
    /// (`20:unable to get local issuer certificate at depth 1`).
    pub verify_errors: Vec<String>,
    /// The profile's verdict at its stack's defaults, when the configuration changed it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verdict_at_defaults: Option<Verdict>,
}

impl Report {
    /// The SPEC's JSON report. The certificates' and CRLs' PEM stay out of it (the page uses
    /// them; the JSON names each by its fingerprint and source).
    pub fn to_json(&self) -> String {
        self.clone().into_json()
    }

    /// [`Self::to_json`] of a report that is not needed afterwards (no copy made). Written
    /// straight from the report, its objects' keys come in the order of the fields (the
    /// verdict first); through a `serde_json::Value` they came sorted, and building and
    /// dropping that tree was half of writing a 5,000-certificate report (callgrind).
    pub fn into_json(self) -> String {
        serde_json::to_string_pretty(&self.without_pem())
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The report without its PEM texts (empty, they are not serialised): what the JSON
    /// report holds.
    pub fn without_pem(mut self) -> Self {
        self.certificates
            .iter_mut()
            .for_each(|c| c.pem = String::new());
        self.crls.iter_mut().for_each(|c| c.pem = String::new());
        self.ocsp_responses
            .iter_mut()
            .for_each(|o| o.pem = String::new());
        self
    }

    /// Leaves out the certificates `unlisted` (by their `index`; referred to by nothing),
    /// numbering the others in order; counts them in `unlisted_trusted` (given or not).
    pub fn leave_out(&mut self, unlisted: &[usize]) {
        let gone: std::collections::BTreeSet<usize> = unlisted.iter().copied().collect();
        self.certificates.retain(|c| !gone.contains(&c.index));
        self.unlisted_trusted += gone.len();
        self.renumber();
    }

    /// Moves the certificates `unlisted` (by their `index`; referred to by nothing) after all
    /// the others, keeping the order of both, and numbers them in their new order.
    pub fn move_to_end(&mut self, unlisted: &[usize]) {
        let last: std::collections::BTreeSet<usize> = unlisted.iter().copied().collect();
        let (kept, moved): (Vec<_>, Vec<_>) = std::mem::take(&mut self.certificates)
            .into_iter()
            .partition(|c| !last.contains(&c.index));
        self.certificates = kept;
        self.certificates.extend(moved);
        self.renumber();
    }

    /// Gives each certificate its position as `index`, and every reference the same change.
    fn renumber(&mut self) {
        let size = self
            .certificates
            .iter()
            .map(|c| c.index + 1)
            .max()
            .unwrap_or(0);
        let mut renumbered: Vec<Option<usize>> = vec![None; size];
        for (to, certificate) in self.certificates.iter_mut().enumerate() {
            if let Some(slot) = renumbered.get_mut(certificate.index) {
                *slot = Some(to);
            }
            certificate.index = to;
        }
        let new = |index: usize| renumbered.get(index).copied().flatten();
        self.chain = self.chain.iter().filter_map(|&i| new(i)).collect();
        self.links = self
            .links
            .iter()
            .filter_map(|link| {
                Some(Link {
                    subject: new(link.subject)?,
                    issuer: new(link.issuer)?,
                    ..*link
                })
            })
            .collect();
        for crl in &mut self.crls {
            crl.lists = crl.lists.iter().filter_map(|&i| new(i)).collect();
        }
        for status in self.ocsp_responses.iter_mut().flat_map(|r| &mut r.statuses) {
            status.certificate = status.certificate.and_then(new);
        }
        for profile in &mut self.profiles {
            profile.revocation.retain_mut(|source| {
                new(source.certificate)
                    .map(|to| source.certificate = to)
                    .is_some()
            });
        }
        for finding in &mut self.findings {
            finding.certificate = finding.certificate.and_then(new);
        }
    }

    /// Where a profile's stack took each certificate's revocation status from, one line per
    /// certificate: "`alice`: the CRL of `Example CA` (crl.pem)"; the OCSP responses when
    /// `ocsp`, else the CRLs.
    pub fn status_sources(&self, profile: &ProfileResult, ocsp: bool) -> Vec<String> {
        profile
            .revocation
            .iter()
            .filter(|source| source.ocsp.is_some() == ocsp)
            .filter_map(|source| {
                let what = match (source.crl, source.ocsp) {
                    (Some(i), _) => {
                        let crl = self.crls.get(i)?;
                        format!(
                            "the CRL of `{}` ({})",
                            short_subject(&crl.issuer),
                            crl.source
                        )
                    }
                    (None, Some(i)) => {
                        let response = self.ocsp_responses.get(i)?;
                        format!(
                            "the OCSP response of `{}` ({})",
                            short_subject(&response.responder),
                            response.source
                        )
                    }
                    (None, None) => return None,
                };
                Some(format!("`{}`: {what}", self.label(source.certificate)))
            })
            .collect()
    }

    /// A certificate of the report by its short subject, with deceptive characters shown as
    /// escapes.
    pub fn label(&self, index: usize) -> String {
        self.certificates.get(index).map_or_else(
            || format!("#{index}"),
            |c| escape::visible(&short_subject(&c.subject)),
        )
    }

    /// The text a person reads first: verdict, profiles, chain, findings with fixes.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let verdict = match self.verdict {
            Verdict::Accepted => {
                "ACCEPTED — every selected server profile accepts this client certificate"
            }
            Verdict::Rejected => {
                "REJECTED — at least one server profile rejects this client certificate"
            }
            Verdict::Incomplete => "INCOMPLETE — nothing to decide on yet",
        };
        out.push_str(&format!("Verdict: {verdict}\n"));
        out.push_str(&format!("Validation time: {}\n\n", self.validation_time));
        out.push_str("Servers:\n");
        for profile in &self.profiles {
            let why = if profile.findings.is_empty() {
                String::new()
            } else {
                let codes: Vec<&str> = profile.findings.iter().map(|c| c.as_str()).collect();
                format!("  ({})", codes.join(", "))
            };
            out.push_str(&format!(
                "  {:<8} {:<8} {}{}\n",
                profile.name.name(),
                profile.name.server(),
                profile.verdict.as_str(),
                why
            ));
        }
        self.text_server(&mut out);
        self.text_chain(&mut out);
        self.text_crls(&mut out);
        self.text_ocsp(&mut out);
        if !self.client_stacks.is_empty() {
            out.push_str("\nWill the client send it? (from the server's CertificateRequest)\n");
            for stack in &self.client_stacks {
                out.push_str(&format!(
                    "  {:<34} {}\n",
                    stack.label,
                    escape::visible(&stack.why)
                ));
            }
        }
        let findings = self.findings_by_severity();
        if !findings.is_empty() {
            out.push_str("\nFindings:\n");
        }
        for finding in findings {
            self.text_finding(finding, &mut out);
        }
        out
    }

    fn text_server(&self, out: &mut String) {
        let Some(server) = &self.server else {
            return;
        };
        out.push_str(&format!(
            "\nYour server ({}, decided by the {} profile):\n",
            server.kind,
            server.profile.name()
        ));
        if let Some(verdict) = server.verdict_at_defaults {
            out.push_str(&format!(
                "  its configuration changed the verdict: {} at the defaults\n",
                verdict.as_str()
            ));
        }
        for setting in &server.settings {
            let place = if setting.line == 0 {
                String::new()
            } else {
                format!("  ({})", escape::visible(&setting.location()))
            };
            out.push_str(&format!(
                "  {} {}{place}\n",
                escape::visible(&setting.name),
                escape::visible(&setting.value)
            ));
        }
        for file in &server.files {
            let given = if file.file.is_empty() {
                format!("not given here ({})", file.name)
            } else {
                format!("given as {}", escape::visible(&file.file))
            };
            out.push_str(&format!(
                "  file {}: {given}\n",
                escape::visible(&file.value)
            ));
        }
        if !server.ignored.is_empty() {
            let names: Vec<String> = server
                .ignored
                .iter()
                .map(|s| format!("{} ({})", s.name, s.location()))
                .collect();
            out.push_str(&format!(
                "  not about client certificates: {}\n",
                escape::visible(&names.join(", "))
            ));
        }
        for field in &server.identity {
            out.push_str(&format!(
                "  {} = {}\n",
                field.name,
                escape::visible(&field.value)
            ));
        }
        if let Some(line) = &server.log_line {
            out.push_str(&format!("  logs: {}\n", escape::visible(line)));
        }
        if let Some(line) = &server.client_sees {
            out.push_str(&format!("  the client sees: {}\n", escape::visible(line)));
        }
    }

    fn text_chain(&self, out: &mut String) {
        if self.chain.is_empty() {
            return;
        }
        out.push_str("\nChain:\n");
        for (depth, &index) in self.chain.iter().enumerate() {
            if let Some(cert) = self.certificates.get(index) {
                out.push_str(&format!(
                    "  {depth}. [{}] {}  ({}, {}, until {}, from {})\n",
                    role_name(cert.role),
                    escape::visible(&short_subject(&cert.subject)),
                    escape::visible(&cert.key),
                    escape::visible(&cert.signature_algorithm),
                    cert.not_after,
                    escape::visible(&cert.source.to_string())
                ));
            }
        }
    }

    fn text_crls(&self, out: &mut String) {
        if self.crls.is_empty() {
            return;
        }
        out.push_str("\nCRLs:\n");
        for crl in &self.crls {
            let listed: Vec<String> = crl.lists.iter().map(|&i| self.label(i)).collect();
            out.push_str(&format!(
                "  {} (updated {}, next {}{}): {} entries{}\n",
                escape::visible(&short_subject(&crl.issuer)),
                crl.this_update,
                crl.next_update.as_deref().unwrap_or("none"),
                if crl.expired { ", EXPIRED" } else { "" },
                crl.revoked,
                if listed.is_empty() {
                    String::new()
                } else {
                    format!("; lists {} as revoked", listed.join(", "))
                }
            ));
        }
        for profile in &self.profiles {
            out.push_str(&format!(
                "  {:<8} {}\n",
                profile.name.name(),
                profile.name.revocation_policy()
            ));
            for source in self.status_sources(profile, false) {
                out.push_str(&format!("           status of {source}\n"));
            }
        }
    }

    fn text_ocsp(&self, out: &mut String) {
        if self.ocsp_responses.is_empty() {
            return;
        }
        out.push_str("\nOCSP responses:\n");
        for response in &self.ocsp_responses {
            out.push_str(&format!(
                "  {} ({}{}{}):\n",
                escape::visible(&short_subject(&response.responder)),
                response.response_status,
                response
                    .produced_at
                    .as_ref()
                    .map(|at| format!(", produced {at}"))
                    .unwrap_or_default(),
                if response.from_text {
                    "; given as text, signature not checked"
                } else {
                    ""
                }
            ));
            for status in &response.statuses {
                let about = status
                    .certificate
                    .map_or_else(|| format!("serial {}", status.serial), |i| self.label(i));
                let revoked = status
                    .revoked_at
                    .as_ref()
                    .map(|at| {
                        let reason = status.reason.as_deref().map(|r| format!(", {r}"));
                        format!(" since {at}{}", reason.unwrap_or_default())
                    })
                    .unwrap_or_default();
                out.push_str(&format!(
                    "    {about}: {}{revoked} (updated {}, next {}; {} CertID)\n",
                    status.status,
                    status.this_update,
                    status.next_update.as_deref().unwrap_or("none"),
                    status.cert_id_hash
                ));
            }
        }
        for profile in &self.profiles {
            out.push_str(&format!(
                "  {:<8} {}\n",
                profile.name.name(),
                profile.name.ocsp_policy()
            ));
            for source in self.status_sources(profile, true) {
                out.push_str(&format!("           status of {source}\n"));
            }
        }
    }

    fn text_finding(&self, finding: &Finding, out: &mut String) {
        let about = finding
            .certificate
            .map(|i| format!(" — {}", self.label(i)))
            .unwrap_or_default();
        let profiles = if finding.profiles.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = finding.profiles.iter().map(|p| p.name()).collect();
            format!(" [{}]", names.join(", "))
        };
        out.push_str(&format!(
            "\n  {} {}: {}{}{}\n",
            severity_mark(finding.severity),
            finding.code,
            escape::visible(&finding.title),
            about,
            profiles
        ));
        out.push_str(&format!("    {}\n", escape::visible(&finding.detail)));
        if let Some(location) = &finding.location {
            out.push_str(&format!(
                "    Where: {}\n",
                escape::visible(&location.to_string())
            ));
        }
        out.push_str(&format!("    Fix: {}\n", escape::visible(&finding.remedy)));
        for log in finding.log_lines.iter().take(3) {
            out.push_str(&format!(
                "    Seen as ({}): {}\n",
                log.printed_by,
                escape::visible(&log.line)
            ));
        }
    }

    /// The findings, errors first.
    fn findings_by_severity(&self) -> Vec<&Finding> {
        let mut findings: Vec<&Finding> = self.findings.iter().collect();
        findings.sort_by_key(|f| f.severity);
        findings
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "# mtls-inspector report\n\n**Verdict: {}** at {}\n\n",
            self.verdict.as_str(),
            self.validation_time
        ));
        out.push_str("| server | profile | verdict | why |\n|---|---|---|---|\n");
        for profile in &self.profiles {
            let codes: Vec<String> = profile.findings.iter().map(|c| format!("`{c}`")).collect();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                profile.name.server(),
                profile.name.name(),
                profile.verdict.as_str(),
                codes.join(", ")
            ));
        }
        if let Some(server) = &self.server {
            markdown_server(server, &mut out);
        }
        if !self.client_stacks.is_empty() {
            out.push_str("\n## Will the client send it?\n\n| client | |\n|---|---|\n");
            for stack in &self.client_stacks {
                out.push_str(&format!(
                    "| {} | {} |\n",
                    escape::markdown(&stack.label),
                    escape::markdown(&stack.why)
                ));
            }
        }
        if !self.chain.is_empty() {
            out.push_str("\n## Chain\n\n");
            for (depth, &index) in self.chain.iter().enumerate() {
                if let Some(cert) = self.certificates.get(index) {
                    out.push_str(&format!(
                        "{}. **{}** {} — {}, valid until {}\n",
                        depth + 1,
                        role_name(cert.role),
                        escape::markdown_code(&cert.subject),
                        escape::markdown(&cert.key),
                        escape::markdown(&cert.not_after)
                    ));
                }
            }
        }
        if !self.findings.is_empty() {
            out.push_str("\n## Findings\n");
        }
        for finding in self.findings_by_severity() {
            markdown_finding(finding, &mut out);
        }
        out
    }
}

fn markdown_server(server: &ServerReport, out: &mut String) {
    out.push_str(&format!("\n## Your server ({})\n\n", server.kind));
    if let Some(verdict) = server.verdict_at_defaults {
        out.push_str(&format!(
            "Its configuration changed the verdict: {} at the defaults.\n\n",
            verdict.as_str()
        ));
    }
    out.push_str("| setting | value | where |\n|---|---|---|\n");
    for setting in &server.settings {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            escape::markdown_code(&setting.name),
            escape::markdown(&setting.value),
            if setting.line == 0 {
                "default".to_owned()
            } else {
                escape::markdown(&setting.location())
            }
        ));
    }
    if !server.identity.is_empty() {
        out.push_str("\n| the server derives | value |\n|---|---|\n");
        for field in &server.identity {
            out.push_str(&format!(
                "| {} | {} |\n",
                escape::markdown_code(&field.name),
                escape::markdown_code(&field.value)
            ));
        }
    }
    if let Some(line) = &server.log_line {
        out.push_str(&format!("\nIt logs: {}\n", escape::markdown_code(line)));
    }
    if let Some(line) = &server.client_sees {
        out.push_str(&format!(
            "\nThe client sees: {}\n",
            escape::markdown_code(line)
        ));
    }
}

fn markdown_finding(finding: &Finding, out: &mut String) {
    out.push_str(&format!(
        "\n### {} `{}`: {}\n\n{}\n\n**Fix:** {}\n",
        severity_mark(finding.severity),
        finding.code,
        escape::markdown(&finding.title),
        escape::markdown_prose(&finding.detail),
        escape::markdown_prose(&finding.remedy)
    ));
    if let Some(location) = &finding.location {
        out.push_str(&format!(
            "\nWhere: {}\n",
            escape::markdown(&location.to_string())
        ));
    }
    if !finding.profiles.is_empty() {
        let servers: Vec<&str> = finding.profiles.iter().map(|p| p.server()).collect();
        out.push_str(&format!("\nApplies to: {}\n", servers.join(", ")));
    }
    for log in &finding.log_lines {
        out.push_str(&format!(
            "- {}: {}\n",
            escape::markdown(&log.printed_by),
            escape::markdown_code(&log.line)
        ));
    }
}

fn severity_mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✗ error",
        Severity::Incomplete => "? incomplete",
        Severity::Warning => "! warning",
        Severity::Info => "i info",
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Client => "client",
        Role::Intermediate => "intermediate",
        Role::Anchor => "trust anchor",
        Role::Trusted => "trusted",
        Role::Unused => "unused",
    }
}

/// `CN=x` from a full subject, else the subject.
pub fn short_subject(subject: &str) -> String {
    subject
        .split(", ")
        .find(|part| part.starts_with("CN="))
        .map_or_else(|| subject.to_owned(), str::to_owned)
}
