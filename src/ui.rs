//! The page (first version): two inputs, the verdict, the per-profile matrix, the chain and the
//! findings. All state lives in one reducer; components only render. The engine runs in wasm in
//! this tab: no byte of input leaves the browser.

use std::rc::Rc;

use mtls_inspector::report::{Report, Verdict, role_name, short_subject};
use mtls_inspector::{Input, Options, Side, inspect};
use wasm_bindgen::JsCast as _;
use web_sys::{DragEvent, Event, File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// One file the user gave.
#[derive(Clone, PartialEq)]
struct FileInput {
    side: Side,
    name: String,
    bytes: Rc<Vec<u8>>,
}

/// Everything the page knows.
#[derive(Clone, PartialEq, Default)]
struct State {
    client_paste: String,
    trust_paste: String,
    files: Vec<FileInput>,
    /// The validation time chosen by the user, else now.
    time: Option<i64>,
}

enum Action {
    Paste(Side, String),
    AddFile(FileInput),
    RemoveFile(usize),
    Clear,
    SetTime(Option<i64>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Paste(Side::Client, text) => next.client_paste = text,
            Action::Paste(Side::Trust, text) => next.trust_paste = text,
            Action::AddFile(file) => next.files.push(file),
            Action::RemoveFile(index) => {
                if index < next.files.len() {
                    next.files.remove(index);
                }
            }
            Action::Clear => {
                next.client_paste.clear();
                next.trust_paste.clear();
                next.files.clear();
            }
            Action::SetTime(time) => next.time = time,
        }
        Rc::new(next)
    }
}

impl State {
    fn has_client_input(&self) -> bool {
        !self.client_paste.trim().is_empty() || self.files.iter().any(|f| f.side == Side::Client)
    }

    fn inspect(&self, now: i64) -> Option<Report> {
        if !self.has_client_input() {
            return None;
        }
        let mut inputs: Vec<Input<'_>> = Vec::new();
        if !self.client_paste.trim().is_empty() {
            inputs.push(Input {
                side: Side::Client,
                name: "client paste",
                bytes: self.client_paste.as_bytes(),
            });
        }
        if !self.trust_paste.trim().is_empty() {
            inputs.push(Input {
                side: Side::Trust,
                name: "trust paste",
                bytes: self.trust_paste.as_bytes(),
            });
        }
        for file in &self.files {
            inputs.push(Input {
                side: file.side,
                name: &file.name,
                bytes: &file.bytes,
            });
        }
        Some(inspect(&inputs, &Options::at(self.time.unwrap_or(now))))
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Reads `?at=<RFC 3339>` from the page's URL.
fn time_from_query() -> Option<i64> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let at = params.get("at")?;
    time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn read_files(side: Side, files: Vec<File>, dispatcher: UseReducerDispatcher<State>) {
    for file in files {
        let dispatcher = dispatcher.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let blob = gloo_file::Blob::from(file);
            if let Ok(bytes) = gloo_file::futures::read_as_bytes(&blob).await {
                dispatcher.dispatch(Action::AddFile(FileInput {
                    side,
                    name,
                    bytes: Rc::new(bytes),
                }));
            }
        });
    }
}

fn file_list(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[derive(Properties, PartialEq)]
struct InputPanelProps {
    side: Side,
    title: AttrValue,
    hint: AttrValue,
    paste: AttrValue,
    files: Vec<(usize, FileInput)>,
    on_paste: Callback<String>,
    on_files: Callback<Vec<File>>,
    on_remove: Callback<usize>,
}

#[function_component]
fn InputPanel(props: &InputPanelProps) -> Html {
    let role = match props.side {
        Side::Client => "client",
        Side::Trust => "trust",
    };
    let dragging = use_state(|| false);
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let on_files = props.on_files.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            on_files.emit(file_list(e.data_transfer().and_then(|d| d.files())));
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                on_files.emit(file_list(input.files()));
                input.set_value("");
            }
        })
    };
    let oninput = {
        let on_paste = props.on_paste.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                on_paste.emit(area.value());
            }
        })
    };
    let input_id = format!("file-{role}");
    html! {
        <section class={classes!("panel", (*dragging).then_some("dragging"))}
            data-role={role} {ondragover} {ondragleave} {ondrop}>
            <h2>{ props.title.clone() }</h2>
            <p class="hint">{ props.hint.clone() }</p>
            <label class="picker" for={input_id.clone()}>{ "Choose files…" }</label>
            <input id={input_id} type="file" multiple=true data-role={role} {onchange} />
            <textarea data-role={role} aria-label={format!("Paste {role} PEM")}
                placeholder="…or paste PEM here" value={props.paste.clone()} {oninput} />
            <ul class="files">
                { for props.files.iter().map(|(index, file)| {
                    let index = *index;
                    let on_remove = props.on_remove.clone();
                    html! {
                        <li>
                            { format!("{} ({} bytes) ", file.name, file.bytes.len()) }
                            <button onclick={Callback::from(move |_| on_remove.emit(index))}
                                aria-label={format!("Remove {}", file.name)}>{ "remove" }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReportViewProps {
    report: Option<Rc<Report>>,
}

#[function_component]
fn ReportView(props: &ReportViewProps) -> Html {
    let Some(report) = &props.report else {
        return html! {
            <section class="verdict" data-testid="verdict" data-verdict="">
                { "Give the client's certificate to see the verdict." }
            </section>
        };
    };
    let verdict = report.verdict.as_str();
    let headline = match report.verdict {
        Verdict::Accepted => "✓ Accepted: every server profile accepts this client certificate",
        Verdict::Rejected => "✗ Rejected: at least one server profile rejects it",
        Verdict::Incomplete => "? Incomplete: nothing to decide on yet",
    };
    html! {
        <>
        <section class={classes!("verdict", verdict)} data-testid="verdict" data-verdict={verdict}>
            <h2>{ headline }</h2>
            <table class="profiles">
                <tr>{ for report.profiles.iter().map(|p| html! { <th>{ p.name.server() }</th> }) }</tr>
                <tr>{ for report.profiles.iter().map(|p| html! {
                    <td data-profile={p.name.name()} data-verdict={p.verdict.as_str()}
                        class={p.verdict.as_str()}>
                        <strong>{ p.verdict.as_str() }</strong>
                        <br />
                        { p.findings.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ") }
                    </td>
                }) }</tr>
            </table>
        </section>
        if !report.chain.is_empty() {
            <section class="chain">
                <h2>{ "Chain" }</h2>
                <ol>
                    { for report.chain.iter().filter_map(|&i| report.certificates.get(i)).map(|c| html! {
                        <li data-index={c.index.to_string()}>
                            <span class="role">{ role_name(c.role) }</span>
                            { " " }<strong>{ short_subject(&c.subject) }</strong>
                            { format!(" — {}, until {}", c.key, c.not_after) }
                        </li>
                    }) }
                </ol>
            </section>
        }
        <section class="findings">
            <h2>{ "Findings" }</h2>
            { for report.findings.iter().map(|f| html! {
                <article class={classes!("finding", format!("{:?}", f.severity).to_lowercase())}
                    data-code={f.code.as_str()}>
                    <h3>{ &f.title }<code>{ f.code.as_str() }</code></h3>
                    <p>{ &f.detail }</p>
                    <p class="remedy"><strong>{ "Fix: " }</strong>{ &f.remedy }</p>
                    if !f.log_lines.is_empty() {
                        <details>
                            <summary>{ "What servers log" }</summary>
                            <ul>{ for f.log_lines.iter().map(|l| html! {
                                <li><em>{ l.printed_by }</em>{ ": " }<code>{ l.line }</code></li>
                            }) }</ul>
                        </details>
                    }
                </article>
            }) }
        </section>
        </>
    }
}

fn datetime_local(time: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(time)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn parse_datetime_local(text: &str) -> Option<i64> {
    let with_seconds = if text.len() == 16 {
        format!("{text}:00Z")
    } else {
        format!("{text}Z")
    };
    time::OffsetDateTime::parse(
        &with_seconds,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
    .map(|t| t.unix_timestamp())
}

#[function_component]
fn App() -> Html {
    let state = use_reducer(|| State {
        time: time_from_query(),
        ..State::default()
    });
    let now = *use_state(now);
    let report = {
        let state = state.clone();
        use_memo((*state).clone(), move |s| s.inspect(now).map(Rc::new))
    };
    let dispatcher = state.dispatcher();
    let panel = |side: Side, title: &'static str, hint: &'static str| {
        let paste = match side {
            Side::Client => state.client_paste.clone(),
            Side::Trust => state.trust_paste.clone(),
        };
        let files: Vec<(usize, FileInput)> = state
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.side == side)
            .map(|(i, f)| (i, f.clone()))
            .collect();
        let d1 = dispatcher.clone();
        let d2 = dispatcher.clone();
        let d3 = dispatcher.clone();
        html! {
            <InputPanel {side} title={title} hint={hint} paste={paste} files={files}
                on_paste={Callback::from(move |text| d1.dispatch(Action::Paste(side, text)))}
                on_files={Callback::from(move |files| read_files(side, files, d2.clone()))}
                on_remove={Callback::from(move |i| d3.dispatch(Action::RemoveFile(i)))} />
        }
    };
    let on_time = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                dispatcher.dispatch(Action::SetTime(parse_datetime_local(&input.value())));
            }
        })
    };
    let on_clear = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(Action::Clear))
    };
    html! {
        <main>
            <header>
                <h1>{ "mtls-inspector" }</h1>
                <p>{ "Why was this client certificate rejected? Everything runs in this tab: \
                      nothing you give it leaves your browser." }</p>
            </header>
            <div class="inputs">
                { panel(Side::Client, "Client certificate (what the client sends)",
                    "Certificate, intermediates, optionally its private key: PEM, DER or PKCS#7.") }
                { panel(Side::Trust, "Server trust (the CAs your server trusts)",
                    "e.g. the file of nginx ssl_client_certificate; CRLs too.") }
            </div>
            <div class="controls">
                <label>{ "Validation time (UTC) " }
                    <input type="datetime-local" data-role="validation-time"
                        value={datetime_local(state.time.unwrap_or(now))} onchange={on_time} />
                </label>
                <button onclick={on_clear}>{ "Clear all" }</button>
            </div>
            <ReportView report={(*report).clone()} />
        </main>
    }
}

/// Shows an error panel instead of a blank page if anything panics.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("mtls-inspector stopped unexpectedly: {info}");
        web_sys::console::error_1(&message.clone().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let (Ok(panel), Some(body)) = (document.create_element("div"), document.body()) {
            panel.set_class_name("panic");
            panel.set_attribute("role", "alert").ok();
            panel.set_text_content(Some(&format!(
                "{message}\nReload the page to start again. Please report this."
            )));
            body.prepend_with_node_1(&panel).ok();
        }
    }));
}

pub fn start() {
    install_panic_hook();
    yew::Renderer::<App>::new().render();
}
