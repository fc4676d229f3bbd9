//! The engine's Web Worker: a module of its own (no Yew), loaded by the page through the loader
//! Trunk writes for it. It answers each request with a reply, both passed through
//! serde-wasm-bindgen as the page's `Request` and `Reply` (the explain module answers
//! explanations: [`EngineRequest`] and [`EngineReply`] leave them out), and announces itself
//! with `Ready`.

use mtls_inspector::channel::{EngineReply, EngineRequest};
use mtls_inspector::report::Report;

/// Answers one request; `latest` is the report that exports are made from.
fn answer(request: EngineRequest, latest: &Option<Report>) -> EngineReply {
    match request {
        EngineRequest::Inspect(inspection) => EngineReply::Report {
            id: inspection.id,
            report: Box::new(inspection.report()),
        },
        EngineRequest::Export { format, copy } => EngineReply::Export {
            format,
            copy,
            text: latest.as_ref().map(|r| format.of(r)).unwrap_or_default(),
        },
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let send = move |reply: &EngineReply| {
        let sent = serde_wasm_bindgen::to_value(reply)
            .ok()
            .and_then(|message| reply_to.post_message(&message).ok());
        if sent.is_none() {
            web_sys::console::error_1(&"mtls-inspector worker: cannot answer".into());
        }
    };
    let reply = send.clone();
    let mut latest = None;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<EngineRequest>(event.data()) {
                Ok(request) => {
                    let answered = answer(request, &latest);
                    reply(&answered);
                    if let EngineReply::Report { report, .. } = answered {
                        latest = Some(*report);
                    }
                }
                Err(error) => web_sys::console::error_1(
                    &format!("mtls-inspector worker: unreadable request: {error}").into(),
                ),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    send(&EngineReply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(EngineRequest, &Option<Report>) -> EngineReply = answer;
    eprintln!("The engine's worker runs in the browser: `make serve` builds and serves the page.");
}
