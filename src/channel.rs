//! The messages between the page and the Web Worker that runs the engine. Both sides are built
//! from this crate and exchange these types through serde-wasm-bindgen (bytes travel as
//! `Uint8Array`s).

use serde::{Deserialize, Serialize};

use crate::certificate::{Side, Timestamp};
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
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Request {
    Inspect(Inspection),
    /// The latest report as text, to download or to copy (the page does not carry the
    /// formatting code: it only shows).
    Export {
        format: ExportFormat,
        copy: bool,
    },
    /// What a log line a user pasted means (src/messages.rs).
    Explain {
        line: String,
    },
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
}

/// What the worker says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Reply {
    /// The worker has started: requests sent before this would have been lost.
    Ready,
    Report {
        id: u32,
        report: Box<Report>,
    },
    /// The known messages matching an [`Request::Explain`]'s line, best first.
    Explained {
        line: String,
        found: Vec<Explanation>,
    },
    /// The text of an [`Request::Export`]; empty before the first report.
    Export {
        format: ExportFormat,
        copy: bool,
        text: String,
    },
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

impl From<&crate::messages::Known> for Explanation {
    fn from(known: &crate::messages::Known) -> Self {
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

/// Explains a log line, as the worker answers it.
pub fn explain(line: String) -> Reply {
    let found = crate::messages::explain(&line)
        .into_iter()
        .map(Explanation::from)
        .collect();
    Reply::Explained { line, found }
}

impl ExportFormat {
    pub fn of(self, report: &Report) -> String {
        match self {
            Self::Json => report.to_json(),
            Self::Markdown => report.to_markdown(),
        }
    }
}

impl Inspection {
    /// Runs the inspection the request asks for.
    pub fn answer(&self) -> Reply {
        let inputs: Vec<crate::Input<'_>> = self
            .inputs
            .iter()
            .map(|file| crate::Input {
                side: file.side,
                name: &file.name,
                bytes: &file.bytes,
            })
            .collect();
        let options = crate::Options {
            passwords: self.passwords.clone(),
            certificate_request: crate::request::CertificateRequest::from_s_client(&self.s_client),
            ..crate::Options::at(self.time)
        };
        Reply::Report {
            id: self.id,
            report: Box::new(crate::inspect(&inputs, &options)),
        }
    }
}
