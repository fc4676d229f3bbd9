//! The page's unlock module: a Web Worker of its own that opens protected parts of inputs
//! (PKCS#12 files, encrypted keys, Java keystores) with the given passwords, started by the
//! engine's worker the first time an inspection has such a part (src/worker.rs). The ciphers,
//! key derivations and container readers are then in this module only.

use mtls_inspector::channel::{UnlockReply, UnlockRequest};

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let send = move |reply: &UnlockReply| {
        let sent = serde_wasm_bindgen::to_value(reply)
            .ok()
            .and_then(|message| reply_to.post_message(&message).ok());
        if sent.is_none() {
            web_sys::console::error_1(&"mtls-inspector unlock worker: cannot answer".into());
        }
    };
    let reply = send.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<UnlockRequest>(event.data()) {
                Ok(request) => reply(&mtls_inspector::channel::unlock(request)),
                Err(error) => web_sys::console::error_1(
                    &format!("mtls-inspector unlock worker: unreadable request: {error}").into(),
                ),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    send(&UnlockReply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(UnlockRequest) -> UnlockReply = mtls_inspector::channel::unlock;
    eprintln!("The unlock worker runs in the browser: `make serve` builds and serves the page.");
}
