//! The page's explain module: a Web Worker of its own that answers [`Request::Explain`] from
//! the table of known messages (src/messages.rs), loaded when a log line is first pasted. The
//! engine's module then carries only what its reports need of that table.

use mtls_inspector::channel::{ExplainReply, ExplainRequest};

/// Answers one request (only explanations are asked of this module).
fn answer(request: ExplainRequest) -> ExplainReply {
    match request {
        ExplainRequest::Explain { line } => mtls_inspector::channel::explain(line),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let send = move |reply: &ExplainReply| {
        let sent = serde_wasm_bindgen::to_value(reply)
            .ok()
            .and_then(|message| reply_to.post_message(&message).ok());
        if sent.is_none() {
            web_sys::console::error_1(&"mtls-inspector explain worker: cannot answer".into());
        }
    };
    let reply = send.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<ExplainRequest>(event.data()).map(answer) {
                Ok(answered) => reply(&answered),
                Err(error) => web_sys::console::error_1(
                    &format!("mtls-inspector explain worker: unreadable request: {error}").into(),
                ),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    send(&ExplainReply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(ExplainRequest) -> ExplainReply = answer;
    eprintln!("The explain worker runs in the browser: `make serve` builds and serves the page.");
}
