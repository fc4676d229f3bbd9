//! The page's OCSP module: a Web Worker of its own that reads OCSP responses (RustCrypto's
//! x509-ocsp, with its own DER and certificate types; or the text `openssl ocsp -resp_text`
//! prints of one), started by the engine's worker the
//! first time an inspection has one (src/worker.rs). The engine's module then carries none of
//! that reader (~40 KB gzipped, measured), which most inspections never need.

use mtls_inspector::channel::{ReadReply, read_ocsp};

#[cfg(target_arch = "wasm32")]
fn main() {
    mtls_inspector::channel::serve("ocsp", ReadReply::Ready, read_ocsp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(mtls_inspector::channel::UnlockRequest) -> ReadReply = read_ocsp;
    eprintln!("The OCSP worker runs in the browser: `make serve` builds and serves the page.");
}
