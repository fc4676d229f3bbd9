//! The engine's Web Worker: a module of its own (no Yew), loaded by the page through the loader
//! Trunk writes for it. It answers each [`Request`] with a [`Reply`], both passed through
//! serde-wasm-bindgen, and announces itself with [`Reply::Ready`].

use mtls_inspector::channel::{Reply, Request};
use mtls_inspector::report::Report;

/// Answers one request; `latest` is the report that exports are made from.
fn answer(request: Request, latest: &Option<Report>) -> Reply {
    match request {
        Request::Inspect(inspection) => inspection.answer(),
        // The page's explain module answers these (src/explain_worker.rs): the engine module
        // does not carry the table's explanations.
        Request::Explain { line } => Reply::Explained {
            line,
            found: Vec::new(),
        },
        Request::Export { format, copy } => Reply::Export {
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
    let send = move |reply: &Reply| {
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
            match serde_wasm_bindgen::from_value::<Request>(event.data()) {
                Ok(request) => {
                    let answered = answer(request, &latest);
                    reply(&answered);
                    if let Reply::Report { report, .. } = answered {
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
    send(&Reply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(Request, &Option<Report>) -> Reply = answer;
    eprintln!("The engine's worker runs in the browser: `make serve` builds and serves the page.");
}
