//! "Your server": the user the client logs in as, and what the configured server does with this
//! client — its deciding settings, the files it names, the identity it derives, what it logs and
//! what the client is told (the report's [`ServerReport`]).

use std::rc::Rc;

use mtls_inspector::report::{Report, ServerReport};
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ServerProps {
    pub report: Option<Rc<Report>>,
    pub user: AttrValue,
    pub on_user: Callback<String>,
}

#[function_component]
pub fn ServerOutcome(props: &ServerProps) -> Html {
    let on_user = props.on_user.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            on_user.emit(input.value());
        }
    });
    let server = props.report.as_ref().and_then(|r| r.server.as_ref());
    html! {
        <div class="server-outcome" data-testid="server">
            <label>{ "User the client logs in as (PostgreSQL): " }
                <input data-role="user" value={props.user.clone()} {oninput} autocomplete="off" spellcheck="false" />
            </label>
            if let Some(server) = server {
                { outcome(server) }
            }
        </div>
    }
}

fn outcome(server: &ServerReport) -> Html {
    let code = |label: &str, text: &Option<String>| -> Html {
        match text {
            Some(text) => html! { <p>{ label }<code>{ text }</code></p> },
            None => Html::default(),
        }
    };
    html! {
        <>
            <h3>{ format!("{} as configured (the {} profile decides with these settings)", server.kind, server.profile.name()) }</h3>
            if !server.settings.is_empty() {
            <table class="settings">
                <thead><tr><th>{ "Setting" }</th><th>{ "Value" }</th><th>{ "Where" }</th></tr></thead>
                <tbody>{ for server.settings.iter().map(|s| html! {
                    <tr><td>{ &s.name }</td><td>{ &s.value }</td>
                        <td>{ if s.line == 0 { "default".to_owned() } else { s.location() } }</td></tr>
                }) }</tbody>
            </table>
            }
            <ul class="named-files">{ for server.files.iter().map(|f| html! {
                <li>{ format!("{}: {}{}", f.value, f.name,
                    if f.file.is_empty() { " — not given here".to_owned() } else { format!(" — given as {}", f.file) }) }</li>
            }) }</ul>
            if !server.identity.is_empty() {
                <dl class="identity">{ for server.identity.iter().map(|f| html! {
                    <><dt>{ &f.name }</dt><dd>{ &f.value }</dd></>
                }) }</dl>
            }
            if !server.verify_errors.is_empty() {
                <p>{ "OpenSSL's verify errors, in order: " }{ server.verify_errors.join("; ") }</p>
            }
            { code("The server logs: ", &server.log_line) }
            { code("The client is told: ", &server.client_sees) }
            if !server.problems.is_empty() {
                <ul class="problems">{ for server.problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            }
        </>
    }
}
