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
    mtls_inspector::channel::serve("explain", ExplainReply::Ready, answer);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(ExplainRequest) -> ExplainReply = answer;
    eprintln!("The explain worker runs in the browser: `make serve` builds and serves the page.");
}
