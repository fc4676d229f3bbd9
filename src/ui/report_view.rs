//! Components that render a report: the verdict banner with the per-server matrix, the findings,
//! the handshake, the certificate details. They receive data and callbacks and only render.

use std::rc::Rc;

use mtls_inspector::channel::Explanation;
use mtls_inspector::diagnosis::{Code, Severity};
use mtls_inspector::handshake::{Party, StepState, handshake};
use mtls_inspector::report::{Finding, Report, Verdict, role_name, short_subject};
use mtls_inspector::{Profile, Side};
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub report: Rc<Report>,
}

fn finding_anchor(index: usize) -> String {
    format!("finding-{index}")
}

/// Text whose `code spans` (the report's Markdown) are shown as code, not as backticks.
pub fn rich(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => html! { <code>{ part }</code> },
            _ => html! { { part } },
        })
        .collect()
}

/// An in-page link that also moves the keyboard focus to its target (a fragment link alone
/// leaves focus where it was); targets carry `tabindex="-1"` or are focusable.
pub fn link_to(id: String, content: Html, class: &'static str) -> Html {
    let target = id.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&target))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            element.focus().ok();
        }
    });
    html! { <a {class} href={format!("#{id}")} {onclick}>{ content }</a> }
}

/// The verdict and the per-server matrix; `data-verdict` is empty while nothing is decided.
#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    pub report: Option<Rc<Report>>,
    /// An inspection is running for changed inputs.
    #[prop_or_default]
    pub pending: bool,
}

#[function_component]
pub fn VerdictBanner(props: &VerdictProps) -> Html {
    if props.pending {
        return html! {
            <section class="verdict pending" data-testid="verdict" data-verdict="" data-pending="true" aria-live="polite" aria-busy="true">
                <h2><span class="spinner" aria-hidden="true"></span>{ " Inspecting…" }</h2>
                <p>{ "Parsing and checking every certificate in a background worker; the page stays usable. Large bundles take a moment." }</p>
            </section>
        };
    }
    let Some(report) = &props.report else {
        return html! {
            <section class="verdict undecided" data-testid="verdict" data-verdict="" aria-live="polite">
                <h2>{ "No verdict yet" }</h2>
                <p>{ "Give the client's certificate (and the CAs your server trusts) to see whether the server accepts it." }</p>
            </section>
        };
    };
    let verdict = report.verdict.as_str();
    let (icon, headline) = match report.verdict {
        Verdict::Accepted => (
            "✓",
            "Accepted: every server profile accepts this client certificate",
        ),
        Verdict::Rejected => (
            "✗",
            "Rejected: at least one server profile rejects this client certificate",
        ),
        Verdict::Incomplete => ("?", "Incomplete: not enough to decide yet"),
    };
    let lead = report
        .findings
        .iter()
        .find(|f| matches!(f.severity, Severity::Error | Severity::Incomplete));
    html! {
        <section class={classes!("verdict", verdict)} data-testid="verdict" data-verdict={verdict} aria-live="polite">
            <h2><span class="icon" aria-hidden="true">{ icon }</span>{ " " }{ headline }</h2>
            if let Some(lead) = lead {
                <p class="lead">{ rich(&lead.title) }{ " — " }{ rich(&lead.detail) }</p>
            }
            if report.verdict != Verdict::Accepted {
                <p class="hint">{ link_to("log-line".into(), html! { "Paste the line your server logged" }, "to-explain") }{ " to see what it means." }</p>
            }
            <table class="profiles">
                <caption>{ format!("Per server, at {}", report.validation_time) }</caption>
                <thead><tr><th scope="col">{ "Server" }</th><th scope="col">{ "Verdict" }</th><th scope="col">{ "Why" }</th></tr></thead>
                <tbody>
                { for report.profiles.iter().map(|p| {
                    let mark = match p.verdict {
                        Verdict::Accepted => "✓ accepted",
                        Verdict::Rejected => "✗ rejected",
                        Verdict::Incomplete => "? incomplete",
                    };
                    // The profile that decides for the server whose configuration was given.
                    let configured = report.server.as_ref().filter(|s| s.profile == p.name)
                        .map(|s| format!(" — your {}, as configured{}", s.kind,
                            s.verdict_at_defaults.map(|v| format!(" ({} at its defaults)", v.as_str())).unwrap_or_default()));
                    html! {
                        <tr data-profile={p.name.name()} data-verdict={p.verdict.as_str()} class={p.verdict.as_str()}>
                            <th scope="row">{ p.name.server() }<span class="profile-name">{ format!(" ({})", p.name.name()) }</span>{ configured }</th>
                            <td class="cell-verdict">{ mark }</td>
                            <td>
                                { for p.findings.iter().map(|code| {
                                    let target = report.findings.iter().position(|f| f.code == *code && f.profiles.contains(&p.name));
                                    let title = target.and_then(|i| report.findings.get(i)).map(|f| f.title.clone()).unwrap_or_default();
                                    link_to(finding_anchor(target.unwrap_or(0)),
                                        html! { <>{ rich(&title) }<code>{ code.as_str() }</code></> }, "why")
                                }) }
                                if let Some(reported) = &p.reported {
                                    <span class="reported">{ format!("rustls-webpki: {reported}") }</span>
                                }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </section>
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✗ Error",
        Severity::Incomplete => "? Incomplete",
        Severity::Warning => "! Warning",
        Severity::Info => "i Note",
    }
}

fn evidence(report: &Report, finding: &Finding) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Some(cert) = finding.certificate.and_then(|i| report.certificates.get(i)) {
        rows.push(("Certificate".into(), cert.subject.clone()));
        rows.push(("Issuer".into(), cert.issuer.clone()));
        rows.push((
            "Validity".into(),
            format!("{} → {}", cert.not_before, cert.not_after),
        ));
        if let Some(eku) = &cert.extended_key_usage {
            rows.push(("Extended key usage".into(), eku.join(", ")));
        }
        if let Some(ku) = &cert.key_usage {
            rows.push(("Key usage".into(), ku.join(", ")));
        }
        rows.push(("Key".into(), cert.key.clone()));
        rows.push(("Signature".into(), cert.signature_algorithm.clone()));
    }
    if let Some(location) = &finding.location {
        rows.push(("Where".into(), location.to_string()));
    }
    rows
}

/// Findings of one code shown before a "show more" button.
const SAME_SHOWN: usize = 3;

/// The findings, most important first.
#[function_component]
pub fn Findings(props: &ReportProps) -> Html {
    let report = &props.report;
    // Findings of one code beyond the first few wait behind a button (a trust file repeating a
    // whole store gives one per certificate): the page stays a few screens long.
    let all = use_state(|| false);
    // How many findings each code has, and how many of them have been laid out so far: one
    // pass each (a report of 5,000 unused certificates has 5,000 findings of one code).
    let mut totals = std::collections::HashMap::<Code, usize>::new();
    for f in &report.findings {
        *totals.entry(f.code).or_default() += 1;
    }
    let mut seen = std::collections::HashMap::<Code, usize>::new();
    html! {
        <section class="findings" aria-labelledby="findings-title">
            <h2 id="findings-title">{ format!("Findings ({})", report.findings.len()) }</h2>
            { for report.findings.iter().enumerate().map(|(index, f)| {
                let nth = {
                    let nth = seen.entry(f.code).or_default();
                    *nth += 1;
                    *nth
                };
                let same = totals.get(&f.code).copied().unwrap_or_default();
                if nth > SAME_SHOWN && !*all {
                    return html! {};
                }
                let more = (nth == SAME_SHOWN && same > SAME_SHOWN && !*all).then(|| {
                    let all = all.clone();
                    let onclick = Callback::from(move |_: MouseEvent| all.set(true));
                    html! { <button type="button" class="more" {onclick}>{ format!("Show {} more like this", same - SAME_SHOWN) }</button> }
                });
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Incomplete => "incomplete",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                };
                html! { <>
                    <article id={finding_anchor(index)} class={classes!("finding", severity)} data-code={f.code.as_str()}
                        tabindex="0" aria-labelledby={format!("{}-title", finding_anchor(index))}>
                        <h3 id={format!("{}-title", finding_anchor(index))}>
                            <span class="severity">{ severity_label(f.severity) }</span>
                            { rich(&f.title) }
                            <code>{ f.code.as_str() }</code>
                        </h3>
                        if !f.profiles.is_empty() {
                            <p class="applies">{ format!("Servers: {}", f.profiles.iter().map(|p| p.server()).collect::<Vec<_>>().join(", ")) }</p>
                        }
                        <p>{ rich(&f.detail) }</p>
                        <p class="remedy"><strong>{ "Fix: " }</strong>{ rich(&f.remedy) }</p>
                        if !f.log_lines.is_empty() {
                            <details class="logs">
                                <summary>{ "What the servers log" }</summary>
                                <ul>{ for f.log_lines.iter().map(|l| html! {
                                    <li><span class="who">{ &l.printed_by }</span><code>{ &l.line }</code></li>
                                }) }</ul>
                            </details>
                        }
                        {{
                            let rows = evidence(report, f);
                            if rows.is_empty() { html! {} } else { html! {
                                <details class="evidence">
                                    <summary>{ "Evidence" }</summary>
                                    <dl>{ for rows.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }</dl>
                                </details>
                            } }
                        }}
                    </article>
                    { more }
                </> }
            }) }
        </section>
    }
}

/// The mTLS handshake with the step where this client fails.
#[function_component]
pub fn Handshake(props: &ReportProps) -> Html {
    let steps = handshake(&props.report);
    html! {
        <section class="handshake" aria-labelledby="handshake-title">
            <h2 id="handshake-title">{ "The handshake" }</h2>
            <ol>
            { for steps.iter().map(|step| {
                let (class, mark) = match step.state {
                    StepState::Passes => ("passes", "✓"),
                    StepState::Fails => ("fails", "✗"),
                    StepState::NotReached => ("not-reached", "·"),
                    StepState::Unknown => ("unknown", "?"),
                };
                let from = match step.from { Party::Client => "client → server", Party::Server => "server → client" };
                html! {
                    <li class={class} data-step={step.message} data-state={class}>
                        <span class="mark" aria-hidden="true">{ mark }</span>
                        <strong>{ step.message }</strong>{ " " }<span class="from">{ from }</span>
                        <p>{ step.purpose }</p>
                        if let Some(why) = &step.explanation {
                            <p class="why">{ why }</p>
                        }
                    </li>
                }
            }) }
            </ol>
        </section>
    }
}

/// The CRLs given, what each lists, and how each server uses them.
/// Is a known line printed by this profile's stack (`printed_by` names it: "OpenSSL, nginx
/// ssl_crl", "Java (revocation enabled)", "rustls")?
fn logged_by(profile: Profile, printed_by: &str) -> bool {
    let stack = match profile {
        Profile::Webpki => "rustls",
        Profile::Openssl => "OpenSSL",
        Profile::Nginx => "nginx",
        Profile::Go => "Go",
        Profile::Java => "Java",
    };
    printed_by.contains(stack)
}

#[function_component]
pub fn Revocation(props: &ReportProps) -> Html {
    let report = &props.report;
    if report.crls.is_empty() && report.ocsp_responses.is_empty() {
        return Html::default();
    }
    let revocation_codes = [
        Code::Revoked,
        Code::RevocationStatusUnknown,
        Code::CrlExpired,
        Code::CrlNotYetValid,
        Code::CrlUnusable,
        Code::OcspResponseUnusable,
    ];
    let (crls, ocsp) = (!report.crls.is_empty(), !report.ocsp_responses.is_empty());
    html! {
        <section class="revocation" data-testid="revocation" aria-labelledby="revocation-title">
            <h2 id="revocation-title">{ "Revocation" }</h2>
            if crls {
            <table>
                <thead><tr><th>{ "CRL issuer" }</th><th>{ "Updated" }</th><th>{ "Next update" }</th><th>{ "Lists from this inspection" }</th></tr></thead>
                <tbody>
                { for report.crls.iter().map(|crl| {
                    let state = if crl.expired { " (expired)" } else if crl.not_yet_valid { " (not yet valid)" } else { "" };
                    let listed: Vec<String> = crl.lists.iter().map(|&i| report.label(i)).collect();
                    html! {
                        <tr data-crl-expired={crl.expired.to_string()}>
                            <td>{ short_subject(&crl.issuer) }</td>
                            <td>{ &crl.this_update }</td>
                            <td>{ format!("{}{state}", crl.next_update.clone().unwrap_or_else(|| "none".into())) }</td>
                            <td>{ if listed.is_empty() { format!("none of them ({} entries)", crl.revoked) } else { format!("{} revoked ({} entries)", listed.join(", "), crl.revoked) } }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            }
            if ocsp {
            <table data-testid="ocsp">
                <thead><tr><th>{ "OCSP responder" }</th><th>{ "Status" }</th><th>{ "Updated" }</th><th>{ "Next update" }</th></tr></thead>
                <tbody>
                { for report.ocsp_responses.iter().map(|response| {
                    let text = if response.from_text { " (given as text: signature not checked)" } else { "" };
                    let responder = format!("{}{text}", short_subject(&response.responder));
                    if response.statuses.is_empty() {
                        return html! {
                            <tr><td>{ responder }</td><td>{ format!("error: {}", response.response_status) }</td><td></td><td></td></tr>
                        };
                    }
                    html! { { for response.statuses.iter().map(|status| {
                        let about = status.certificate.map_or_else(|| format!("serial {}", status.serial), |i| report.label(i));
                        let since = status.revoked_at.as_ref().map(|at| format!(" since {at}{}", status.reason.as_deref().map(|r| format!(", {r}")).unwrap_or_default())).unwrap_or_default();
                        html! {
                            <tr data-ocsp-status={status.status.clone()}>
                                <td>{ responder.clone() }</td>
                                <td>{ format!("{about}: {}{since} ({} CertID)", status.status, status.cert_id_hash) }</td>
                                <td>{ &status.this_update }</td>
                                <td>{ status.next_update.clone().unwrap_or_else(|| "none".into()) }</td>
                            </tr>
                        }
                    }) } }
                }) }
                </tbody>
            </table>
            }
            <ul class="policies">
            { for report.profiles.iter().map(|p| {
                let found: Vec<&str> = p.findings.iter().filter(|c| revocation_codes.contains(c)).map(|c| c.as_str()).collect();
                // What each CRL meant to this server: its findings' explanations, and the
                // line its stack logs.
                let why: Vec<&Finding> = report
                    .findings
                    .iter()
                    .filter(|f| revocation_codes.contains(&f.code) && f.profiles.contains(&p.name))
                    .collect();
                // Where its stack took each certificate's status from.
                let sources: Vec<String> = [false, true]
                    .into_iter()
                    .flat_map(|of_ocsp| report.status_sources(p, of_ocsp))
                    .collect();
                html! {
                    <li data-profile={p.name.name()} data-revocation={found.join(" ")}>
                        <strong>{ p.name.server() }</strong>{ ": " }
                        if crls { { p.name.revocation_policy() }{ ". " } }
                        if ocsp { { p.name.ocsp_policy() }{ "." } }
                        if !sources.is_empty() {
                            <ul class="sources">
                            { for sources.iter().map(|source| html! {
                                <li data-source="">{ "Status of " }{ rich(source) }</li>
                            }) }
                            </ul>
                        }
                        if !why.is_empty() {
                            <ul>
                            { for why.iter().map(|f| html! {
                                <li data-code={f.code.as_str()}>
                                    { rich(&f.detail) }
                                    if let Some(line) = f.log_lines.iter().find(|l| logged_by(p.name, &l.printed_by)) {
                                        { " Logged: " }<code>{ &line.line }</code>
                                    }
                                </li>
                            }) }
                            </ul>
                        }
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RequestProps {
    pub report: Option<Rc<Report>>,
    /// The report is for earlier inputs: a new one is on its way.
    pub pending: bool,
    pub text: AttrValue,
    pub on_text: Callback<String>,
}

/// The server's CertificateRequest (pasted `openssl s_client` output) and, per client stack,
/// whether it would send the certificate at all.
#[function_component]
pub fn CertificateRequestPanel(props: &RequestProps) -> Html {
    let on_text = props.on_text.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(area) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            on_text.emit(area.value());
        }
    });
    let report = props.report.as_ref();
    let request = report.and_then(|r| r.certificate_request.as_ref());
    let stacks = report.map(|r| r.client_stacks.clone()).unwrap_or_default();
    // The engine read the text (the page carries no parser): a report without a request for a
    // text that is there means it holds none.
    let unread =
        !props.text.trim().is_empty() && !props.pending && report.is_some() && request.is_none();
    html! {
        <section class="request" data-testid="certificate-request" aria-labelledby="request-title">
            <h2 id="request-title">{ "Will the client even send it?" }</h2>
            <p class="hint">{ "Optional: paste what " }<code>{ "openssl s_client -connect host:port" }</code>
                { " (or " }<code>{ "mtls-inspector probe --format json" }</code>{ ") prints against the server. Its CertificateRequest lists the CA names and signature algorithms the server accepts; Go, Java and browsers send no certificate when the chain does not fit them, and the server then only logs that none was sent." }</p>
            <textarea data-role="certificate-request" aria-label="Paste openssl s_client output"
                placeholder={"Acceptable client certificate CA names\n…\nRequested Signature Algorithms: …"}
                value={props.text.clone()} {oninput} spellcheck="false" />
            if unread {
                <p class="why" data-testid="request-unread">{ "No CertificateRequest in this text (no \"Acceptable client certificate CA names\" or \"Requested Signature Algorithms\" line): did the server ask for a client certificate?" }</p>
            }
            if let Some(request) = request {
                <p class="hint">{ format!("The server lists {} CA name{} and {} signature algorithm{}.",
                    request.ca_names.len(), if request.ca_names.len() == 1 { "" } else { "s" },
                    request.signature_algorithms.len(), if request.signature_algorithms.len() == 1 { "" } else { "s" }) }</p>
                <table class="stacks">
                    <thead><tr><th>{ "Client" }</th><th>{ "Sends the certificate?" }</th></tr></thead>
                    <tbody>
                    { for stacks.iter().map(|s| html! {
                        <tr data-stack={s.name.clone()} data-sends={if s.sends { "true" } else { "false" }}>
                            <td>{ &s.label }</td>
                            <td class={if s.sends && s.codes.is_empty() { "accepted" } else { "rejected" }}>{ &s.why }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    pub message: AttrValue,
    /// The page's report: a diagnosis it holds links to its finding.
    pub report: Option<Rc<Report>>,
    /// The engine's matches for `message`; `None` until they arrive.
    pub found: Option<Rc<Vec<Explanation>>>,
    pub on_message: Callback<String>,
}

/// "Explain a log line": paste what a server printed, get the diagnoses and checks.
#[function_component]
pub fn ExplainLogLine(props: &ExplainProps) -> Html {
    let found: &[Explanation] = props.found.as_deref().map_or(&[], Vec::as_slice);
    let on_message = props.on_message.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        use wasm_bindgen::JsCast as _;
        if let Some(area) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            on_message.emit(area.value());
        }
    });
    html! {
        <section class="explain" aria-labelledby="explain-title" data-testid="explain">
            <h2 id="explain-title">{ "Explain a log line" }</h2>
            <textarea id="log-line" data-role="log-line" aria-label="Paste a log line a server or client printed"
                placeholder="e.g. client SSL certificate verify error: (26:unsupported certificate purpose)"
                value={props.message.clone()} {oninput} spellcheck="false" />
            if !props.message.trim().is_empty() && props.found.as_ref().is_some_and(|f| f.is_empty()) {
                <p class="hint" data-testid="explain-none">{ "No known message matches; inspect the certificates above." }</p>
            }
            { for found.iter().map(|known| html! {
                <article class="known" data-codes={known.codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" ")}>
                    <h3>{ known.printed_by.clone() }</h3>
                    <p>{ rich(&known.meaning) }</p>
                    if !known.codes.is_empty() {
                        <p>{ "Possible diagnoses: " }{ for known.codes.iter().map(|c| {
                            let here = props.report.as_ref().and_then(|r| r.findings.iter().position(|f| f.code == *c));
                            let code = html! { <code>{ c.as_str() }</code> };
                            html! { <>{ match here {
                                Some(index) => link_to(finding_anchor(index), html! { <>{ code }{ " (found here)" }</> }, "found-here"),
                                None => code,
                            } }{ " " }</> }
                        }) }</p>
                    }
                    <p class="remedy"><strong>{ "Check: " }</strong>{ rich(&known.checks) }</p>
                    <p class="confirmed">{ format!("Wording confirmed against: {}", known.confirmed) }</p>
                </article>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub report: Rc<Report>,
    pub index: Option<usize>,
    pub on_copy: Callback<String>,
}

/// Every field of one certificate; keys only as "private key (type) — matches".
#[function_component]
pub fn CertificateDetails(props: &DetailsProps) -> Html {
    let report = &props.report;
    let index = props.index.or_else(|| report.chain.first().copied());
    let Some(cert) = index.and_then(|i| report.certificates.get(i)) else {
        return html! {};
    };
    let on_copy = props.on_copy.clone();
    let pem = cert.pem.clone();
    let rows: Vec<(&str, String)> = vec![
        ("Subject", cert.subject.clone()),
        ("Issuer", cert.issuer.clone()),
        (
            "Role",
            format!(
                "{} ({} input)",
                role_name(cert.role),
                match cert.side {
                    Side::Client => "client",
                    Side::Trust => "trust",
                }
            ),
        ),
        ("Serial", cert.serial.clone()),
        ("Valid from", cert.not_before.clone()),
        ("Valid until", cert.not_after.clone()),
        ("Key", cert.key.clone()),
        ("Signature", cert.signature_algorithm.clone()),
        ("Version", format!("v{}", cert.version)),
        (
            "Self-signed",
            match (cert.self_signed, cert.self_issued) {
                (Some(true), _) => "yes".into(),
                (None, true) if cert.side == mtls_inspector::Side::Trust => {
                    "self-issued (no server checks a trusted CA's own signature, nor does this tool)".into()
                }
                (None, true) => "self-issued (its signature is not checked off the chain)".into(),
                (Some(false), true) => "no: its own key does not verify its signature".into(),
                (_, false) => "no".into(),
            },
        ),
        ("SHA-256", cert.sha256.clone()),
        ("SHA-1", cert.sha1.clone()),
        ("From", cert.source.to_string()),
    ];
    let is_client = report.chain.first() == Some(&cert.index);
    html! {
        <section class="details" aria-labelledby="details-title" data-testid="details">
            <h2 id="details-title">{ format!("Certificate: {}", short_subject(&cert.subject)) }</h2>
            <dl class="fields">
                { for rows.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
            </dl>
            <h3>{ format!("Extensions ({})", cert.extensions.len()) }</h3>
            <table class="extensions">
                <thead><tr><th scope="col">{ "Extension" }</th><th scope="col">{ "Critical" }</th><th scope="col">{ "Value" }</th></tr></thead>
                <tbody>
                { for cert.extensions.iter().map(|e| html! {
                    <tr>
                        <td>{ &e.name }{ if e.name != e.oid { html! { <span class="oid">{ format!(" {}", e.oid) }</span> } } else { html! {} } }</td>
                        <td>{ if e.critical { "critical" } else { "no" } }</td>
                        <td class="value">{ &e.value }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if is_client {
                { for report.private_keys.iter().map(|k| {
                    let matches = match k.matches_client_certificate {
                        Some(true) => "matches the client certificate",
                        Some(false) => "does NOT match the client certificate",
                        None => "could not be compared",
                    };
                    html! { <p class="key" data-testid="private-key">{ format!("Private key ({}) — {matches}", k.algorithm) }</p> }
                }) }
            }
            <button onclick={Callback::from(move |_| on_copy.emit(pem.clone()))}>{ "Copy as PEM" }</button>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::samples::SAMPLES;
    use crate::ui::state::{Action, State};

    const NOW: i64 = 1_780_315_200;

    fn report(sample: usize) -> Rc<Report> {
        let mut state = State::default();
        state.apply(Action::LoadExample(&SAMPLES[sample]));
        Rc::new(state.inspect(NOW).unwrap())
    }

    fn render<C: BaseComponent>(props: C::Properties) -> String {
        futures::executor::block_on(yew::LocalServerRenderer::<C>::with_props(props).render())
    }

    #[test]
    fn the_banner_carries_the_page_hooks() {
        let html = render::<VerdictBanner>(VerdictProps {
            report: Some(report(2)),
            pending: false,
        });
        assert!(html.contains(r#"data-testid="verdict""#));
        assert!(html.contains(r#"data-verdict="rejected""#));
        for profile in ["webpki", "openssl", "nginx"] {
            assert!(
                html.contains(&format!(r#"data-profile="{profile}""#)),
                "{profile}"
            );
        }
        assert!(html.contains("client_auth_eku_missing"));
        let undecided = render::<VerdictBanner>(VerdictProps {
            report: None,
            pending: false,
        });
        assert!(undecided.contains(r#"data-verdict="""#));
        let pending = render::<VerdictBanner>(VerdictProps {
            report: Some(report(2)),
            pending: true,
        });
        assert!(pending.contains(r#"data-verdict="""#) && pending.contains("Inspecting"));
        assert!(undecided.contains(r#"data-verdict="""#));
    }

    #[test]
    fn findings_carry_their_codes_and_fixes() {
        let html = render::<Findings>(ReportProps { report: report(3) });
        assert!(html.contains(r#"data-code="expired""#));
        assert!(html.contains("Fix: "));
        assert!(html.contains("Example Legacy Issuing CA"));
    }

    #[test]
    fn revocation_shows_each_crl_and_each_servers_policy() {
        let mut with_crl = (*report(0)).clone();
        let without = render::<Revocation>(ReportProps {
            report: Rc::new(with_crl.clone()),
        });
        assert!(!without.contains("data-testid"), "{without}");
        with_crl.crls.push(mtls_inspector::report::CrlEntry {
            issuer: "O=Example, CN=Example Issuing CA".into(),
            this_update: "2026-05-01T00:00:00Z".into(),
            next_update: Some("2026-05-08T00:00:00Z".into()),
            revoked: 3,
            source: with_crl.certificates[0].source.clone(),
            expired: true,
            not_yet_valid: false,
            lists: vec![with_crl.chain[0]],
            pem: String::new(),
        });
        with_crl.findings.push(Finding {
            code: Code::CrlUnusable,
            severity: Severity::Error,
            certificate: Some(with_crl.chain[0]),
            profiles: vec![Profile::Openssl, Profile::Nginx],
            title: "A CRL cannot be used".into(),
            detail: "The CRL does not cover it (different CRL scope).".into(),
            remedy: String::new(),
            location: None,
            log_lines: vec![mtls_inspector::report::LogLine {
                printed_by: "OpenSSL, nginx ssl_crl".into(),
                line: "client SSL certificate verify error: (44:different CRL scope)".into(),
            }],
        });
        // Java took the client's status from it.
        let client = with_crl.chain[0];
        if let Some(java) = with_crl
            .profiles
            .iter_mut()
            .find(|p| p.name == Profile::Java)
        {
            java.revocation = vec![mtls_inspector::report::StatusSource {
                certificate: client,
                crl: Some(0),
                ocsp: None,
            }];
        }
        let html = render::<Revocation>(ReportProps {
            report: Rc::new(with_crl),
        });
        let java = html
            .split(r#"data-profile="java""#)
            .nth(1)
            .unwrap_or_default();
        assert!(
            java.contains("Status of <code>")
                && java.contains("the CRL of <code>CN=Example Issuing CA</code>"),
            "{java}"
        );
        assert_eq!(html.matches("data-source").count(), 1, "{html}");
        // Each server that refuses the CRL says why, and the line it logs; the others do not.
        let nginx = html
            .split(r#"data-profile="nginx""#)
            .nth(1)
            .and_then(|rest| rest.split("data-profile=").next())
            .unwrap_or_default();
        assert!(nginx.contains("(different CRL scope)."), "{nginx}");
        assert!(
            nginx.contains(
                "<code>client SSL certificate verify error: (44:different CRL scope)</code>"
            ),
            "{nginx}"
        );
        let go = html
            .split(r#"data-profile="go""#)
            .nth(1)
            .unwrap_or_default();
        assert!(
            !go.split("data-profile=")
                .next()
                .unwrap_or_default()
                .contains("different CRL scope")
        );
        assert!(html.contains(r#"data-crl-expired="true""#));
        assert!(html.contains("(expired)"));
        assert!(html.contains("revoked (3 entries)"));
        for profile in ["webpki", "openssl", "nginx", "go", "java"] {
            assert!(
                html.contains(&format!(r#"data-profile="{profile}""#)),
                "{profile}"
            );
        }
        assert!(html.contains("never checks CRLs"));
    }

    #[test]
    fn the_handshake_marks_the_failing_step() {
        let html = render::<Handshake>(ReportProps { report: report(1) });
        assert!(html.contains(r#"data-state="fails""#));
        assert!(html.contains("this is where it stops"));
    }

    #[test]
    fn details_show_a_key_only_as_its_type_and_match() {
        let report = report(0);
        let html = render::<CertificateDetails>(DetailsProps {
            report: report.clone(),
            index: None,
            on_copy: Callback::noop(),
        });
        assert!(html.contains("Private key (EC P-256) — matches the client certificate"));
        assert!(!html.contains("PRIVATE KEY"));
        assert!(html.contains("SHA-256"));
        assert!(html.contains("extendedKeyUsage"));
    }
}
