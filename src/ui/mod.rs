//! The page. All state lives in one reducer (`state`); components receive data and callbacks
//! and only render (`inputs`, `report_view`, `diagram`). Browser APIs are used here, in
//! callbacks: reading files, the clock, the URL, downloads and the clipboard. The engine runs
//! in this tab: no byte of input leaves the browser, nothing is stored.

mod diagram;
mod inputs;
mod report_view;
pub mod samples;
mod server;
pub mod state;

use std::rc::Rc;

use mtls_inspector::Side;
use wasm_bindgen::JsCast as _;
use web_sys::{Event, File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use diagram::{ChainDiagram, Timeline};
use inputs::{InputPanel, PasswordPrompt};
use report_view::{
    CertificateDetails, CertificateRequestPanel, ExplainLogLine, Findings, Handshake, Revocation,
    VerdictBanner,
};
use samples::SAMPLES;
use server::ServerOutcome;
use state::{Action, CLIENT_PASTE, Role, SERVER_PASTE, State, TRUST_PASTE};

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// `?at=<RFC 3339>` from the page's URL.
fn time_from_query() -> Option<i64> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    parse_rfc3339(&params.get("at")?)
}

fn parse_rfc3339(text: &str) -> Option<i64> {
    mtls_inspector::rfc3339::parse(text)
}

/// The value of a `datetime-local` control (UTC here), to the second.
fn datetime_local(time: i64) -> String {
    mtls_inspector::rfc3339::format(time)
        .map(|text| text.trim_end_matches('Z').to_owned())
        .unwrap_or_default()
}

fn parse_datetime_local(text: &str) -> Option<i64> {
    let text = if text.len() == 16 {
        format!("{text}:00")
    } else {
        text.to_owned()
    };
    parse_rfc3339(&format!("{text}Z"))
}

fn read_files(role: Role, files: Vec<File>, ahead: Ahead) {
    for file in files {
        let ahead = ahead.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let blob = gloo_file::Blob::from(file);
            match gloo_file::futures::read_as_bytes(&blob).await {
                Ok(bytes) => ahead.dispatch(Action::AddFile {
                    role,
                    name,
                    bytes: Rc::new(bytes),
                }),
                Err(error) => {
                    web_sys::console::error_1(&format!("cannot read {name}: {error}").into())
                }
            }
        });
    }
}

/// Dispatches actions whose inspection is asked for before the page is drawn again: the
/// inputs they make are worked out from those of the latest drawing, and the engine's worker
/// starts on them at once (in the effect that asks after each drawing, the request left the
/// page's thread ~20 ms later, a file dropped beside a shown report). The action itself is
/// then held back from drawing (see [`Dispatcher::hold`]). The effect stays the judge: it asks
/// again if the inputs drawn are not those asked for (another action came between), and a
/// report is shown only for the latest request.
#[derive(Clone)]
struct Ahead {
    /// The page's state as last drawn, with the actions dispatched ahead since.
    state: Rc<std::cell::RefCell<State>>,
    now: i64,
    engine: Slot,
    latest: Rc<std::cell::RefCell<(u32, Option<RequestKey>)>>,
    dispatcher: Dispatcher,
}

impl Ahead {
    fn dispatch(&self, action: Action) {
        let asked = {
            let mut state = self.state.borrow_mut();
            state.apply(action.clone());
            state.has_client_input() && {
                let key = RequestKey::of(&state, self.now);
                next_request(&self.latest, &key).is_some_and(|id| {
                    ask(
                        &self.engine,
                        &request(id, key.time, &state, state.show_all_trusted),
                    )
                })
            }
        };
        if !asked {
            self.dispatcher.dispatch(action);
        } else if self.dispatcher.hold(action) {
            self.dispatcher.release_later();
        }
    }
}

/// How long an action asked for ahead is held back from drawing at most, in milliseconds:
/// long enough for the engine's answer about the system trust store on an ordinary machine
/// (35-60 ms measured here), short enough not to be seen as a wait.
const HOLD_MS: i32 = 100;

/// The page's dispatcher: Yew's (`reducer`), and the actions held back from drawing, which it
/// hands on first whenever another action comes (so that the state sees every action in the
/// order it came).
#[derive(Clone)]
struct Dispatcher {
    reducer: Rc<dyn Fn(Action)>,
    held: Rc<std::cell::RefCell<Vec<Action>>>,
}

impl Dispatcher {
    fn new(
        reducer: UseReducerDispatcher<State>,
        held: Rc<std::cell::RefCell<Vec<Action>>>,
    ) -> Self {
        Self {
            reducer: Rc::new(move |action| reducer.dispatch(action)),
            held,
        }
    }

    fn dispatch(&self, action: Action) {
        self.release();
        (self.reducer)(action);
    }

    /// Keeps `action`, whose inspection was asked for, from the page until its report comes
    /// ([`Dispatcher::release`] then, in the same task as the report: one drawing shows both),
    /// another action comes, or [`HOLD_MS`] pass (the timer is the caller's, started when this
    /// says the action is the first held). Drawing the file and the pending verdict first took
    /// the page's thread 35-45 ms (Yew's drawing, then Chromium's style, layout and paint)
    /// while the worker inspected, on a 2-core machine in each other's way, and the report then
    /// waited for that drawing to end.
    fn hold(&self, action: Action) -> bool {
        let mut held = self.held.borrow_mut();
        held.push(action);
        held.len() == 1
    }

    /// Hands on the actions held, in their order.
    fn release(&self) {
        let held = std::mem::take(&mut *self.held.borrow_mut());
        for action in held {
            (self.reducer)(action);
        }
    }

    /// Releases the actions held in [`HOLD_MS`] (at once if no timer can be set). A timer left
    /// from an earlier hold may release a later one sooner: harmless.
    fn release_later(&self) {
        let this = self.clone();
        let task = wasm_bindgen::closure::Closure::once_into_js(move || this.release());
        let set = web_sys::window().map(|window| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(
                task.unchecked_ref(),
                HOLD_MS,
            )
        });
        if !matches!(set, Some(Ok(_))) {
            self.release();
        }
    }
}

/// The id of a new request for the inputs `key`, recorded as the latest; `None` if they are
/// those of the latest request already.
fn next_request(
    latest: &std::cell::RefCell<(u32, Option<RequestKey>)>,
    key: &RequestKey,
) -> Option<u32> {
    let mut latest = latest.borrow_mut();
    if latest.1.as_ref() == Some(key) {
        return None;
    }
    latest.0 += 1;
    latest.1 = Some(key.clone());
    Some(latest.0)
}

/// Offers `text` as a file download, made in the page (a blob: URL, nothing sent anywhere).
fn download(name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    web_sys::Url::revoke_object_url(&url).ok();
}

fn copy_to_clipboard(text: String) {
    if let Some(window) = web_sys::window() {
        let promise = window.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
                web_sys::console::warn_1(&"the clipboard refused the text".into());
            }
        });
    }
}

/// The page's address without its fragment.
fn address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// Share links are compressed in the page; a link's payload may not inflate beyond this.
const MAX_SHARED_BYTES: usize = 16 * 1024 * 1024;

/// Runs bytes through the browser's deflate-raw (de)compression, reading at most `limit` bytes
/// of output. The input goes in 4 KiB at a time, each piece only once the output before it has
/// been read (deflate inflates at most about 1,032 times, so a piece gives at most about
/// 4 MiB), and everything stops the moment the output passes the cap: a hostile link never
/// makes the browser inflate much beyond it (given the whole input at once, the decompressor
/// inflates all of it into its queue, read or not: measured 1.35 GiB for a 1.2 GiB bomb).
async fn deflate_raw(bytes: &[u8], compress: bool, limit: usize) -> Option<Vec<u8>> {
    use wasm_bindgen_futures::JsFuture;
    // (De)CompressionStream through Reflect: web-sys has them only behind its unstable flag.
    let class = if compress {
        "CompressionStream"
    } else {
        "DecompressionStream"
    };
    let constructor: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &class.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let stream =
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&"deflate-raw".into()))
            .ok()?;
    let side = |name: &str| js_sys::Reflect::get(&stream, &name.into()).ok();
    let readable: web_sys::ReadableStream = side("readable")?.dyn_into().ok()?;
    let writable: web_sys::WritableStream = side("writable")?.dyn_into().ok()?;
    let writer = writable.get_writer().ok()?;
    let reader: web_sys::ReadableStreamDefaultReader = readable.get_reader().unchecked_into();
    let mut out = Vec::new();
    // Takes one chunk of output; `Some(true)` at the end, `None` past the cap or on bad input.
    let mut take = |chunk: wasm_bindgen::JsValue| -> Option<bool> {
        if js_sys::Reflect::get(&chunk, &"done".into()).ok()?.as_bool() == Some(true) {
            return Some(true);
        }
        let value = js_sys::Uint8Array::new(&js_sys::Reflect::get(&chunk, &"value".into()).ok()?);
        if out.len() + value.length() as usize > limit {
            let _ = reader.cancel();
            let _ = writer.abort();
            return None;
        }
        out.extend(value.to_vec());
        Some(false)
    };
    // A read still pending when its piece was taken serves the next piece.
    let mut pending: Option<js_sys::Promise> = None;
    let settled = wasm_bindgen::closure::Closure::new(|_: wasm_bindgen::JsValue| ());
    for piece in bytes.chunks(4096) {
        // A piece is taken once the output before it has been read: race each read against
        // the piece being taken (which settles as `undefined`, where a read settles as an
        // object).
        let taken = writer
            .write_with_chunk(&js_sys::Uint8Array::from(piece))
            .then(&settled);
        loop {
            let read = pending.take().unwrap_or_else(|| reader.read());
            let first = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&read, &taken)))
                .await
                .ok()?;
            if !first.is_object() {
                pending = Some(read);
                break;
            }
            if take(first)? {
                return Some(out);
            }
        }
    }
    let _ = writer.close();
    loop {
        let read = pending.take().unwrap_or_else(|| reader.read());
        if take(JsFuture::from(read).await.ok()?)? {
            return Some(out);
        }
    }
}

/// base64url without padding, by the browser's own base64 (`btoa` takes bytes as the code
/// points of a string).
fn base64url(bytes: &[u8]) -> Option<String> {
    let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
    let text = web_sys::window()?.btoa(&binary).ok()?;
    Some(
        text.trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_"),
    )
}

/// The bytes of base64url text (padding tolerated), by the browser's `atob`.
fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.replace('-', "+").replace('_', "/");
    let binary = web_sys::window()?.atob(&text).ok()?;
    binary.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// Makes the share link of the engine's payload and shows it (and copies it).
fn shared(payload: Vec<u8>, trust_left_out: usize, dispatcher: Dispatcher) {
    wasm_bindgen_futures::spawn_local(async move {
        let compressed = deflate_raw(&payload, true, MAX_SHARED_BYTES).await;
        let Some(fragment) = compressed.as_deref().and_then(base64url) else {
            return dispatcher.dispatch(Action::Notice(Some(
                "This browser cannot compress a share link.".into(),
            )));
        };
        let link = format!("{}#share={fragment}", address());
        copy_to_clipboard(link.clone());
        dispatcher.dispatch(Action::ShareLink(Some(link)));
        if trust_left_out > 0 {
            dispatcher.dispatch(Action::Notice(Some(format!(
                "The share link leaves out {trust_left_out} trusted CAs the inspection did not \
                 use; the verdict is the same."
            ))));
        }
    });
}

const DAMAGED_LINK: &str = "The share link in this page's address is damaged or incomplete (was \
    it cut off when it was copied?); nothing was restored.";

/// Inflates a `#share=` link's payload, if the page was opened with one, for the export module
/// to read.
fn restore_shared(exporter: Slot, answers: Answers) {
    use mtls_inspector::channel::ExportAsk;
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
        return;
    };
    let Some(fragment) = hash.strip_prefix("#share=").map(str::to_owned) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let payload = match from_base64url(&fragment) {
            Some(compressed) => deflate_raw(&compressed, false, MAX_SHARED_BYTES).await,
            None => None,
        };
        let state = answers.state.clone();
        let asked = payload
            .is_some_and(|payload| ask_export(&exporter, answers, &ExportAsk::Restore { payload }));
        if !asked {
            state.dispatch(Action::Notice(Some(DAMAGED_LINK.into())));
        }
    });
}

/// A Web Worker of the page (the engine, the explain or the export module), and the requests
/// waiting for it to be ready.
struct Engine {
    worker: web_sys::Worker,
    ready: bool,
    waiting: Vec<wasm_bindgen::JsValue>,
    /// The warm-up's message, made once, and how many times it is still to be sent (the
    /// engine's worker only).
    warm_up: Option<(wasm_bindgen::JsValue, usize)>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

type Slot = Rc<std::cell::RefCell<Option<Engine>>>;

/// Where the workers' answers go.
#[derive(Clone)]
struct Answers {
    result: UseStateSetter<Option<(RequestKey, Rc<Report>)>>,
    latest: Rc<std::cell::RefCell<(u32, Option<RequestKey>)>>,
    /// The report shown, as the engine's message carried it: what the export module is sent.
    sent: Rc<std::cell::RefCell<Option<wasm_bindgen::JsValue>>>,
    /// Explanations, share links and restored inputs; a report releases the actions held.
    state: Dispatcher,
}

/// Asks the worker in `slot` (see [`post`]); `false` if the request cannot be put in a
/// message.
fn ask(slot: &Slot, request: &impl serde::Serialize) -> bool {
    match serde_wasm_bindgen::to_value(request) {
        Ok(message) => {
            post(slot, message);
            true
        }
        Err(_) => false,
    }
}

/// Sends `message` to the worker in `slot`, or keeps it until the worker says it is ready.
fn post(slot: &Slot, message: wasm_bindgen::JsValue) {
    if let Some(engine) = slot.borrow_mut().as_mut() {
        if engine.ready {
            engine.worker.post_message(&message).ok();
        } else {
            engine.waiting.push(message);
        }
    }
}

/// The inspection request for the worker: the trusted certificates no path uses are only
/// counted, unless the user wants to see them (then listed after the others, so that the
/// indexes of a report without them stay valid).
fn request(id: u32, time: i64, state: &State, all: bool) -> mtls_inspector::channel::Request {
    use mtls_inspector::channel::{ConfigFile, File, Inspection, Request};
    use mtls_inspector::inspect::Listing;
    let mut inputs = Vec::new();
    let mut push = |side: Side, name: &str, bytes: &[u8]| {
        inputs.push(File {
            side,
            name: name.to_owned(),
            bytes: bytes.to_vec(),
        });
    };
    if !state.client_paste.trim().is_empty() {
        push(Side::Client, CLIENT_PASTE, state.client_paste.as_bytes());
    }
    if !state.trust_paste.trim().is_empty() {
        push(Side::Trust, TRUST_PASTE, state.trust_paste.as_bytes());
    }
    for file in &state.files {
        if let Some(side) = file.role.side() {
            push(side, &file.name, &file.bytes);
        }
    }
    let server_configs = state
        .server_configs()
        .into_iter()
        .map(|(name, bytes)| ConfigFile { name, bytes })
        .collect();
    Request::Inspect(Inspection {
        id,
        time,
        passwords: state.passwords.clone(),
        s_client: state.s_client.clone(),
        inputs,
        server_configs,
        user: state.user.clone(),
        listing: if all {
            Listing::UsedFirst
        } else {
            Listing::Used
        },
    })
}

/// `pem`'s certificates `copies` times over, each copy different in the base64 group before the
/// last of each (three bytes of its signature), so that every copy is read as a certificate of
/// its own: the same bytes again are not read twice. Off the chain, a root's signature is never
/// verified.
fn distinct_copies(pem: &str, copies: usize) -> String {
    const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const END: &str = "\n-----END CERTIFICATE-----";
    let mut out = String::with_capacity(pem.len() * copies);
    for copy in 0..copies {
        let mut rest = pem;
        while let Some(at) = rest.find(END) {
            let body = rest.get(..at).unwrap_or_default();
            let cut = at.saturating_sub(8);
            out.push_str(body.get(..cut).unwrap_or_default());
            for shift in [18, 12, 6, 0] {
                out.push(char::from(BASE64[(copy >> shift) & 63]));
            }
            out.push_str(body.get(cut + 4..).unwrap_or_default());
            out.push_str(END);
            rest = rest.get(at + END.len()..).unwrap_or_default();
        }
        out.push_str(rest);
    }
    out
}

/// Sends the next warm-up inspection, if one is left: one at a time, so that a request the
/// user makes meanwhile waits for one round at most.
fn warm(engine: &mut Engine) {
    let Some((message, left)) = engine.warm_up.take() else {
        return;
    };
    engine.worker.post_message(&message).ok();
    if left > 1 {
        engine.warm_up = Some((message, left - 1));
    }
}

/// How many warm-up inspections the engine's worker runs. WebAssembly in Chromium has no
/// on-stack replacement: a function optimised while it runs keeps running its first, quickly
/// compiled code until it returns, and the functions an inspection calls once (reading all the
/// inputs, deciding, reporting) are optimised only for their next call. Measured (system store
/// dropped 0.3 s after the page is warm, 6–8 runs each, the engine's time from reading to
/// report): one round of 150 copies 24–84 ms, one of 300 copies 22–54 ms, four of 40 copies
/// 27–53 ms, two of 150 copies 16–25 ms, three of 150 copies 16–29 ms.
const WARM_UP_ROUNDS: usize = 2;

/// How many times the warm-up's trust input holds the eight public roots (304 certificates,
/// about the system store's 144 twice over).
const WARM_UP_COPIES: usize = 38;

/// An inspection like the page's first ones, sent once the engine's worker is ready: the
/// browser compiles WebAssembly one function at a time, the first time it is called, so done
/// while the user is still choosing files, the first real inspection runs compiled code
/// (measured in Chromium: a client chain's first inspection 49–107 ms cold, 1–6 ms after this).
/// The good-chain sample with its key, and eight real roots from the Debian CA store
/// (static/warm-up), chosen so that between them they hold what the store's certificates hold
/// and two public roots alone did not: RSA and ECDSA keys (P-256, P-384), SHA-1 and SHA-2
/// signatures, authority information access, CRL distribution points, certificate policies,
/// subject alternative names, Netscape and Microsoft extensions, a path length, an e-mail
/// address, non-ASCII names (ISRG Root X2, e-Szigno Root CA 2017, XRamp Global CA, Microsec
/// e-Szigno Root CA 2009, NetLock Arany, Atos TrustedRoot 2011, ACCVRAIZ1, Certigna). A
/// function the warm-up never called is compiled when the first inspection calls it: traced
/// in Chromium, dropping the system store after a warm-up with ISRG Root X1 and X2 alone spent
/// 15 ms of the engine's worker in lazy compilation, after this one 2 ms. The sample's root is
/// given twice (a repeated certificate is another path). The roots are given
/// [`WARM_UP_COPIES`] times ([`distinct_copies`]): Chromium first compiles each function
/// quickly (Liftoff) and optimises it (TurboFan) only once it has run enough, so a warm-up as
/// large as a trust store leaves the reading code optimised. Measured (with the two roots),
/// dropping the system store after it, 11 runs each: median 75 ms from drop to verdict with
/// the roots once, 57 ms with 150 identical copies (each decoded but parsed once), 49 ms with
/// 150 distinct ones; the engine's worker is then busy 116–214 ms after it starts (5 page
/// loads), a request made meanwhile waiting for it. The inputs live here, in the module that
/// already holds the samples, rather than in the engine's, whose size budget they would take.
fn warm_up() -> mtls_inspector::channel::Request {
    use mtls_inspector::channel::{File, Inspection, Request};
    let sample = SAMPLES.iter().find(|s| s.id == "good-chain");
    let (client, trust) = sample.map_or(("", ""), |s| (s.client, s.trust));
    let file = |side, name: &str, text: &str| File {
        side,
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    };
    Request::WarmUp(Inspection {
        id: 0,
        time: 1_780_315_200,
        passwords: Vec::new(),
        s_client: String::new(),
        inputs: vec![
            file(Side::Client, "warm-up client", client),
            file(
                Side::Trust,
                "warm-up trust",
                &[
                    distinct_copies(
                        include_str!("../../static/warm-up/public-roots.pem"),
                        WARM_UP_COPIES,
                    )
                    .as_str(),
                    trust,
                    trust,
                ]
                .concat(),
            ),
        ],
        server_configs: Vec::new(),
        user: String::new(),
        listing: mtls_inspector::inspect::Listing::Used,
    })
}

/// Gives `report` to `details` once the browser has painted what is on screen now: in a
/// task after the next animation frame (a frame's callbacks run before its paint).
fn after_paint(report: Rc<Report>, details: UseStateSetter<Option<Rc<Report>>>) {
    let Some(window) = web_sys::window() else {
        return details.set(Some(report));
    };
    let later = window.clone();
    let frame = wasm_bindgen::closure::Closure::once_into_js(move || {
        let task = wasm_bindgen::closure::Closure::once_into_js(move || details.set(Some(report)));
        later.set_timeout_with_callback(task.unchecked_ref()).ok();
    });
    window.request_animation_frame(frame.unchecked_ref()).ok();
}

/// Asks the export module, started the first time.
fn ask_export(
    exporter: &Slot,
    answers: Answers,
    request: &mtls_inspector::channel::ExportAsk,
) -> bool {
    if exporter.borrow().is_none() {
        start_worker("mtls-inspector-export", exporter, answers);
    }
    ask(exporter, request)
}

/// Starts one of the page's workers (`name`: its module, through the loader Trunk writes for
/// it) into `slot`, its answers going to `answers`.
fn start_worker(name: &str, slot: &Slot, answers: Answers) {
    use mtls_inspector::channel::{ExportFormat, Reply};
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let Ok(worker) = web_sys::Worker::new_with_options(&format!("./{name}_loader.js"), &options)
    else {
        return;
    };
    let weak = Rc::downgrade(slot);
    let warms = name == "mtls-inspector-engine";
    let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
        move |event: web_sys::MessageEvent| {
            let Some(slot) = weak.upgrade() else { return };
            let data = event.data();
            match serde_wasm_bindgen::from_value::<Reply>(data.clone()) {
                Ok(Reply::Ready) => {
                    if let Some(engine) = slot.borrow_mut().as_mut() {
                        engine.ready = true;
                        for request in std::mem::take(&mut engine.waiting) {
                            engine.worker.post_message(&request).ok();
                        }
                        // The engine's worker warms up behind what the user already asked.
                        if warms {
                            engine.warm_up = serde_wasm_bindgen::to_value(&warm_up())
                                .ok()
                                .map(|message| (message, WARM_UP_ROUNDS));
                        }
                        warm(engine);
                    }
                }
                // Once the last is done, said on the page's root element
                // (`data-engine="warm"`), for measurements of the page once it is ready.
                Ok(Reply::Warm) => {
                    if let Some(engine) = slot.borrow_mut().as_mut()
                        && engine.warm_up.is_some()
                    {
                        warm(engine);
                    } else if let Some(root) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.document_element())
                    {
                        root.set_attribute("data-engine", "warm").ok();
                    }
                }
                Ok(Reply::Report { id, report }) => {
                    let latest = answers.latest.borrow();
                    if let (true, Some(key)) = (id == latest.0, latest.1.clone()) {
                        let get = |object: &wasm_bindgen::JsValue, key: &str| {
                            js_sys::Reflect::get(object, &key.into())
                        };
                        *answers.sent.borrow_mut() =
                            get(&data, "report").and_then(|r| get(&r, "report")).ok();
                        answers.result.set(Some((key, Rc::from(report))));
                        answers.state.release();
                    }
                }
                Ok(Reply::Explained { line, found }) => {
                    answers.state.dispatch(Action::Explained(line, found));
                }
                Ok(Reply::Shared {
                    payload,
                    trust_left_out,
                }) => shared(payload, trust_left_out, answers.state.clone()),
                Ok(Reply::Restored { restored }) => answers.state.dispatch(match restored {
                    Some(restored) => Action::Restore {
                        files: restored
                            .inputs
                            .into_iter()
                            .map(|file| (file.side, file.name, file.bytes))
                            .collect(),
                        time: restored.time,
                    },
                    None => Action::Notice(Some(DAMAGED_LINK.into())),
                }),
                Ok(Reply::Export { format, copy, text }) => match (format, copy) {
                    (_, true) => copy_to_clipboard(text),
                    (ExportFormat::Json, false) => {
                        download("mtls-inspector-report.json", "application/json", &text)
                    }
                    (ExportFormat::Markdown, false) => {
                        download("mtls-inspector-report.md", "text/markdown", &text)
                    }
                },
                Err(error) => web_sys::console::error_1(
                    &format!("unreadable answer from the worker: {error}").into(),
                ),
            }
        },
    );
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    *slot.borrow_mut() = Some(Engine {
        worker,
        ready: false,
        waiting: Vec::new(),
        warm_up: None,
        _on_message: on_message,
    });
}

/// What a new inspection depends on.
#[derive(Clone, PartialEq)]
struct RequestKey {
    client_paste: String,
    trust_paste: String,
    files: Vec<u32>,
    time: i64,
    passwords: Vec<String>,
    s_client: String,
    server_paste: String,
    user: String,
}

impl RequestKey {
    fn of(state: &State, now: i64) -> Self {
        Self {
            client_paste: state.client_paste.clone(),
            trust_paste: state.trust_paste.clone(),
            files: state.files.iter().map(|f| f.id).collect(),
            time: state.time.unwrap_or(now),
            passwords: state.passwords.clone(),
            s_client: state.s_client.clone(),
            server_paste: state.server_paste.clone(),
            user: state.user.clone(),
        }
    }
}

#[function_component]
fn App() -> Html {
    let state = use_reducer(|| State::with_time(time_from_query()));
    let now = *use_state(now);
    // The report shown, with the inputs it was computed for: while they differ from the current
    // inputs, the verdict is pending (decided in the same render as the change, never stale).
    let result = use_state(|| None::<(RequestKey, Rc<Report>)>);
    let latest = use_mut_ref(|| (0u32, None::<RequestKey>));
    let engine: Slot = use_mut_ref(|| None::<Engine>);
    // The explain module's worker, started when a log line is first pasted.
    let explainer: Slot = use_mut_ref(|| None::<Engine>);
    // The export module's worker, started when first asked (or by a share link).
    let exporter: Slot = use_mut_ref(|| None::<Engine>);
    let dispatcher = Dispatcher::new(state.dispatcher(), use_mut_ref(Vec::new));
    let answers = Answers {
        result: result.setter(),
        latest: latest.clone(),
        sent: use_mut_ref(|| None::<wasm_bindgen::JsValue>),
        state: dispatcher.clone(),
    };
    let export_answers = answers.clone();
    {
        // Start the worker once: the engine runs there, never on the page.
        let (engine, exporter, answers) = (engine.clone(), exporter.clone(), answers.clone());
        use_effect_with((), move |_| {
            restore_shared(exporter, answers.clone());
            start_worker("mtls-inspector-engine", &engine, answers);
            || ()
        });
    }
    let key = RequestKey::of(&state, now);
    // The state drawn, with the actions held back from drawing (a drawing caused by something
    // else, an earlier report, may come while they are held).
    let drawn = use_mut_ref(State::default);
    {
        let mut drawn = drawn.borrow_mut();
        *drawn = (*state).clone();
        for action in dispatcher.held.borrow().iter() {
            drawn.apply(action.clone());
        }
    }
    {
        // Every change of an input or of the time asks for a new inspection.
        let (state, engine, result, latest) = (
            state.clone(),
            engine.clone(),
            result.clone(),
            latest.clone(),
        );
        use_effect_with(key.clone(), move |key| {
            if !state.has_client_input() {
                next_request(&latest, key);
                result.set(None);
            } else if let Some(id) = next_request(&latest, key) {
                ask(
                    &engine,
                    &request(id, key.time, &state, state.show_all_trusted),
                );
            }
            || ()
        });
    }
    {
        // Every change of the log line asks the explain module what it means.
        let explainer = explainer.clone();
        use_effect_with(state.log_line.clone(), move |line| {
            use mtls_inspector::channel::Request;
            if !line.trim().is_empty() {
                if explainer.borrow().is_none() {
                    start_worker("mtls-inspector-explain", &explainer, answers);
                }
                ask(&explainer, &Request::Explain { line: line.clone() });
            }
            || ()
        });
    }
    let report: Option<Rc<Report>> = (*result).as_ref().map(|(_, report)| report.clone());
    let pending = state.has_client_input() && (*result).as_ref().map(|(k, _)| k) != Some(&key);
    // Verdict first: a new report's verdict is drawn at once and its details (the chain, the
    // certificates, the findings, the server's outcome: most of the page's work for a large
    // inspection) once that verdict has been painted. Until then the details shown are the
    // previous report's, as they are while an inspection is pending.
    let detailed = use_state(|| None::<Rc<Report>>);
    {
        let setter = detailed.setter();
        use_effect_with(report.clone(), move |report| {
            match report {
                Some(report) => after_paint(report.clone(), setter),
                None => setter.set(None),
            }
            || ()
        });
    }
    let details: Option<Rc<Report>> = report.as_ref().and((*detailed).clone());
    // Said to assistive technology (and to the end-to-end tests) until the details follow.
    // The effect above runs when the report changes by value (`Rc`'s `PartialEq`): a new
    // report equal to the one shown (the same inputs inspected again) leaves the details as
    // they are, and they are not behind.
    let behind = match (&report, &details) {
        (Some(report), Some(details)) => !Rc::ptr_eq(report, details) && report != details,
        (Some(_), None) => true,
        _ => false,
    };
    let ahead = Ahead {
        state: drawn,
        now,
        engine: engine.clone(),
        latest: latest.clone(),
        dispatcher: dispatcher.clone(),
    };
    let panel = |role: Role, title: &'static str, hint: &'static str| {
        let (paste, paste_name) = match role {
            Role::Client => (state.client_paste.clone(), CLIENT_PASTE),
            Role::Trust => (state.trust_paste.clone(), TRUST_PASTE),
            Role::Server => (state.server_paste.clone(), SERVER_PASTE),
        };
        let files: Vec<_> = state
            .files
            .iter()
            .filter(|f| f.role == role)
            .cloned()
            .collect();
        let (d1, d3, ahead) = (dispatcher.clone(), dispatcher.clone(), ahead.clone());
        html! {
            <InputPanel {role} title={title} hint={hint} paste={paste} paste_name={paste_name}
                files={files} report={report.clone()}
                on_paste={Callback::from(move |text| d1.dispatch(Action::Paste(role, text)))}
                on_files={Callback::from(move |files| read_files(role, files, ahead.clone()))}
                on_remove={Callback::from(move |id| d3.dispatch(Action::RemoveFile(id)))} />
        }
    };
    let on_time = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                dispatcher.dispatch(Action::SetTime(parse_datetime_local(&input.value())));
            }
        })
    };
    let on_now = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(Action::SetTime(None)))
    };
    let on_clear = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(Action::Clear))
    };
    let on_example = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                if let Some(sample) = SAMPLES.iter().find(|s| s.id == select.value()) {
                    dispatcher.dispatch(Action::LoadExample(sample));
                }
                select.set_value("");
            }
        })
    };
    let on_select = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |index| dispatcher.dispatch(Action::Select(index)))
    };
    let on_toggle_trusted = {
        let (dispatcher, drawn, engine, latest) = (
            dispatcher.clone(),
            ahead.state.clone(),
            engine.clone(),
            latest.clone(),
        );
        let unlisted = report.as_ref().map_or(0, |r| r.unlisted_trusted);
        Callback::from(move |()| {
            // The shown report counts the trusted CAs no path uses: the same inspection again,
            // with them listed after the others (same id: it replaces the report in place).
            // The inputs are those of the latest request: the state drawn with the actions
            // held back from drawing.
            {
                let state = drawn.borrow();
                if !state.show_all_trusted && unlisted > 0 {
                    let id = latest.borrow().0;
                    let time = state.time.unwrap_or(now);
                    ask(&engine, &request(id, time, &state, true));
                }
            }
            dispatcher.dispatch(Action::ToggleTrusted)
        })
    };
    // Exports and share links are made of the report shown, by the export module.
    let to_export =
        |ask: Rc<dyn Fn(wasm_bindgen::JsValue) -> mtls_inspector::channel::ExportAsk>| {
            let (exporter, answers) = (exporter.clone(), export_answers.clone());
            Callback::from(move |_| {
                let sent = answers.sent.borrow().clone();
                if let Some(report) = sent {
                    ask_export(&exporter, answers.clone(), &ask(report));
                }
            })
        };
    let exports = details.clone().map(|report| {
        use mtls_inspector::channel::{ExportAsk, ExportFormat};
        let export = |format, copy| {
            to_export(Rc::new(move |report| ExportAsk::Export {
                format,
                copy,
                report,
            }))
        };
        let on_share = to_export(Rc::new(|report| ExportAsk::Share { report }));
        let has_key = !report.private_keys.is_empty();
        html! {
            <section class="export" aria-label="Export the report">
                <h2>{ "Export" }</h2>
                <p class="hint">{ "The report holds certificates' public fields only: never a private key." }</p>
                <button data-testid="export-json" onclick={export(ExportFormat::Json, false)}>{ "Download JSON" }</button>
                <button data-testid="export-markdown" onclick={export(ExportFormat::Markdown, false)}>{ "Download Markdown" }</button>
                <button data-testid="copy-markdown" onclick={export(ExportFormat::Markdown, true)}>{ "Copy Markdown" }</button>
                <button data-testid="share" onclick={on_share}>{ "Copy a share link" }</button>
                if let Some(link) = state.share_link.clone() {
                    <p class="share">
                        <input type="text" readonly=true data-testid="share-link" value={link.clone()} aria-label="Share link" />
                        { format!(" {} KB. ", link.len().div_ceil(1024)) }
                    </p>
                }
                <p class="hint">{ "A share link carries the certificates and CRLs and the validation time in the part after #, which browsers never send to a server. It never carries a private key or a password" }
                    { if has_key { " — so the key check is not part of the shared inspection." } else { "." } }</p>
            </section>
        }
    });
    let time_value = datetime_local(state.time.unwrap_or(now));
    html! {
        <main aria-busy={behind.then_some("true")}>
            <header>
                <h1>{ "mtls-inspector" }</h1>
                <p class="tagline">{ "Why did the server reject this client certificate? Drop the client's bundle and the server's trusted CAs." }</p>
                <p class="privacy">{ "Private by construction: everything runs in this tab. Nothing you give it leaves your browser or is stored." }</p>
            </header>
            <div class="toolbar">
                <label>{ "Load an example: " }
                    <select data-testid="examples" onchange={on_example} aria-label="Load an example scenario">
                        <option value="" selected=true>{ "choose…" }</option>
                        { for SAMPLES.iter().map(|s| html! { <option value={s.id}>{ s.title }</option> }) }
                    </select>
                </label>
                <label>{ "Validation time (UTC): " }
                    <input type="datetime-local" step="1" data-role="validation-time" value={time_value} onchange={on_time} />
                </label>
                <button onclick={on_now} disabled={state.time.is_none()}>{ "Now" }</button>
                <button onclick={on_clear} disabled={!state.has_any_input()}>{ "Clear all" }</button>
            </div>
            <div class={classes!("inputs", (report.is_some() && !state.inputs_open).then_some("compact"))}>
                if report.is_some() {
                    <button type="button" class="show-inputs" aria-expanded={state.inputs_open.to_string()}
                        onclick={{ let d = dispatcher.clone(); Callback::from(move |_| d.dispatch(Action::ToggleInputs)) }}>
                        { if state.inputs_open { "Hide the inputs' details" } else { "Add or paste more inputs" } }
                    </button>
                }
                { panel(Role::Client, "Client certificate (what the client sends)",
                    "Its certificate, intermediates and optionally its private key: PEM, DER, PKCS#7, PKCS#12 (.p12/.pfx) or a Java keystore.") }
                { panel(Role::Trust, "Server trust (the CAs your server trusts)",
                    "e.g. nginx ssl_client_certificate; CRLs too.") }
            </div>
            if let Some(notice) = state.notice.clone() {
                <p class="notice" role="status" data-testid="notice">{ notice }
                    <button type="button" class="link" onclick={{ let d = dispatcher.clone(); Callback::from(move |_| d.dispatch(Action::Notice(None))) }}>{ "dismiss" }</button>
                </p>
            }
            <PasswordPrompt report={report.clone()} given={state.passwords.len()}
                on_password={{ let d = dispatcher.clone(); Callback::from(move |p| d.dispatch(Action::AddPassword(p))) }}
                on_forget={{ let d = dispatcher.clone(); Callback::from(move |()| d.dispatch(Action::ForgetPasswords)) }} />
            <VerdictBanner report={report.clone()} {pending} />
            if let Some(report) = details.clone() {
                <div class={classes!("chain-and-details", diagram::is_wide(&report).then_some("wide"))}>
                    <ChainDiagram report={report.clone()} selected={state.selected} on_select={on_select}
                        show_all_trusted={state.show_all_trusted} on_toggle_trusted={on_toggle_trusted} />
                    <CertificateDetails report={report.clone()} index={state.selected} on_copy={Callback::from(copy_to_clipboard)} />
                </div>
                <Findings report={report.clone()} />
                <Handshake report={report.clone()} />
                <Revocation report={report.clone()} />
                <Timeline report={report.clone()} />
                { exports.unwrap_or_default() }
            }
            <CertificateRequestPanel report={details.clone()} {pending} text={state.s_client.clone()}
                on_text={{ let d = dispatcher.clone(); Callback::from(move |text| d.dispatch(Action::SClient(text))) }} />
            { panel(Role::Server, "Your server (optional)",
                "Its configuration: nginx's, Apache's, HAProxy's, Mosquitto's, kube-apiserver's flags, or PostgreSQL's pg_hba.conf, pg_ident.conf (as a file of that name) and postgresql.conf. The verdict then follows its settings, and you see what it logs, what the client is told and the identity it derives.") }
            <ServerOutcome report={details.clone()} user={state.user.clone()}
                on_user={{ let d = dispatcher.clone(); Callback::from(move |user| d.dispatch(Action::User(user))) }} />
            <ExplainLogLine message={state.log_line.clone()} report={details.clone()}
                found={state.explained.as_ref().filter(|(line, _)| *line == state.log_line).map(|(_, found)| found.clone())}
                on_message={{ let d = dispatcher.clone(); Callback::from(move |text| d.dispatch(Action::LogLine(text))) }} />
            <footer>{ "mtls-inspector — rustls-webpki decides rustls' verdict; the OpenSSL and nginx rules are checked against openssl verify, the Go rules against Go's crypto/x509, the Java rules against the JDK's JSSE." }</footer>
        </main>
    }
}

use mtls_inspector::Report;

/// Shows an error panel instead of a blank page if anything panics.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("mtls-inspector stopped unexpectedly: {info}");
        web_sys::console::error_1(&message.clone().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let (Ok(panel), Some(body)) = (document.create_element("div"), document.body()) {
            panel.set_class_name("panic");
            panel.set_attribute("role", "alert").ok();
            panel.set_attribute("data-testid", "panic").ok();
            panel.set_text_content(Some(&format!(
                "{message}\nReload the page to start again, and please report this."
            )));
            body.prepend_with_node_1(&panel).ok();
        }
    }));
}

/// Mounts the page.
pub fn start() {
    install_panic_hook();
    yew::Renderer::<App>::new().render();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_held_back_from_drawing_come_before_any_other_in_their_order() {
        let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
        let dispatcher = Dispatcher {
            reducer: {
                let seen = seen.clone();
                Rc::new(move |action| {
                    seen.borrow_mut().push(match action {
                        Action::AddFile { name, .. } => name,
                        Action::Paste(_, text) => text,
                        Action::Clear => "clear".into(),
                        _ => "other".into(),
                    })
                })
            },
            held: Rc::default(),
        };
        let file = |name: &str| Action::AddFile {
            role: Role::Trust,
            name: name.into(),
            bytes: Rc::new(Vec::new()),
        };
        // Only the first action held starts the timer that releases them.
        assert!(dispatcher.hold(file("one.pem")));
        assert!(!dispatcher.hold(file("two.pem")));
        assert!(seen.borrow().is_empty());
        dispatcher.dispatch(Action::Clear);
        assert_eq!(*seen.borrow(), ["one.pem", "two.pem", "clear"]);
        // Released once: a report or a timer coming later hands on nothing more.
        dispatcher.release();
        assert!(dispatcher.hold(file("three.pem")));
        dispatcher.release();
        dispatcher.release();
        dispatcher.dispatch(Action::Paste(Role::Client, "pasted".into()));
        assert_eq!(
            *seen.borrow(),
            ["one.pem", "two.pem", "clear", "three.pem", "pasted"]
        );
    }

    #[test]
    fn inputs_asked_for_ahead_are_not_asked_for_again_after_the_drawing() {
        let latest = std::cell::RefCell::new((0, None));
        let mut state = State::default();
        state.apply(Action::AddFile {
            role: Role::Client,
            name: "alice.pem".into(),
            bytes: Rc::new(b"certificate".to_vec()),
        });
        let key = RequestKey::of(&state, 1_780_315_200);
        // Asked ahead, when the file was read: a new request.
        assert_eq!(next_request(&latest, &key), Some(1));
        // The effect after the drawing of the same inputs: nothing more.
        assert_eq!(next_request(&latest, &key), None);
        // Other inputs drawn (an action came between): asked for, under a new id, so that the
        // report of the first request is not shown.
        state.apply(Action::Paste(Role::Trust, "root".into()));
        let drawn = RequestKey::of(&state, 1_780_315_200);
        assert_eq!(next_request(&latest, &drawn), Some(2));
        assert!(latest.borrow().1 == Some(drawn));
    }

    #[test]
    fn the_warm_up_inspects_the_good_chain_against_real_roots() {
        let mtls_inspector::channel::Request::WarmUp(inspection) = warm_up() else {
            panic!("a warm-up")
        };
        let (report, _) = inspection.report_unlocked(&[], &[]);
        assert_eq!(report.verdict, mtls_inspector::Verdict::Accepted);
        // The public roots are read, each of their copies (and the sample's root), as the
        // certificates they are.
        let trust = report
            .inputs
            .iter()
            .find(|input| input.name == "warm-up trust")
            .unwrap();
        let roots = include_str!("../../static/warm-up/public-roots.pem")
            .matches("-----BEGIN CERTIFICATE-----")
            .count();
        assert_eq!(roots, 8);
        assert_eq!(trust.certificates, roots * WARM_UP_COPIES + 1);
        assert_eq!(trust.problems, 0);
    }
}
