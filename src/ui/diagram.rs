//! The trust chain drawn as SVG, and the validity timeline. Layout is computed by plain functions
//! (tested natively); the components only render it.

use std::rc::Rc;

use mtls_inspector::Side;
use mtls_inspector::diagnosis::{Code, Severity, format_time};
use mtls_inspector::report::{LinkState, Report, Role, Validity, short_subject};
use yew::prelude::*;

const WIDTH: i32 = 780;
const BOX_W: i32 = 250;
const BOX_H: i32 = 66;
const ROW: i32 = 104;
const CENTER_X: i32 = 265;
const RIGHT_X: i32 = 525;
const LEFT_X: i32 = 8;
/// Widths in em, by [`width`]'s table, that fit inside a box: its title (14 px bold, after a
/// mark) and its other lines (12 px regular, which the bold table overestimates by about 1.3:
/// measured in Chromium, "trust anchor (server's) · EC P-256" is 200 px of the 230 available);
/// checked in Chromium on wide names (tests/e2e).
const TITLE_EMS: usize = 15;
const LINE_EMS: usize = 24;
/// Boxes drawn at most; a 10,000-certificate bundle stays a readable picture.
const MAX_DRAWN: usize = 40;

/// What a box stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A certificate of the report.
    Certificate(usize),
    /// The issuer the chain needs but nobody supplied.
    Missing { issuer: String },
}

/// A box of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub kind: NodeKind,
    pub x: i32,
    pub y: i32,
    pub title: String,
    pub role: String,
    pub detail: String,
    /// A rule fails on this certificate.
    pub failing: bool,
    pub trusted: bool,
}

/// An edge "subject was signed by issuer".
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub state: EdgeState,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EdgeState {
    Verified,
    NameOnly,
    Fails,
    Missing,
}

/// The computed picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Edge>,
    pub height: i32,
    /// Trusted CAs not drawn.
    pub collapsed: Vec<usize>,
    /// Client certificates outside the chain that did not fit.
    pub unused_hidden: usize,
}

/// A character's width in hundredths of an em, rounded up for bold sans-serif faces (DejaVu
/// Sans Bold, the widest common default). The page cannot measure text before drawing it, and
/// no crate knows the browser's font: this is a deliberately pessimistic table.
fn width(c: char) -> usize {
    match c {
        'W' | 'M' | 'm' | 'w' | '@' | '%' | '—' | '…' => 108,
        'i' | 'l' | 'j' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 42,
        'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 55,
        'a'..='z' => 72,
        'A'..='Z' | '0'..='9' | '=' | '+' | '#' | '&' | '_' | '·' | '?' => 86,
        c if c.is_ascii() => 86,
        _ => 108,
    }
}

/// `text` cut (with "…") to at most `ems` em at the drawing's font size.
fn truncate(text: &str, ems: usize) -> String {
    let budget = ems * 100;
    if text.chars().map(width).sum::<usize>() <= budget {
        return text.to_owned();
    }
    let mut used = width('…');
    let mut cut: String = text
        .chars()
        .take_while(|&c| {
            used += width(c);
            used <= budget
        })
        .collect();
    cut.push('…');
    cut
}

fn validity_words(report: &Report, index: usize) -> String {
    let Some(cert) = report.certificates.get(index) else {
        return String::new();
    };
    let date = |t: &str| t.get(..10).unwrap_or(t).to_owned();
    match cert.validity {
        Validity::Valid => format!("valid until {}", date(&cert.not_after)),
        Validity::Expired => format!("✗ EXPIRED {}", date(&cert.not_after)),
        Validity::NotYetValid => format!("✗ NOT YET VALID (from {})", date(&cert.not_before)),
    }
}

/// The first error found on this certificate, in words.
fn failure(report: &Report, index: usize) -> Option<String> {
    report
        .findings
        .iter()
        .find(|f| {
            f.severity == Severity::Error && f.certificate == Some(index) && !f.profiles.is_empty()
        })
        .map(|f| f.title.replace('`', ""))
}

fn failing(report: &Report, index: usize) -> bool {
    failure(report, index).is_some()
}

fn role_label(report: &Report, index: usize) -> String {
    let Some(cert) = report.certificates.get(index) else {
        return String::new();
    };
    let role = match cert.role {
        Role::Client => "client certificate",
        Role::Intermediate => "intermediate CA",
        Role::Anchor => "trust anchor (server's)",
        Role::Trusted => "trusted CA, not in this chain",
        Role::Unused => "not part of the chain",
    };
    format!("{role} · {}", cert.key)
}

fn position_of_in(chain: &[usize], index: usize) -> Option<usize> {
    chain.iter().position(|&c| c == index)
}

fn node(report: &Report, index: usize, x: i32, y: i32) -> NodeBox {
    let cert = report.certificates.get(index);
    NodeBox {
        kind: NodeKind::Certificate(index),
        x,
        y,
        title: cert.map(|c| short_subject(&c.subject)).unwrap_or_default(),
        role: role_label(report, index),
        detail: validity_words(report, index),
        failing: failing(report, index),
        trusted: cert.is_some_and(|c| c.side == Side::Trust),
    }
}

/// Lays the report out: the chain in the middle (anchor on top), candidate issuers that are not
/// in the chain on the right, client certificates outside the chain on the left, a missing issuer
/// as a dashed box, and every other trusted CA collapsed.
pub fn layout(report: &Report) -> Layout {
    let mut nodes: Vec<NodeBox> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let chain = &report.chain;
    let last = chain.last().copied();
    let missing = last.and_then(|last| {
        report
            .findings
            .iter()
            .find(|f| f.code == Code::IssuerNotFound && f.certificate == Some(last))
            .and_then(|_| report.certificates.get(last))
            .map(|c| c.issuer.clone())
    });
    // Candidate issuers outside the chain: those competing with the top of the chain go above
    // it (beside a missing issuer), the others to the right of the issuer they compete with.
    let alternatives: Vec<(usize, usize)> = report
        .links
        .iter()
        .filter(|l| !chain.contains(&l.issuer))
        .filter_map(|l| position_of_in(chain, l.subject).map(|depth| (depth, l.issuer)))
        .collect();
    let top_depth = chain.len().saturating_sub(1);
    let above = missing.is_some() || alternatives.iter().any(|(d, _)| *d == top_depth);
    let offset = i32::from(above);
    let rows = i32::try_from(chain.len()).unwrap_or(0) + offset;
    let row_y = |row: i32| 12 + row * ROW;
    let mut top_x = CENTER_X;
    if let Some(issuer) = &missing {
        nodes.push(NodeBox {
            kind: NodeKind::Missing {
                issuer: issuer.clone(),
            },
            x: top_x,
            y: row_y(0),
            title: short_subject(issuer),
            role: "missing: nobody supplied this issuer".into(),
            detail: "add it to the client bundle".into(),
            failing: true,
            trusted: false,
        });
        top_x = RIGHT_X;
    }
    // The chain, client at the bottom.
    for (depth, &index) in chain.iter().enumerate() {
        let row = rows - 1 - i32::try_from(depth).unwrap_or(0);
        nodes.push(node(report, index, CENTER_X, row_y(row)));
    }
    let node_of = |nodes: &[NodeBox], index: usize| {
        nodes
            .iter()
            .position(|n| n.kind == NodeKind::Certificate(index))
    };
    if let (Some(_), Some(from)) = (&missing, last.and_then(|l| node_of(&nodes, l))) {
        edges.push(Edge {
            from,
            to: 0,
            label: "issuer not found".into(),
            state: EdgeState::Missing,
        });
    }
    let mut stacked: Vec<i32> = vec![0; usize::try_from(rows.max(1)).unwrap_or(1)];
    for (depth, issuer) in alternatives {
        if node_of(&nodes, issuer).is_some() {
            continue;
        }
        let row = (rows - 2 - i32::try_from(depth).unwrap_or(0)).max(0);
        let slot = usize::try_from(row).unwrap_or(0);
        let stack = stacked.get(slot).copied().unwrap_or(0);
        if let Some(count) = stacked.get_mut(slot) {
            *count += 1;
        }
        let x = if depth == top_depth { top_x } else { RIGHT_X };
        nodes.push(node(
            report,
            issuer,
            x + stack * 14,
            row_y(row) + stack * 12,
        ));
        if depth == top_depth {
            top_x = RIGHT_X;
        }
    }
    // Client-side certificates outside the chain, on the left (a few; the rest are counted).
    let mut left_row = rows - 1;
    let mut unused_hidden = 0;
    for cert in &report.certificates {
        if cert.side == Side::Client
            && !chain.contains(&cert.index)
            && node_of(&nodes, cert.index).is_none()
        {
            if left_row < 0 || nodes.len() >= MAX_DRAWN {
                unused_hidden += 1;
                continue;
            }
            nodes.push(node(report, cert.index, LEFT_X, row_y(left_row)));
            left_row -= 1;
        }
    }
    // Every link between drawn certificates.
    for link in &report.links {
        let (Some(from), Some(to)) = (node_of(&nodes, link.subject), node_of(&nodes, link.issuer))
        else {
            continue;
        };
        let state = match link.state {
            LinkState::Verified => EdgeState::Verified,
            LinkState::NameMatchOnly => EdgeState::NameOnly,
            LinkState::SignatureFails => EdgeState::Fails,
        };
        let label = match state {
            EdgeState::Verified => "signed by ✓",
            EdgeState::NameOnly => "name matches (signature not checked)",
            EdgeState::Fails => "✗ same name, signature fails",
            EdgeState::Missing => "",
        };
        edges.push(Edge {
            from,
            to,
            label: label.into(),
            state,
        });
    }
    let collapsed = report
        .certificates
        .iter()
        .filter(|c| c.side == Side::Trust && node_of(&nodes, c.index).is_none())
        .map(|c| c.index)
        .collect();
    let bottom = nodes.iter().map(|n| n.y).max().unwrap_or(0);
    Layout {
        nodes,
        edges,
        height: bottom + BOX_H + 16,
        collapsed,
        unused_hidden,
    }
}

impl Layout {
    /// The drawn area only, so that a short chain is drawn large.
    pub fn view_box(&self) -> String {
        let (left, width) = self.horizontal();
        format!("{left} 0 {width} {}", self.height)
    }

    /// Where the picture starts, and its width (drawn one unit to a pixel: text keeps its size).
    pub fn horizontal(&self) -> (i32, i32) {
        let left = self.nodes.iter().map(|n| n.x).min().unwrap_or(0) - 8;
        let right = self
            .nodes
            .iter()
            .map(|n| n.x + BOX_W)
            .max()
            .unwrap_or(WIDTH)
            + 8;
        // Edge labels sit to the right of the chain column.
        let right = right.clamp(CENTER_X + BOX_W + 120, WIDTH + 40);
        (left, right - left)
    }
}

/// Does the drawing need more than the diagram's column beside the details (then the details
/// go below it, rather than the drawing scroll or shrink its text)?
pub fn is_wide(report: &Report) -> bool {
    layout(report).horizontal().1 > 600
}

#[derive(Properties, PartialEq)]
pub struct ChainDiagramProps {
    pub report: Rc<Report>,
    pub selected: Option<usize>,
    pub on_select: Callback<Option<usize>>,
    pub show_all_trusted: bool,
    pub on_toggle_trusted: Callback<()>,
}

/// The chain diagram.
#[function_component]
pub fn ChainDiagram(props: &ChainDiagramProps) -> Html {
    let layout = layout(&props.report);
    if layout.nodes.is_empty() {
        return html! {};
    }
    let center = |n: &NodeBox| (n.x + BOX_W / 2, n.y + BOX_H / 2);
    let edges = layout.edges.iter().filter_map(|edge| {
        let (from, to) = (layout.nodes.get(edge.from)?, layout.nodes.get(edge.to)?);
        let (fx, _) = center(from);
        let (tx, _) = center(to);
        let (x1, y1, x2, y2) = if from.x == to.x {
            (fx, from.y, tx, to.y + BOX_H)
        } else if to.x > from.x {
            (from.x + BOX_W, from.y + 14, to.x, to.y + BOX_H - 14)
        } else {
            (from.x, from.y + 14, to.x + BOX_W, to.y + BOX_H - 14)
        };
        let class = match edge.state {
            EdgeState::Verified => "edge verified",
            EdgeState::NameOnly => "edge name-only",
            EdgeState::Fails => "edge fails",
            EdgeState::Missing => "edge missing",
        };
        Some(html! {
            <g class={class}>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                    marker-end="url(#arrow)" />
                <text x={((x1 + x2) / 2 + 6).to_string()} y={((y1 + y2) / 2 + 4).to_string()}>{ edge.label.clone() }</text>
            </g>
        })
    });
    let nodes = layout.nodes.iter().map(|n| {
        let index = match n.kind {
            NodeKind::Certificate(i) => Some(i),
            NodeKind::Missing { .. } => None,
        };
        let selected = index.is_some() && index == props.selected;
        let class = classes!(
            "node",
            n.failing.then_some("failing"),
            n.trusted.then_some("trusted"),
            selected.then_some("selected"),
            index.is_none().then_some("missing")
        );
        let on_select = props.on_select.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
        let on_select = props.on_select.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_select.emit(index);
            }
        });
        // What the box shows, cut to fit it; the full name and why it fails in its accessible
        // name (which begins with the text shown), the full name on hover, the certificate's
        // details on a click.
        let mark = if n.failing { "✗ " } else if n.trusted { "★ " } else { "" };
        let (title, role) = (truncate(&n.title, TITLE_EMS), truncate(&n.role, LINE_EMS));
        let detail = truncate(&n.detail, LINE_EMS);
        let fails = index.and_then(|i| failure(&props.report, i));
        let label = format!(
            "{mark}{title} {role} {detail}. {}{}{}",
            if selected { "Selected. " } else { "" },
            n.title,
            fails.as_ref().map(|f| format!(": fails, {f}")).unwrap_or_default(),
        );
        html! {
            <g class={class} {onclick} {onkeydown} tabindex="0" role="button" aria-label={label}
                aria-pressed={selected.to_string()} data-index={index.map(|i| i.to_string())}>
                <title>{ &n.title }</title>
                <rect x={n.x.to_string()} y={n.y.to_string()} width={BOX_W.to_string()} height={BOX_H.to_string()} rx="8" />
                <text class="title" x={(n.x + 10).to_string()} y={(n.y + 21).to_string()}>{ mark }{ title }{ " " }</text>
                <text class="role" x={(n.x + 10).to_string()} y={(n.y + 40).to_string()}>{ role }{ " " }</text>
                <text class="detail" x={(n.x + 10).to_string()} y={(n.y + 57).to_string()}>{ detail }</text>
            </g>
        }
    });
    let on_toggle = props.on_toggle_trusted.clone();
    // Those the report only counts are listed by the engine when they are to be shown.
    let unlisted = props.report.unlisted_trusted;
    let others = layout.collapsed.len() + unlisted;
    html! {
        <section class="diagram" aria-labelledby="diagram-title">
            <h2 id="diagram-title">{ "Trust chain" }</h2>
            <p class="legend">{ "Client at the bottom, the server's trust anchor (★) on top. ✗ marks where a rule fails; click a certificate for its details." }</p>
            <div class="drawing">
            <svg viewBox={layout.view_box()} width={layout.horizontal().1.to_string()} height={layout.height.to_string()}
                role="group" aria-label="Diagram of the certificate chain" data-testid="chain-diagram">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { for edges }
                { for nodes }
            </svg>
            </div>
            if layout.unused_hidden > 0 {
                <p class="legend">{ format!("…and {} more client certificates that are not part of this chain (listed among the findings).", layout.unused_hidden) }</p>
            }
            if others > 0 {
                <div class="collapsed">
                    <button onclick={Callback::from(move |_| on_toggle.emit(()))} aria-expanded={props.show_all_trusted.to_string()}>
                        { format!("{others} other trusted CAs, not used by this chain — {}", if props.show_all_trusted { "hide" } else { "show" }) }
                    </button>
                    if props.show_all_trusted {
                        <ul class="trusted-list" aria-busy={(unlisted > 0).to_string()}>
                            { for layout.collapsed.iter().filter_map(|&i| props.report.certificates.get(i)).map(|c| {
                                let on_select = props.on_select.clone();
                                let index = c.index;
                                html! { <li><button class="link" onclick={Callback::from(move |_| on_select.emit(Some(index)))}>{ short_subject(&c.subject) }</button></li> }
                            }) }
                            if unlisted > 0 {
                                <li class="hint">{ format!("Listing {unlisted} more…") }</li>
                            }
                        </ul>
                    }
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub report: Rc<Report>,
}

/// Each certificate's validity as a bar on a time axis, the validation time marked.
#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let report = &props.report;
    let mut shown: Vec<usize> = report.chain.clone();
    for cert in &report.certificates {
        if cert.side == Side::Client && !shown.contains(&cert.index) {
            shown.push(cert.index);
        }
    }
    let certs: Vec<_> = shown
        .iter()
        .filter_map(|&i| report.certificates.get(i))
        .collect();
    if certs.is_empty() {
        return html! {};
    }
    let time = report.validation_timestamp;
    let start = certs
        .iter()
        .map(|c| c.not_before_timestamp)
        .min()
        .unwrap_or(time)
        .min(time);
    let end = certs
        .iter()
        .map(|c| c.not_after_timestamp)
        .max()
        .unwrap_or(time)
        .max(time);
    // Integer arithmetic only: formatting floats would weigh on the page for nothing.
    let span = (end - start).max(1);
    let (left, right) = (230i64, i64::from(WIDTH) - 20);
    let x = |t: i64| left + (t - start).saturating_mul(right - left) / span;
    let row_h = 30;
    let height = 40 + row_h * i32::try_from(certs.len()).unwrap_or(0);
    let date = |t: i64| format_time(t).get(..10).unwrap_or_default().to_owned();
    html! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{ "Validity" }</h2>
            <div class="drawing" tabindex="0" role="region" aria-label="Validity timeline">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} width={WIDTH.to_string()} height={height.to_string()}
                role="img" data-testid="timeline"
                aria-label="Validity periods of the certificates and the validation time">
                { for certs.iter().enumerate().map(|(row, c)| {
                    let y = 24 + row_h * i32::try_from(row).unwrap_or(0);
                    let class = match c.validity {
                        Validity::Valid => "bar valid",
                        Validity::Expired => "bar expired",
                        Validity::NotYetValid => "bar not-yet-valid",
                    };
                    let (x1, x2) = (x(c.not_before_timestamp), x(c.not_after_timestamp));
                    let width = (x2 - x1).max(2);
                    let state = match c.validity {
                        Validity::Valid => "",
                        Validity::Expired => " ✗ expired",
                        Validity::NotYetValid => " ✗ not yet valid",
                    };
                    html! {
                        <g class={class}>
                            <text class="label" x="4" y={(y + 14).to_string()}>{ format!("{}{state}", truncate(&short_subject(&c.subject), 12)) }</text>
                            <rect x={x1.to_string()} y={y.to_string()} width={width.to_string()} height="18" rx="3">
                                <title>{ format!("{}: {} → {}", c.subject, c.not_before, c.not_after) }</title>
                            </rect>
                        </g>
                    }
                }) }
                <line class="now" x1={x(time).to_string()} x2={x(time).to_string()} y1="14" y2={height.to_string()} />
                <text class="now-label" x={(x(time) + 4).to_string()} y="12">{ format!("validation time {}", date(time)) }</text>
                <text class="axis" x={left.to_string()} y={(height - 2).to_string()}>{ date(start) }</text>
                <text class="axis end" x={right.to_string()} y={(height - 2).to_string()} text-anchor="end">{ date(end) }</text>
            </svg>
            </div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::samples::SAMPLES;
    use crate::ui::state::{Action, State};

    const NOW: i64 = 1_780_315_200;

    fn report(sample: usize) -> Report {
        let mut state = State::default();
        state.apply(Action::LoadExample(&SAMPLES[sample]));
        state.inspect(NOW).unwrap()
    }

    #[test]
    fn a_good_chain_is_three_boxes_with_two_verified_edges() {
        let layout = layout(&report(0));
        assert_eq!(layout.nodes.len(), 3);
        assert_eq!(layout.edges.len(), 2);
        assert!(layout.edges.iter().all(|e| e.state == EdgeState::Verified));
        // Anchor on top.
        assert!(layout.nodes[2].y < layout.nodes[0].y);
        assert!(layout.nodes[2].trusted);
    }

    #[test]
    fn a_missing_intermediate_is_drawn_as_a_dashed_box() {
        let layout = layout(&report(1));
        assert!(matches!(layout.nodes[0].kind, NodeKind::Missing { .. }));
        assert!(layout.nodes[0].title.contains("Example Issuing CA"));
        assert!(layout.edges.iter().any(|e| e.state == EdgeState::Missing));
        // The root is trusted but unused by this chain: collapsed.
        assert_eq!(layout.collapsed.len(), 1);
    }

    #[test]
    fn a_drawing_with_certificates_beside_the_chain_takes_the_whole_width() {
        assert!(!is_wide(&report(0)));
        // A second client certificate, outside the chain, is drawn in a column of its own.
        let mut state = State::default();
        state.apply(Action::LoadExample(&SAMPLES[0]));
        let other = SAMPLES[2].client;
        state.apply(Action::Paste(
            crate::ui::state::Role::Client,
            format!("{}{other}", SAMPLES[0].client),
        ));
        assert!(is_wide(&state.inspect(NOW).unwrap()));
    }

    #[test]
    fn names_are_cut_to_the_width_of_their_box() {
        assert_eq!(truncate("CN=alice", TITLE_EMS), "CN=alice");
        let wide = truncate(&"W".repeat(40), TITLE_EMS);
        assert!(wide.ends_with('…'));
        assert!(wide.chars().map(width).sum::<usize>() <= TITLE_EMS * 100);
        // Narrow letters fit more of them than wide ones.
        assert!(truncate(&"i".repeat(40), TITLE_EMS).len() > wide.len());
    }

    #[test]
    fn a_same_name_root_shows_its_failing_signature() {
        let layout = layout(&report(4));
        assert!(layout.edges.iter().any(|e| e.state == EdgeState::Fails));
    }
}
