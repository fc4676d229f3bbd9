//! The page's YAML module: a Web Worker of its own that reads Envoy configurations' YAML
//! (yaml-rust2, into the tree of src/server/envoy.rs), started by the engine's worker the first
//! time an inspection has one (src/worker.rs). The engine's module then carries no YAML parser
//! (~12 KB gzipped, measured), which most inspections never need.

use mtls_inspector::channel::{ReadReply, read_yaml};

#[cfg(target_arch = "wasm32")]
fn main() {
    mtls_inspector::channel::serve("yaml", ReadReply::Ready, read_yaml);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(mtls_inspector::channel::UnlockRequest) -> ReadReply = read_yaml;
    eprintln!("The YAML worker runs in the browser: `make serve` builds and serves the page.");
}
