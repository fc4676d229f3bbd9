//! The page: mounts the Yew app. Built for wasm32 by Trunk; on other targets it only says so.

#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
fn main() {
    ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The page is built for the browser: run `make serve`. The command-line tool is `mtls-inspector`."
    );
}
