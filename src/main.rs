//! The page's entry point: mounts the Yew app (`src/ui`). Built for the browser by Trunk; the
//! components also build natively so that their tests render them with yew's `ssr`.

mod ui;

#[cfg(target_arch = "wasm32")]
fn main() {
    ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The app is only mounted in a browser; naming it keeps the native build honest about it.
    let _mount: fn() = ui::start;
    eprintln!(
        "The page runs in the browser: `make serve` builds and serves it. The command-line tool is `mtls-inspector`."
    );
}
