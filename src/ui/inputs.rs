//! The two inputs: drop zone, file picker and paste, with what was found in each file.

use std::rc::Rc;

use mtls_inspector::diagnosis::Code;
use mtls_inspector::report::{InputSummary, Report};
use wasm_bindgen::JsCast as _;
use web_sys::{DragEvent, Event, File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::state::{FileInput, Role};

/// "3 certificates, 1 private key, 1 CRL" (or "nothing readable").
pub fn found_words(summary: &InputSummary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if summary.certificates > 0 {
        parts.push(plural(summary.certificates, "certificate", "certificates"));
    }
    if summary.private_keys > 0 {
        parts.push(plural(summary.private_keys, "private key", "private keys"));
    }
    if summary.crls > 0 {
        parts.push(plural(summary.crls, "CRL", "CRLs"));
    }
    if summary.ocsp_responses > 0 {
        parts.push(plural(
            summary.ocsp_responses,
            "OCSP response",
            "OCSP responses",
        ));
    }
    if summary.problems > 0 {
        parts.push(plural(
            summary.problems,
            "unreadable part",
            "unreadable parts",
        ));
    }
    if parts.is_empty() {
        "nothing readable".into()
    } else {
        parts.join(", ")
    }
}

/// Problems listed under a file at most; the rest are among the findings.
const PROBLEMS_SHOWN: usize = 5;

fn files_of(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[derive(Properties, PartialEq)]
pub struct InputPanelProps {
    pub role: Role,
    pub title: AttrValue,
    pub hint: AttrValue,
    pub paste: AttrValue,
    pub paste_name: AttrValue,
    pub files: Vec<FileInput>,
    pub report: Option<Rc<Report>>,
    pub on_paste: Callback<String>,
    pub on_files: Callback<Vec<File>>,
    pub on_remove: Callback<u32>,
}

/// One input: a drop zone with a visible "Choose files" button (the file input itself is
/// hidden: it would be an invisible Tab stop), a paste area, and the list of files with what
/// each held and its located problems.
#[function_component]
pub fn InputPanel(props: &InputPanelProps) -> Html {
    let role = props.role.name();
    let picker = use_node_ref();
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
            on_files.emit(files_of(e.data_transfer().and_then(|d| d.files())));
        })
    };
    let open_picker = {
        let picker = picker.clone();
        Callback::from(move |_: ()| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                on_files.emit(files_of(input.files()));
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
    let found_in = |name: &str| {
        let report = props.report.as_ref()?;
        if props.role == Role::Server {
            let server = report.server.as_ref();
            let read = server.is_some_and(|s| {
                s.settings
                    .iter()
                    .chain(&s.ignored)
                    .any(|setting| setting.file == name)
            });
            return Some(match (read, server) {
                (true, Some(server)) => format!("read as {}'s configuration", server.kind),
                _ => "nothing this tool reads".to_owned(),
            });
        }
        report
            .inputs
            .iter()
            .find(|i| i.name == name)
            .map(found_words)
    };
    // A file's problems in block order, the first few only: a file that repeats a trust store
    // 139 times would otherwise list thousands of lines (every one is among the findings).
    let problems_of = |name: &str| -> (Vec<String>, usize) {
        let mut located: Vec<_> = props
            .report
            .iter()
            .flat_map(|r| &r.findings)
            .filter_map(|f| Some((f.location.as_ref().filter(|l| l.source == name)?, f)))
            .collect();
        let more = located.len().saturating_sub(PROBLEMS_SHOWN);
        let mut shown = Vec::new();
        // The first few in block order, picked one by one (a sort would weigh more on the page).
        while shown.len() < PROBLEMS_SHOWN
            && let Some(first) = (0..located.len()).min_by_key(|&i| located[i].0.block)
        {
            let (l, f) = located.swap_remove(first);
            shown.push(format!("{l}: {} — {}", f.title, f.detail).replace('`', ""));
        }
        (shown, more)
    };
    let open_click = {
        let open_picker = open_picker.clone();
        Callback::from(move |_: MouseEvent| open_picker.emit(()))
    };
    let heading_id = format!("{role}-title");
    let pasted = if props.role == Role::Server {
        "configuration"
    } else {
        "PEM"
    };
    let entries: Vec<(Option<u32>, String, usize)> = {
        let mut list: Vec<(Option<u32>, String, usize)> = props
            .files
            .iter()
            .map(|f| (Some(f.id), f.name.clone(), f.bytes.len()))
            .collect();
        if !props.paste.trim().is_empty() {
            list.insert(0, (None, props.paste_name.to_string(), props.paste.len()));
        }
        list
    };
    html! {
        <section class={classes!("panel", "dropzone", (*dragging).then_some("dragging"))}
            data-role={role} aria-labelledby={heading_id.clone()}
            {ondragover} {ondragleave} {ondrop}>
            <h2 id={heading_id}>{ props.title.clone() }</h2>
            <p class="hint">{ props.hint.clone() }</p>
            <p class="drop-hint">
                <button type="button" class="choose" data-role={role} onclick={open_click}
                    aria-label={format!("Choose files ({role})")}>{ "Choose files" }</button>
                { " or drop them here" }
            </p>
            <input ref={picker} type="file" multiple=true data-role={role} hidden=true tabindex="-1" {onchange} />
            <textarea data-role={role} aria-label={format!("Paste the {role} {pasted} here")}
                placeholder={format!("…or paste {pasted} here")} value={props.paste.clone()} {oninput} spellcheck="false" />
            if !entries.is_empty() {
                <ul class="files" aria-label={format!("{role} inputs")}>
                    { for entries.into_iter().map(|(id, name, bytes)| {
                        let found = found_in(&name).unwrap_or_else(|| "not inspected yet".into());
                        let (problems, more) = problems_of(&name);
                        let on_remove = props.on_remove.clone();
                        let on_paste = props.on_paste.clone();
                        let remove = Callback::from(move |_: MouseEvent| match id {
                            Some(id) => on_remove.emit(id),
                            None => on_paste.emit(String::new()),
                        });
                        html! {
                            <li data-file={name.clone()}>
                                <span class="file-name">{ &name }</span>
                                <span class="found">{ format!(" — {found} ({})", mtls_inspector::diagnosis::size_words(bytes)) }</span>
                                <button type="button" class="remove" onclick={remove} aria-label={format!("Remove {name}")}>{ "remove" }</button>
                                if !problems.is_empty() {
                                    <ul class="problems">{ for problems.into_iter().map(|p| html! { <li>{ p }</li> }) }
                                        if more > 0 { <li>{ format!("…and {more} more, among the findings.") }</li> }
                                    </ul>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PasswordPromptProps {
    pub report: Option<Rc<Report>>,
    /// How many passwords the user has given so far.
    pub given: usize,
    pub on_password: Callback<String>,
    pub on_forget: Callback<()>,
}

/// Asks for a password, only while some input needs one: the protected files are named, a wrong
/// password is said to be wrong (by its finding), and the field empties after each try.
#[function_component]
pub fn PasswordPrompt(props: &PasswordPromptProps) -> Html {
    let field = use_node_ref();
    let protected: Vec<(String, bool)> = props
        .report
        .as_ref()
        .map(|r| {
            let mut list: Vec<(String, bool)> = Vec::new();
            for finding in &r.findings {
                let wrong = finding.code == Code::WrongPassword;
                let asks = wrong
                    || matches!(
                        finding.code,
                        Code::Pkcs12NeedsPassword | Code::EncryptedPrivateKey
                    );
                let Some(location) = finding.location.as_ref().filter(|_| asks) else {
                    continue;
                };
                if !list.iter().any(|(name, _)| *name == location.source) {
                    list.push((location.source.clone(), wrong));
                }
            }
            list
        })
        .unwrap_or_default();
    if protected.is_empty() && props.given == 0 {
        return Html::default();
    }
    let onsubmit = {
        let (field, on_password) = (field.clone(), props.on_password.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = field.cast::<HtmlInputElement>() {
                on_password.emit(input.value());
                input.set_value("");
            }
        })
    };
    let forget = {
        let on_forget = props.on_forget.clone();
        Callback::from(move |_: MouseEvent| on_forget.emit(()))
    };
    html! {
        <section class="passwords" data-testid="password-prompt" aria-label="Passwords for protected files">
            if !protected.is_empty() {
                <p>{ "Protected by a password: " }
                    { for protected.iter().map(|(name, wrong)| html! {
                        <span class="protected-file" data-file={name.clone()}>
                            { name }{ if *wrong { " (the passwords given do not open it)" } else { "" } }
                        </span>
                    }) }
                </p>
                <form {onsubmit}>
                    <label>{ "Password: " }
                        <input ref={field} type="password" data-role="password" autocomplete="off" />
                    </label>
                    <button type="submit" data-testid="unlock">{ "Open" }</button>
                </form>
            }
            <p class="hint">{ "A password is used only in this tab, to decrypt; it is never stored, exported or put in a link. Each one given is tried on every protected file." }</p>
            if props.given > 0 {
                <p class="hint">{ format!("{} password{} given. ", props.given, if props.given == 1 { "" } else { "s" }) }
                    <button type="button" class="link" data-testid="forget-passwords" onclick={forget}>{ "Forget them" }</button>
                </p>
            }
        </section>
    }
}
