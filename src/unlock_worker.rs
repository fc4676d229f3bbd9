//! The page's unlock module: a Web Worker of its own that opens protected parts of inputs
//! (PKCS#12 files, encrypted keys, Java keystores) with the given passwords, started by the
//! engine's worker the first time an inspection has such a part (src/worker.rs). The ciphers,
//! key derivations and container readers are then in this module only.

use mtls_inspector::channel::{UnlockReply, unlock};

#[cfg(target_arch = "wasm32")]
fn main() {
    mtls_inspector::channel::serve("unlock", UnlockReply::Ready, unlock);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest.
    let _: fn(mtls_inspector::channel::UnlockRequest) -> UnlockReply = unlock;
    eprintln!("The unlock worker runs in the browser: `make serve` builds and serves the page.");
}
