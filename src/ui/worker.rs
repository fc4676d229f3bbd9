//! The engine in a Web Worker. The page's own module, started by `static/engine-worker.js`
//! outside a window, runs [`start`]: it answers `{id, time, passwords, s_client, inputs:
//! [{side, name, bytes}]}` with
//! the report in the compact `wire` form (a transferred `Uint8Array`). Announces itself with "ready" (messages sent earlier would be lost).

use mtls_inspector::inspect::borrow_inputs;
use mtls_inspector::{Options, Side, inspect};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

fn field(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Runs one inspection request.
fn handle(request: &JsValue) -> Vec<u8> {
    let id = field(request, "id").as_f64().unwrap_or(0.0) as u32;
    let time = field(request, "time").as_f64().unwrap_or(0.0) as i64;
    let files: Vec<(Side, String, Vec<u8>)> = js_sys::Array::from(&field(request, "inputs"))
        .iter()
        .map(|item| {
            let side = match field(&item, "side").as_string().as_deref() {
                Some("trust") => Side::Trust,
                _ => Side::Client,
            };
            let name = field(&item, "name").as_string().unwrap_or_default();
            let bytes = js_sys::Uint8Array::new(&field(&item, "bytes")).to_vec();
            (side, name, bytes)
        })
        .collect();
    let passwords: Vec<String> = js_sys::Array::from(&field(request, "passwords"))
        .iter()
        .filter_map(|p| p.as_string())
        .collect();
    let inputs = borrow_inputs(&files);
    let s_client = field(request, "s_client").as_string().unwrap_or_default();
    let options = Options {
        passwords,
        certificate_request: mtls_inspector::request::CertificateRequest::from_s_client(&s_client),
        ..Options::at(time)
    };
    mtls_inspector::wire::encode(id, &inspect(&inputs, &options))
}

/// Serves inspection requests in this worker.
pub fn start() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let answer = js_sys::Uint8Array::from(handle(&event.data()).as_slice());
            let transfer = js_sys::Array::of1(&answer.buffer());
            if reply
                .post_message_with_transfer(&answer, &transfer)
                .is_err()
            {
                web_sys::console::error_1(&"mtls-inspector worker: cannot answer".into());
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    if scope.post_message(&JsValue::from_str("ready")).is_err() {
        web_sys::console::error_1(&"mtls-inspector worker: cannot announce itself".into());
    }
}
