//! The messages between the page and the Web Worker that runs the engine. Both sides are built
//! from this crate and exchange these types through serde-wasm-bindgen (bytes travel as
//! `Uint8Array`s).

use serde::{Deserialize, Serialize};

use crate::certificate::{Side, Timestamp};
use crate::protected::{Answer, Failure, Locked};
use crate::report::Report;

/// One input: a file or a paste.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub side: Side,
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// What the page asks the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Request {
    Inspect(Inspection),
    /// An inspection run only so that the browser compiles the engine's code before the
    /// user's first one: no report comes back, and nothing is kept.
    #[serde(rename = "warm_up")]
    WarmUp(Inspection),
    /// What a log line a user pasted means (src/messages.rs).
    Explain {
        line: String,
    },
}

/// What the export module is asked (src/export_worker.rs), as it travels: the page sends the
/// report it was given by the engine, untouched ([`ExportAsk`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportRequest {
    /// The report as text, to download or to copy.
    Export {
        format: ExportFormat,
        copy: bool,
        report: Box<Report>,
    },
    /// The report's share-link payload (src/share.rs; the page compresses it).
    Share { report: Box<Report> },
    /// The inputs of a share link's payload (inflated by the page).
    Restore {
        #[serde(with = "serde_bytes")]
        payload: Vec<u8>,
    },
}

/// [`ExportRequest`] as the page writes it: the report is the engine's message passed on as it
/// came (serde-wasm-bindgen's `preserve`), so that the page carries no report serializer.
#[cfg(feature = "web")]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportAsk {
    Export {
        format: ExportFormat,
        copy: bool,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        report: wasm_bindgen::JsValue,
    },
    Share {
        #[serde(with = "serde_wasm_bindgen::preserve")]
        report: wasm_bindgen::JsValue,
    },
    Restore {
        #[serde(with = "serde_bytes")]
        payload: Vec<u8>,
    },
}

/// What the export module says: the [`Reply`] variants it answers, exactly as they travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportReply {
    Ready,
    Export {
        format: ExportFormat,
        copy: bool,
        text: String,
    },
    Shared {
        #[serde(with = "serde_bytes")]
        payload: Vec<u8>,
        trust_left_out: usize,
    },
    Restored {
        restored: Option<Restored>,
    },
}

/// Answers an [`ExportRequest`] (the export module's whole work).
pub fn export(request: ExportRequest) -> ExportReply {
    use crate::share::Shared;
    match request {
        ExportRequest::Export {
            format,
            copy,
            report,
        } => ExportReply::Export {
            format,
            copy,
            text: format.of(&report),
        },
        ExportRequest::Share { report } => {
            let shared = Shared::of(&report);
            ExportReply::Shared {
                payload: shared.to_bytes(),
                trust_left_out: shared.trust_left_out,
            }
        }
        ExportRequest::Restore { payload } => ExportReply::Restored {
            restored: Shared::from_bytes(&payload).as_ref().map(Shared::restored),
        },
    }
}

/// A report's text forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Markdown,
}

/// An inspection to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// Answers carry it back, so that the page shows only the latest.
    pub id: u32,
    pub time: Timestamp,
    /// Passwords for protected inputs: used to decrypt, never stored or reported.
    pub passwords: Vec<String>,
    /// Pasted `openssl s_client` output (empty when none).
    pub s_client: String,
    pub inputs: Vec<File>,
    /// The server's configuration files (`--server-config`).
    pub server_configs: Vec<ConfigFile>,
    /// The user the client logs in as (`--user`; empty when none).
    pub user: String,
    /// Which trusted certificates the report lists: the page asks for those used, then for
    /// the others after them when the user wants to see them.
    pub listing: crate::inspect::Listing,
}

/// One server configuration file, or a paste.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFile {
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// What the worker says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reply {
    /// The worker has started: requests sent before this would have been lost.
    Ready,
    /// The engine's worker has inspected the warm-up ([`Request::WarmUp`]).
    Warm,
    Report {
        id: u32,
        report: Box<Report>,
    },
    /// The known messages matching an [`Request::Explain`]'s line, best first.
    Explained {
        line: String,
        found: Vec<Explanation>,
    },
    /// The text of an [`ExportRequest::Export`].
    Export {
        format: ExportFormat,
        copy: bool,
        text: String,
    },
    /// An [`ExportRequest::Share`]'s payload, and how many trusted CAs it leaves out.
    Shared {
        #[serde(with = "serde_bytes")]
        payload: Vec<u8>,
        trust_left_out: usize,
    },
    /// An [`ExportRequest::Restore`]'s inputs (`None`: the payload is damaged).
    Restored {
        restored: Option<Restored>,
    },
}

/// The inputs and validation time a share link carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restored {
    pub inputs: Vec<File>,
    pub time: Timestamp,
}

/// What the engine is asked: [`Request`] without explanations (the explain module answers
/// those), as it travels; the engine then carries no code for them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineRequest {
    Inspect(Inspection),
    #[serde(rename = "warm_up")]
    WarmUp(Inspection),
}

/// What the engine says: the [`Reply`] variants it answers, as they travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineReply {
    Ready,
    Warm,
    Report { id: u32, report: Box<Report> },
}

/// What the explain module says: [`Reply::Ready`] and [`Reply::Explained`] exactly as they
/// travel, without the rest of [`Reply`] (whose reports' serializers the module would
/// otherwise carry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExplainReply {
    Ready,
    Explained {
        line: String,
        found: Vec<Explanation>,
    },
}

/// What the explain module is asked: [`Request::Explain`] alone, as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExplainRequest {
    Explain { line: String },
}

/// One known message, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub printed_by: String,
    pub example: String,
    pub meaning: String,
    pub codes: Vec<crate::diagnosis::Code>,
    pub checks: String,
    pub confirmed: String,
}

impl From<crate::messages::Known> for Explanation {
    fn from(known: crate::messages::Known) -> Self {
        Self {
            printed_by: known.printed_by.to_owned(),
            example: known.example.to_owned(),
            meaning: known.meaning.to_owned(),
            codes: known.codes.to_vec(),
            checks: known.checks.to_owned(),
            confirmed: known.confirmed.to_owned(),
        }
    }
}

/// Explains a log line, as the explain module answers it.
pub fn explain(line: String) -> ExplainReply {
    let found = crate::messages::explain(&line)
        .into_iter()
        .map(Explanation::from)
        .collect();
    ExplainReply::Explained { line, found }
}

impl ExportFormat {
    pub fn of(self, report: &Report) -> String {
        match self {
            #[cfg(all(target_arch = "wasm32", feature = "web"))]
            Self::Json => json_in_browser(report),
            #[cfg(not(all(target_arch = "wasm32", feature = "web")))]
            Self::Json => report.to_json(),
            Self::Markdown => report.to_markdown(),
        }
    }
}

/// [`Report::to_json`]'s text, written by the browser's `JSON.stringify` from the value
/// serde-wasm-bindgen makes (JSON-compatible: missing as `null`, maps as objects). The engine
/// then carries one serializer for its reports, not two: serde_json's copy of every report
/// type's `Serialize` costs 13 KB of the gzipped engine. Both write each object's keys in the
/// order of its fields (serde-wasm-bindgen sets them in that order, and `stringify` keeps
/// it). `tests/web.rs` compares the two texts.
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub fn json_in_browser(report: &Report) -> String {
    use serde::Serialize as _;

    // Neither can fail on a report (no maps with other keys, no numbers out of range).
    let failed = || "{\"error\": \"the report could not be written as JSON\"}".to_owned();
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = match report.clone().without_pem().serialize(&serializer) {
        Ok(value) => value,
        Err(_) => return failed(),
    };
    match js_sys::JSON::stringify_with_replacer_and_space(
        &value,
        &wasm_bindgen::JsValue::NULL,
        &2.into(),
    ) {
        Ok(text) => text.as_string().unwrap_or_default(),
        Err(_) => failed(),
    }
}

/// What the engine asks its unlock worker: the protected parts of an inspection's inputs,
/// each with the index of its input, and the passwords to try.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockRequest {
    pub id: u32,
    pub passwords: Vec<String>,
    pub parts: Vec<(usize, Locked)>,
}

/// What the unlock worker says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnlockReply {
    Ready,
    /// One answer per part of the [`UnlockRequest`] `id`, in its order.
    Unlocked {
        id: u32,
        answers: Vec<Answer>,
    },
}

/// Answers an [`UnlockRequest`] (the unlock worker's whole work).
pub fn unlock(request: UnlockRequest) -> UnlockReply {
    UnlockReply::Unlocked {
        id: request.id,
        answers: crate::protected::open_all(&request.passwords, request.parts),
    }
}

/// An Envoy configuration's text and what its YAML read as ([`crate::Options::yaml`]).
pub type ReadYaml = (String, Result<Vec<crate::server::envoy::Node>, String>);

/// The YAML module's answers among `answers` (those for the `Locked::Yaml` parts of `asked`).
pub fn yaml_answers(asked: &[(usize, Locked)], answers: &[Answer]) -> Vec<ReadYaml> {
    let read = asked.iter().zip(answers).filter_map(|((_, part), answer)| {
        let Locked::Yaml(text) = part else {
            return None;
        };
        let text = String::from_utf8_lossy(text).into_owned();
        let documents = match answer {
            Ok(crate::protected::Unlocked::Yaml(documents)) => Ok(documents.clone()),
            Err(Failure::Unreadable(error)) => Err(error.clone()),
            _ => Err("the YAML module did not read it".to_owned()),
        };
        Some((text, documents))
    });
    read.collect()
}

/// What the OCSP and YAML workers say: each part of an [`UnlockRequest`] read, or why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadReply {
    Ready,
    Read {
        id: u32,
        /// The [`Read`]s, in postcard's compact form: the engine's module then carries a
        /// reader of plain bytes for them rather than one of JavaScript objects (~4 KB less
        /// of its code, measured).
        #[serde(with = "serde_bytes")]
        answers: Vec<u8>,
    },
}

/// One part read (an OCSP response, or an Envoy configuration's YAML), or why it could not be
/// (a plain struct rather than a `Result`: serde's `Result` visitor alone was 6 KB of the
/// engine's module, measured).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Read {
    pub ocsp: Option<crate::read::ocsp::Ocsp>,
    pub yaml: Option<Vec<crate::server::envoy::Node>>,
    pub error: String,
}

impl ReadReply {
    /// The answers as the reader takes them ([`Answer`]s), with their request's id.
    pub fn answers(self) -> Option<(u32, Vec<Answer>)> {
        let Self::Read { id, answers } = self else {
            return None;
        };
        let answers: Vec<Read> = postcard::from_bytes(&answers).ok()?;
        let answers = answers
            .into_iter()
            .map(|read| match (read.ocsp, read.yaml) {
                (Some(ocsp), _) => Ok(crate::protected::Unlocked::Ocsp(std::sync::Arc::new(ocsp))),
                (None, Some(yaml)) => Ok(crate::protected::Unlocked::Yaml(yaml)),
                (None, None) => Err(Failure::Unreadable(read.error)),
            })
            .collect();
        Some((id, answers))
    }

    /// Each part of `request` read by `read`.
    fn reading(request: UnlockRequest, read: impl Fn(Locked) -> Read) -> Self {
        let answers: Vec<Read> = request
            .parts
            .into_iter()
            .map(|(_, locked)| read(locked))
            .collect();
        Self::Read {
            id: request.id,
            answers: postcard::to_allocvec(&answers).unwrap_or_default(),
        }
    }
}

/// Answers an [`UnlockRequest`] of OCSP responses (the OCSP worker's whole work): each read.
pub fn read_ocsp(request: UnlockRequest) -> ReadReply {
    ReadReply::reading(request, |locked| match locked {
        Locked::Ocsp(der) => match crate::read::ocsp::Ocsp::parse(&der) {
            Ok(ocsp) => Read {
                ocsp: Some(ocsp),
                ..Read::default()
            },
            Err(error) => Read {
                error: error.0,
                ..Read::default()
            },
        },
        _ => Read {
            error: "only OCSP responses are read here".to_owned(),
            ..Read::default()
        },
    })
}

/// Answers an [`UnlockRequest`] of Envoy configurations (the YAML worker's whole work): each
/// one's YAML read.
pub fn read_yaml(request: UnlockRequest) -> ReadReply {
    ReadReply::reading(request, |locked| {
        let read = match locked {
            Locked::Yaml(text) => crate::server::envoy::parse(&String::from_utf8_lossy(&text)),
            _ => Err("only YAML is read here".to_owned()),
        };
        match read {
            Ok(documents) => Read {
                yaml: Some(documents),
                ..Read::default()
            },
            Err(error) => Read {
                error,
                ..Read::default()
            },
        }
    })
}

/// Runs a worker module that answers each message on its own: the message read as `Q`, the
/// reply `answer` gives sent back, `ready` announced first (the explain, unlock, OCSP and YAML
/// modules).
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub fn serve<Q, R>(name: &'static str, ready: R, answer: impl Fn(Q) -> R + 'static)
where
    Q: serde::de::DeserializeOwned + 'static,
    R: Serialize + 'static,
{
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let send = move |reply: &R| {
        let sent = serde_wasm_bindgen::to_value(reply)
            .ok()
            .and_then(|message| reply_to.post_message(&message).ok());
        if sent.is_none() {
            web_sys::console::error_1(
                &format!("mtls-inspector {name} worker: cannot answer").into(),
            );
        }
    };
    let reply = send.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<Q>(event.data()) {
                Ok(request) => reply(&answer(request)),
                Err(error) => web_sys::console::error_1(
                    &format!("mtls-inspector {name} worker: unreadable request: {error}").into(),
                ),
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    send(&ready);
}

impl Inspection {
    /// The report the inspection asks for, protected parts opened with its passwords.
    pub fn report(&self) -> Report {
        let inputs = self.inputs();
        crate::inspect(&inputs, &self.options())
    }

    /// The report with protected parts opened only by the `answers` given (the unlock
    /// worker's, in the order of `asked`), and the parts it still needs opened: when there are
    /// any, the report is not the final one.
    pub fn report_unlocked(
        &self,
        asked: &[(usize, Locked)],
        answers: &[Answer],
    ) -> (Report, Vec<(usize, Locked)>) {
        let (prepared, mut needed) = self.read_unlocked(asked, answers);
        let yaml = yaml_answers(asked, answers);
        needed.extend(self.yaml_needed(&yaml));
        (self.report_prepared(&prepared, &yaml), needed)
    }

    /// The Envoy configurations among the server's whose YAML is not in `read`, as parts for
    /// the YAML module (numbered after the inputs).
    pub fn yaml_needed(&self, read: &[ReadYaml]) -> Vec<(usize, Locked)> {
        let envoy = self
            .server_configs
            .iter()
            .enumerate()
            .filter_map(|(k, file)| {
                let text = String::from_utf8_lossy(&file.bytes);
                let needed = crate::server::envoy::looks_like(&text)
                    && !read.iter().any(|(done, _)| *done == text);
                needed.then(|| {
                    (
                        self.inputs.len() + k,
                        Locked::Yaml(text.into_owned().into_bytes()),
                    )
                })
            });
        envoy.collect()
    }

    /// The inputs read, with protected parts opened only by the `answers` given (as
    /// [`Inspection::report_unlocked`]), and the protected parts still to open.
    pub fn read_unlocked(
        &self,
        asked: &[(usize, Locked)],
        answers: &[Answer],
    ) -> (crate::inspect::Prepared, Vec<(usize, Locked)>) {
        let inputs = self.inputs();
        let mut needed = Vec::new();
        let prepared = crate::inspect::Prepared::read(&inputs, &mut |index, locked| {
            let part = (index, locked);
            match asked.iter().position(|asked| *asked == part) {
                Some(at) => answers
                    .get(at)
                    .cloned()
                    .unwrap_or(Err(Failure::NeedsPassword)),
                None => {
                    needed.push(part);
                    Err(Failure::NeedsPassword)
                }
            }
        });
        (prepared, needed)
    }

    /// The report of these inputs already read (`prepared`), with the Envoy configurations'
    /// YAML `yaml` (what is not in it is read here, on the command line).
    pub fn report_prepared(
        &self,
        prepared: &crate::inspect::Prepared,
        yaml: &[ReadYaml],
    ) -> Report {
        let options = crate::Options {
            yaml: yaml.to_vec(),
            ..self.options()
        };
        crate::inspect::inspect_prepared(prepared, &self.inputs(), &options)
    }

    fn inputs(&self) -> Vec<crate::Input<'_>> {
        self.inputs
            .iter()
            .map(|file| crate::Input {
                side: file.side,
                name: &file.name,
                bytes: &file.bytes,
            })
            .collect()
    }

    fn options(&self) -> crate::Options {
        crate::Options {
            passwords: self.passwords.clone(),
            certificate_request: crate::request::CertificateRequest::from_s_client(&self.s_client),
            server_configs: self
                .server_configs
                .iter()
                .map(|file| (file.name.clone(), file.bytes.clone()))
                .collect(),
            user: Some(self.user.trim().to_owned()).filter(|user| !user.is_empty()),
            listing: self.listing,
            ..crate::Options::at(self.time)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine's, the explain module's and the export module's own message types travel as
    /// the page's [`Request`] and [`Reply`].
    #[test]
    fn each_modules_messages_are_the_pages() {
        let asked = serde_json::to_value(Request::Explain {
            line: "error 20".into(),
        })
        .unwrap();
        assert_eq!(
            serde_json::from_value::<ExplainRequest>(asked).unwrap(),
            ExplainRequest::Explain {
                line: "error 20".into()
            }
        );
        let asked = serde_json::to_value(Request::Explain { line: "x".into() }).unwrap();
        assert!(serde_json::from_value::<EngineRequest>(asked).is_err());
        // The engine's own types, the same way.
        let inspection = Inspection {
            id: 7,
            time: 1_780_315_200,
            passwords: Vec::new(),
            s_client: String::new(),
            inputs: Vec::new(),
            server_configs: Vec::new(),
            user: String::new(),
            listing: crate::inspect::Listing::Used,
        };
        let asked = serde_json::to_value(Request::Inspect(inspection.clone())).unwrap();
        assert!(serde_json::from_value::<ExplainRequest>(asked.clone()).is_err());
        assert_eq!(
            serde_json::from_value::<EngineRequest>(asked).unwrap(),
            EngineRequest::Inspect(inspection)
        );
        let restored = Restored {
            inputs: vec![File {
                side: Side::Client,
                name: "shared client certificates.pem".into(),
                bytes: b"-----BEGIN CERTIFICATE-----".to_vec(),
            }],
            time: 1_780_315_200,
        };
        for (sent, expected) in [
            (EngineReply::Ready, Reply::Ready),
            (EngineReply::Warm, Reply::Warm),
        ] {
            let travelled: Reply =
                serde_json::from_value(serde_json::to_value(sent).unwrap()).unwrap();
            assert_eq!(travelled, expected);
        }
        // The export module's replies (its requests, which carry the engine's report as the page
        // got it, are checked in the browser: tests/web.rs).
        for (sent, expected) in [
            (ExportReply::Ready, Reply::Ready),
            (
                ExportReply::Shared {
                    payload: vec![2, 7],
                    trust_left_out: 3,
                },
                Reply::Shared {
                    payload: vec![2, 7],
                    trust_left_out: 3,
                },
            ),
            (
                ExportReply::Restored {
                    restored: Some(restored.clone()),
                },
                Reply::Restored {
                    restored: Some(restored),
                },
            ),
            (
                ExportReply::Export {
                    format: ExportFormat::Markdown,
                    copy: true,
                    text: "# report".into(),
                },
                Reply::Export {
                    format: ExportFormat::Markdown,
                    copy: true,
                    text: "# report".into(),
                },
            ),
        ] {
            let travelled: Reply =
                serde_json::from_value(serde_json::to_value(sent).unwrap()).unwrap();
            assert_eq!(travelled, expected);
        }
        let ExplainReply::Explained { line, found } =
            explain("unable to get local issuer certificate".into())
        else {
            panic!("an explanation")
        };
        assert!(!found.is_empty());
        for (sent, expected) in [
            (ExplainReply::Ready, Reply::Ready),
            (
                ExplainReply::Explained {
                    line: line.clone(),
                    found: found.clone(),
                },
                Reply::Explained { line, found },
            ),
        ] {
            let travelled: Reply =
                serde_json::from_value(serde_json::to_value(sent).unwrap()).unwrap();
            assert_eq!(travelled, expected);
        }
    }
}
