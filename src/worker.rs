//! The engine's Web Worker: a module of its own (no Yew), loaded by the page through the loader
//! Trunk writes for it. It answers each request with a reply, both passed through
//! serde-wasm-bindgen as the page's `Request` and `Reply` (the explain module answers
//! explanations, the export module exports and share links: [`EngineRequest`] and
//! [`EngineReply`] leave them out), and announces itself with `Ready`. A warm-up
//! (`EngineRequest::WarmUp`, sent by the page once this is ready) is inspected and its report
//! dropped, so that the browser has compiled the code the user's first inspection runs.
//!
//! Protected inputs (PKCS#12 files, encrypted keys, Java keystores) are opened by a worker of
//! its own, which this one starts the first time an inspection has such a part
//! (src/unlock_worker.rs): the engine's module then carries none of the ciphers, key
//! derivations and container code, which most inspections never need. OCSP responses are read
//! the same way by the OCSP module (src/ocsp_worker.rs), and Envoy configurations' YAML by the
//! YAML module (src/yaml_worker.rs). An inspection with such parts is run once to find them,
//! and again with their answers.

use mtls_inspector::channel::{
    EngineReply, EngineRequest, File, Inspection, ReadYaml, UnlockRequest, yaml_answers,
};
use mtls_inspector::inspect::Prepared;
use mtls_inspector::protected::{Answer, Locked};
use mtls_inspector::report::Report;

/// The engine's state between messages.
#[derive(Default)]
struct Engine {
    /// The latest inspection whose protected parts were sent to be opened, with those parts.
    waiting: Option<(Inspection, Vec<(usize, Locked)>)>,
    /// The latest inputs read (without protected parts) and what was read from them: the same
    /// inputs again (another validation time, the unused trusted CAs listed) are not read
    /// again.
    read: Option<(Vec<File>, Prepared)>,
    /// The YAML of the latest Envoy configurations, as the YAML module read it.
    yaml: Vec<ReadYaml>,
    /// How many times inputs were read (for the tests).
    reads: u32,
}

/// What the engine does next (read by the browser's loop and the tests).
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
enum Step {
    Reply(EngineReply),
    /// A warm-up's report, to be made into a message as every reply is, and dropped.
    Warmed(EngineReply),
    /// Have these parts opened, then finish the inspection.
    Unlock(UnlockRequest),
}

impl Engine {
    /// Answers a request from the page.
    fn request(&mut self, request: EngineRequest) -> Step {
        match request {
            EngineRequest::Inspect(inspection) => {
                let (prepared, mut needed) = match self.read.take() {
                    Some((inputs, prepared)) if inputs == inspection.inputs => {
                        (prepared, Vec::new())
                    }
                    earlier => {
                        self.reads += 1;
                        let (prepared, needed) = inspection.read_unlocked(&[], &[]);
                        if let Some((_, earlier)) = earlier {
                            prepared.keep_verified(earlier);
                        }
                        (prepared, needed)
                    }
                };
                let inputs_read = needed.is_empty();
                needed.extend(inspection.yaml_needed(&self.yaml));
                if needed.is_empty() {
                    self.waiting = None;
                    let report = inspection.report_prepared(&prepared, &self.yaml);
                    let id = inspection.id;
                    self.read = Some((inspection.inputs, prepared));
                    return Step::Reply(self.reported(id, report));
                }
                // Only YAML to read: the inputs read are kept for the answer.
                if inputs_read {
                    self.read = Some((inspection.inputs.clone(), prepared));
                }
                let unlock = UnlockRequest {
                    id: inspection.id,
                    passwords: inspection.passwords.clone(),
                    parts: needed.clone(),
                };
                self.waiting = Some((inspection, needed));
                Step::Unlock(unlock)
            }
            // Inspected as the page's requests are, so that the very code they run is compiled
            // (a path of its own left functions for the first request to compile: 6 ms of
            // Chromium's lazy compilation, traced), then what the engine keeps for the page's
            // requests is put back: the inputs read are not replaced.
            EngineRequest::WarmUp(inspection) => {
                let kept = (self.read.take(), self.waiting.take(), self.reads);
                let step = self.request(EngineRequest::Inspect(inspection));
                (self.read, self.waiting, self.reads) = kept;
                match step {
                    Step::Reply(report) => Step::Warmed(report),
                    _ => Step::Warmed(EngineReply::Warm),
                }
            }
        }
    }

    /// Finishes the waiting inspection `id` with the answers for its protected parts; `None`
    /// when a later inspection replaced it.
    fn unlocked(&mut self, id: u32, answers: &[Answer]) -> Option<EngineReply> {
        let (inspection, asked) = self.waiting.take_if(|(waiting, _)| waiting.id == id)?;
        // The YAML of this inspection's Envoy configurations: answered now, or read before.
        let (read, before) = (
            yaml_answers(&asked, answers),
            std::mem::take(&mut self.yaml),
        );
        self.yaml = inspection
            .yaml_needed(&[])
            .into_iter()
            .filter_map(|(_, part)| {
                let Locked::Yaml(text) = part else {
                    return None;
                };
                let text = String::from_utf8(text).ok()?;
                read.iter()
                    .chain(&before)
                    .find(|(done, _)| *done == text)
                    .cloned()
            })
            .collect();
        let report = match &self.read {
            Some((inputs, prepared)) if *inputs == inspection.inputs => {
                inspection.report_prepared(prepared, &self.yaml)
            }
            _ => {
                let (prepared, _) = inspection.read_unlocked(&asked, answers);
                inspection.report_prepared(&prepared, &self.yaml)
            }
        };
        Some(self.reported(id, report))
    }

    fn reported(&self, id: u32, report: Report) -> EngineReply {
        EngineReply::Report {
            id,
            report: Box::new(report),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use mtls_inspector::channel::{ReadReply, UnlockReply};
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    /// A helper worker (the unlock, OCSP or YAML module), once started, and what waits for it to
    /// be ready.
    struct Helper {
        loader: &'static str,
        worker: Option<web_sys::Worker>,
        ready: bool,
        queued: Option<wasm_bindgen::JsValue>,
    }

    /// The answers of an inspection's parts as they come back from the helpers: which parts
    /// each helper was given (positions in the request), and the answers so far.
    struct Gathering {
        id: u32,
        positions: [Vec<usize>; 3],
        answers: Vec<Option<Answer>>,
    }

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let send = move |reply: &EngineReply| {
        let sent = serde_wasm_bindgen::to_value(reply)
            .ok()
            .and_then(|message| scope.post_message(&message).ok());
        if sent.is_none() {
            web_sys::console::error_1(&"mtls-inspector worker: cannot answer".into());
        }
    };
    let complain = |what: String| web_sys::console::error_1(&what.into());
    let engine = Rc::new(RefCell::new(Engine::default()));
    let helper = |loader| Helper {
        loader,
        worker: None,
        ready: false,
        queued: None,
    };
    // Protected parts go to the unlock module, OCSP responses to the OCSP module, Envoy
    // configurations to the YAML module.
    let helpers = Rc::new(RefCell::new([
        helper("./mtls-inspector-unlock_loader.js"),
        helper("./mtls-inspector-ocsp_loader.js"),
        helper("./mtls-inspector-yaml_loader.js"),
    ]));
    let gathering: Rc<RefCell<Option<Gathering>>> = Rc::new(RefCell::new(None));

    // A helper's answers.
    let on_answer = |which: usize| {
        let (engine, helpers, gathering, send) = (
            engine.clone(),
            helpers.clone(),
            gathering.clone(),
            send.clone(),
        );
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            // The unlock module answers `UnlockReply`s, the OCSP and YAML modules `ReadReply`s.
            let reply = if which == 0 {
                serde_wasm_bindgen::from_value::<UnlockReply>(event.data())
            } else {
                serde_wasm_bindgen::from_value::<ReadReply>(event.data()).map(|reply| {
                    match reply.answers() {
                        Some((id, answers)) => UnlockReply::Unlocked { id, answers },
                        None => UnlockReply::Ready,
                    }
                })
            };
            match reply {
                Ok(UnlockReply::Ready) => {
                    let mut helpers = helpers.borrow_mut();
                    let Some(helper) = helpers.get_mut(which) else {
                        return;
                    };
                    helper.ready = true;
                    if let (Some(worker), Some(message)) =
                        (helper.worker.as_ref(), helper.queued.take())
                    {
                        worker.post_message(&message).ok();
                    }
                }
                Ok(UnlockReply::Unlocked { id, answers }) => {
                    let mut gathered = gathering.borrow_mut();
                    let Some(waiting) = gathered.as_mut().filter(|g| g.id == id) else {
                        return;
                    };
                    let positions = waiting.positions.get(which).cloned().unwrap_or_default();
                    for (position, answer) in positions.into_iter().zip(answers) {
                        if let Some(slot) = waiting.answers.get_mut(position) {
                            *slot = Some(answer);
                        }
                    }
                    if waiting.answers.iter().all(Option::is_some) {
                        let all: Vec<Answer> = waiting.answers.drain(..).flatten().collect();
                        *gathered = None;
                        if let Some(reply) = engine.borrow_mut().unlocked(id, &all) {
                            send(&reply);
                        }
                    }
                }
                Err(error) => {
                    complain(format!("mtls-inspector worker: unreadable answer: {error}"))
                }
            }
        })
    };
    let on_answers = [on_answer(0), on_answer(1), on_answer(2)];
    let ask = move |which: usize, request: &UnlockRequest| {
        let Ok(message) = serde_wasm_bindgen::to_value(request) else {
            return complain("mtls-inspector worker: cannot ask a helper worker".into());
        };
        let mut helpers = helpers.borrow_mut();
        let (Some(helper), Some(on_answer)) = (helpers.get_mut(which), on_answers.get(which))
        else {
            return;
        };
        if helper.worker.is_none() {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Module);
            match web_sys::Worker::new_with_options(helper.loader, &options) {
                Ok(worker) => {
                    worker.set_onmessage(Some(on_answer.as_ref().unchecked_ref()));
                    helper.worker = Some(worker);
                }
                Err(_) => {
                    return complain(format!(
                        "mtls-inspector worker: cannot start {}",
                        helper.loader
                    ));
                }
            }
        }
        match (helper.ready, helper.worker.as_ref()) {
            (true, Some(worker)) => {
                worker.post_message(&message).ok();
            }
            _ => helper.queued = Some(message),
        }
    };
    // An inspection's parts, each sent to its helper; the answers are put back in order.
    let unlock = move |request: &UnlockRequest| {
        let mut positions: [Vec<usize>; 3] = Default::default();
        let mut parts: [Vec<(usize, Locked)>; 3] = Default::default();
        for (position, part) in request.parts.iter().enumerate() {
            let which = match part.1 {
                Locked::Ocsp(_) => 1,
                Locked::Yaml(_) => 2,
                _ => 0,
            };
            positions[which].push(position);
            parts[which].push(part.clone());
        }
        *gathering.borrow_mut() = Some(Gathering {
            id: request.id,
            positions,
            answers: vec![None; request.parts.len()],
        });
        for (which, parts) in parts.into_iter().enumerate() {
            if !parts.is_empty() {
                let asked = UnlockRequest {
                    id: request.id,
                    passwords: request.passwords.clone(),
                    parts,
                };
                ask(which, &asked);
            }
        }
    };
    let reply = send.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<EngineRequest>(event.data()) {
                Ok(request) => {
                    let mut engine = engine.borrow_mut();
                    match engine.request(request) {
                        Step::Reply(answered) => reply(&answered),
                        Step::Unlock(request) => unlock(&request),
                        Step::Warmed(report) => {
                            let _ = serde_wasm_bindgen::to_value(&report);
                            reply(&EngineReply::Warm);
                        }
                    }
                }
                Err(error) => complain(format!(
                    "mtls-inspector worker: unreadable request: {error}"
                )),
            }
        });
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handlers live as long as the worker.
    on_message.forget();
    send(&EngineReply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its functions keeps the native build honest
    // (the tests below run them).
    let _: fn(&mut Engine, EngineRequest) -> Step = Engine::request;
    let _: fn(&mut Engine, u32, &[Answer]) -> Option<EngineReply> = Engine::unlocked;
    eprintln!("The engine's worker runs in the browser: `make serve` builds and serves the page.");
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtls_inspector::{Side, channel};

    /// An encrypted PKCS#8 key written by `openssl genpkey`.
    fn encrypted_key(password: &str) -> Vec<u8> {
        let out = std::process::Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-aes-256-cbc", "-pass", &format!("pass:{password}")])
            .output()
            .expect("openssl runs");
        assert!(out.status.success());
        out.stdout
    }

    fn inspection(id: u32, bytes: Vec<u8>, passwords: &[&str]) -> Inspection {
        Inspection {
            id,
            time: 1_780_315_200,
            passwords: passwords.iter().map(|p| (*p).to_owned()).collect(),
            s_client: String::new(),
            inputs: vec![File {
                side: Side::Client,
                name: "key.pem".into(),
                bytes,
            }],
            server_configs: Vec::new(),
            user: String::new(),
            listing: mtls_inspector::inspect::Listing::All,
        }
    }

    /// One of the page's samples, as a file of the request.
    fn sample(name: &str, side: Side) -> File {
        File {
            side,
            name: name.to_owned(),
            bytes: std::fs::read(format!("static/samples/{name}")).unwrap(),
        }
    }

    /// The engine's report for `asked`, which must come at once and be the report of the same
    /// inputs inspected afresh.
    fn answered(engine: &mut Engine, asked: &Inspection) -> Box<mtls_inspector::report::Report> {
        let Step::Reply(EngineReply::Report { report, .. }) =
            engine.request(EngineRequest::Inspect(asked.clone()))
        else {
            panic!("a report at once")
        };
        assert_eq!(*report, asked.report(), "as inspected afresh");
        report
    }

    #[test]
    fn a_protected_part_is_opened_by_the_unlock_worker_then_reported_as_the_cli_does() {
        let key = encrypted_key("hunter2");
        let asked = inspection(3, key.clone(), &["wrong", "hunter2"]);
        let mut engine = Engine::default();
        let Step::Unlock(request) = engine.request(EngineRequest::Inspect(asked.clone())) else {
            panic!("the key is sent to be opened")
        };
        assert_eq!(request.id, 3);
        assert_eq!(request.passwords, ["wrong", "hunter2"]);
        assert!(matches!(request.parts.as_slice(), [(0, Locked::Pkcs8(_))]));
        let channel::UnlockReply::Unlocked { id, answers } = channel::unlock(request) else {
            panic!("answered")
        };
        // A later inspection replaces the waiting one: the stale answers are dropped.
        let later = inspection(4, key, &["hunter2"]);
        let Step::Unlock(request) = engine.request(EngineRequest::Inspect(later.clone())) else {
            panic!("the key is sent to be opened")
        };
        assert_eq!(engine.unlocked(id, &answers), None);
        let channel::UnlockReply::Unlocked { id, answers } = channel::unlock(request) else {
            panic!("answered")
        };
        let reply = engine
            .unlocked(id, &answers)
            .expect("the waiting inspection");
        let EngineReply::Report { id: 4, report } = &reply else {
            panic!("a report for the latest inspection")
        };
        assert_eq!(**report, later.report());
        assert!(report.inputs.iter().all(|input| input.private_keys == 1));
    }

    #[test]
    fn an_ocsp_response_is_read_by_the_ocsp_worker_beside_a_protected_part() {
        let mut asked = inspection(5, encrypted_key("hunter2"), &["hunter2"]);
        // OCSPResponse { tryLater }: the responder's error, read as such.
        asked.inputs.push(File {
            side: Side::Trust,
            name: "response.der".into(),
            bytes: vec![0x30, 0x03, 0x0a, 0x01, 0x03],
        });
        let mut engine = Engine::default();
        let Step::Unlock(request) = engine.request(EngineRequest::Inspect(asked.clone())) else {
            panic!("the parts are sent to be read")
        };
        assert!(matches!(
            request.parts.as_slice(),
            [(0, Locked::Pkcs8(_)), (1, Locked::Ocsp(_))]
        ));
        // As the browser's loop does: each part to its module, the answers put back in order.
        let only = |ocsp: bool| channel::UnlockRequest {
            parts: request
                .parts
                .iter()
                .filter(|(_, part)| matches!(part, Locked::Ocsp(_)) == ocsp)
                .cloned()
                .collect(),
            ..request.clone()
        };
        let channel::UnlockReply::Unlocked { answers: keys, .. } = channel::unlock(only(false))
        else {
            panic!("answered")
        };
        let (id, responses) = channel::read_ocsp(only(true)).answers().expect("answered");
        let answers: Vec<Answer> = keys.into_iter().chain(responses).collect();
        let Some(EngineReply::Report { report, .. }) = engine.unlocked(id, &answers) else {
            panic!("a report")
        };
        assert_eq!(*report, asked.report());
        assert_eq!(report.ocsp_responses.len(), 1);
        assert_eq!(report.ocsp_responses[0].response_status, "tryLater");
        assert_eq!(report.inputs[0].private_keys, 1);
    }

    #[test]
    fn an_envoy_configuration_is_read_by_the_yaml_worker_once() {
        let envoy = "static_resources:
  listeners:
  - filter_chains:
    - transport_socket:
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          require_client_certificate: true
          common_tls_context:
            validation_context:
              trusted_ca: {filename: /etc/envoy/ca.pem}
";
        let mut asked = inspection(
            6,
            std::fs::read("static/samples/good-chain.client.pem").unwrap(),
            &[],
        );
        asked.server_configs = vec![channel::ConfigFile {
            name: "envoy.yaml".into(),
            bytes: envoy.as_bytes().to_vec(),
        }];
        let mut engine = Engine::default();
        let Step::Unlock(request) = engine.request(EngineRequest::Inspect(asked.clone())) else {
            panic!("the YAML is sent to be read")
        };
        assert!(
            matches!(request.parts.as_slice(), [(1, Locked::Yaml(text))] if text == envoy.as_bytes())
        );
        let (id, answers) = channel::read_yaml(request).answers().expect("answered");
        let Some(EngineReply::Report { report, .. }) = engine.unlocked(id, &answers) else {
            panic!("a report")
        };
        // As the command line reads it.
        assert_eq!(*report, asked.report());
        let server = report.server.as_ref().expect("the server as configured");
        assert_eq!(server.kind, "Envoy");
        // The same configuration at another time: not read again, and the inputs neither.
        asked.id = 7;
        asked.time += 3600;
        let Step::Reply(EngineReply::Report { report, .. }) =
            engine.request(EngineRequest::Inspect(asked.clone()))
        else {
            panic!("answered at once")
        };
        assert_eq!(*report, asked.report());
        assert_eq!(engine.reads, 1);
        // YAML the module cannot read is said as the command line says it.
        asked.id = 8;
        asked.server_configs[0].bytes = b"DownstreamTlsContext: [unclosed".to_vec();
        let Step::Unlock(request) = engine.request(EngineRequest::Inspect(asked.clone())) else {
            panic!("the new YAML is sent to be read")
        };
        let (id, answers) = channel::read_yaml(request).answers().expect("answered");
        let Some(EngineReply::Report { report, .. }) = engine.unlocked(id, &answers) else {
            panic!("a report")
        };
        assert_eq!(*report, asked.report());
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.detail.contains("not readable YAML")),
            "{:?}",
            report.findings
        );
    }

    #[test]
    fn a_warm_up_is_inspected_and_changes_nothing_the_page_sees() {
        let mut engine = Engine::default();
        let Step::Reply(_) = engine.request(EngineRequest::Inspect(inspection(
            1,
            std::fs::read("static/samples/good-chain.client.pem").unwrap(),
            &[],
        ))) else {
            panic!("a report")
        };
        let reads = engine.reads;
        let kept = engine.read.as_ref().map(|(inputs, _)| inputs.clone());
        let mut warm_up = inspection(2, b"not a certificate".to_vec(), &[]);
        warm_up.inputs = vec![File {
            side: Side::Trust,
            name: "roots.pem".into(),
            bytes: std::fs::read("static/warm-up/public-roots.pem").unwrap(),
        }];
        let Step::Warmed(EngineReply::Report { report, .. }) =
            engine.request(EngineRequest::WarmUp(warm_up))
        else {
            panic!("a warm-up report")
        };
        // It read and decided (the roots, no client), and left the inputs read as they were.
        let roots = std::fs::read_to_string("static/warm-up/public-roots.pem").unwrap();
        assert_eq!(
            report.certificates.len(),
            roots.matches("-----BEGIN CERTIFICATE-----").count()
        );
        assert_eq!(engine.read.as_ref().map(|(inputs, _)| inputs.clone()), kept);
        assert_eq!(engine.reads, reads);
        assert!(kept.is_some());
    }

    #[test]
    fn the_same_inputs_again_are_not_read_again_and_report_as_if_they_were() {
        use mtls_inspector::inspect::Listing;
        let mut first = inspection(1, Vec::new(), &[]);
        first.inputs = vec![
            sample("good-chain.client.pem", Side::Client),
            sample("good-chain.trust.pem", Side::Trust),
        ];
        let mut engine = Engine::default();
        assert_eq!(
            answered(&mut engine, &first).verdict,
            mtls_inspector::Verdict::Accepted
        );
        let read = |engine: &Engine| engine.read.as_ref().map(|(inputs, _)| inputs.clone());
        assert_eq!(read(&engine).as_ref(), Some(&first.inputs));
        assert_eq!(engine.reads, 1);
        // Another time (the certificates have expired by 2100), another listing: the same read.
        let later = Inspection {
            id: 2,
            time: 4_102_444_800,
            listing: Listing::Used,
            ..first.clone()
        };
        assert_eq!(
            answered(&mut engine, &later).verdict,
            mtls_inspector::Verdict::Rejected
        );
        assert_eq!(read(&engine).as_ref(), Some(&first.inputs));
        assert_eq!(engine.reads, 1);
        // Other inputs are read anew.
        let mut other = later.clone();
        other.inputs.pop();
        assert_eq!(
            answered(&mut engine, &other).verdict,
            mtls_inspector::Verdict::Incomplete
        );
        assert_eq!(read(&engine).as_ref(), Some(&other.inputs));
        assert_eq!(engine.reads, 2);
    }

    #[test]
    fn a_trust_store_added_to_a_chain_inspected_alone_has_the_chain_verified_once() {
        let mut alone = inspection(1, Vec::new(), &[]);
        alone.inputs = vec![sample("good-chain.client.pem", Side::Client)];
        let mut both = alone.clone();
        both.id = 2;
        both.inputs
            .push(sample("good-chain.trust.pem", Side::Trust));
        let mut engine = Engine::default();
        let verified = |engine: &Engine| {
            engine
                .read
                .as_ref()
                .map(|(_, prepared)| prepared.signatures_verified())
        };
        let verdict = |engine: &mut Engine, asked: &Inspection| answered(engine, asked).verdict;
        // The leaf's signature by the intermediate beside it.
        assert_eq!(
            verdict(&mut engine, &alone),
            mtls_inspector::Verdict::Incomplete
        );
        assert_eq!(verified(&engine), Some(1));
        // With the root: only the intermediate's signature is verified; read alone, both.
        assert_eq!(
            verdict(&mut engine, &both),
            mtls_inspector::Verdict::Accepted
        );
        assert_eq!(verified(&engine), Some(1));
        let mut afresh = Engine::default();
        assert_eq!(
            verdict(&mut afresh, &both),
            mtls_inspector::Verdict::Accepted
        );
        assert_eq!(verified(&afresh), Some(2));
    }

    #[test]
    fn an_inspection_without_protected_parts_is_answered_at_once() {
        let mut engine = Engine::default();
        let plain = inspection(1, b"not a certificate".to_vec(), &[]);
        let Step::Reply(EngineReply::Report { id: 1, report }) =
            engine.request(EngineRequest::Inspect(plain.clone()))
        else {
            panic!("a report at once")
        };
        assert_eq!(*report, plain.report());
    }
}
