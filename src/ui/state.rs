//! All of the page's state in one reducer (the yew `function_todomvc` way). No browser API is
//! used here, so the state logic is tested natively.

use std::rc::Rc;

use mtls_inspector::Side;
use yew::Reducible;

use super::samples::Sample;

/// The page's three inputs: the engine's two sides, and the server's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Client,
    Trust,
    Server,
}

impl Role {
    /// The side of a certificate input; `None` for the server's configuration.
    pub fn side(self) -> Option<Side> {
        match self {
            Self::Client => Some(Side::Client),
            Self::Trust => Some(Side::Trust),
            Self::Server => None,
        }
    }

    /// The name its controls carry (`data-role`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Trust => "trust",
            Self::Server => "server",
        }
    }
}

impl From<Side> for Role {
    fn from(side: Side) -> Self {
        match side {
            Side::Client => Self::Client,
            Side::Trust => Self::Trust,
        }
    }
}

/// One file (or paste) the user gave.
#[derive(Clone, Debug, PartialEq)]
pub struct FileInput {
    pub id: u32,
    pub role: Role,
    /// Unique among the inputs, so that findings can point at it.
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
}

/// Everything the page knows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct State {
    pub client_paste: String,
    pub trust_paste: String,
    /// The server's configuration, pasted.
    pub server_paste: String,
    /// The user the client logs in as (PostgreSQL).
    pub user: String,
    pub files: Vec<FileInput>,
    next_id: u32,
    /// The validation time chosen by the user (or the URL); `None` = now.
    pub time: Option<i64>,
    /// The certificate whose details are open.
    pub selected: Option<usize>,
    /// Show every trusted CA in the diagram, not only those that matter.
    pub show_all_trusted: bool,
    /// The input panels are shown in full on a narrow screen (see [`Action::ToggleInputs`]).
    pub inputs_open: bool,
    /// A log line the user wants explained.
    pub log_line: String,
    /// The worker's explanation of a log line (the line it was made for, and the matches).
    pub explained: Option<(String, Rc<Vec<mtls_inspector::channel::Explanation>>)>,
    /// Pasted `openssl s_client` output with the server's CertificateRequest.
    pub s_client: String,
    /// Passwords for protected inputs, in the order given. Kept in memory only: never stored,
    /// exported or put in a link.
    pub passwords: Vec<String>,
    /// The share link made for the current report, and what it left out.
    pub share_link: Option<String>,
    /// A message for the user about something the page itself did (e.g. a broken share link).
    pub notice: Option<String>,
}

#[derive(Clone)]
pub enum Action {
    Paste(Role, String),
    User(String),
    AddFile {
        role: Role,
        name: String,
        /// Shared: the action is also applied ahead of the drawing (`Ahead` in mod.rs), and a
        /// trust bundle can be megabytes.
        bytes: Rc<Vec<u8>>,
    },
    RemoveFile(u32),
    Clear,
    SetTime(Option<i64>),
    Select(Option<usize>),
    LoadExample(&'static Sample),
    ToggleTrusted,
    /// On a narrow screen, show the input panels in full (they shrink to their files once a
    /// verdict is shown, so that it is on the first screen).
    ToggleInputs,
    LogLine(String),
    /// The worker explained a log line.
    Explained(String, Vec<mtls_inspector::channel::Explanation>),
    SClient(String),
    AddPassword(String),
    ForgetPasswords,
    ShareLink(Option<String>),
    Notice(Option<String>),
    /// Replaces every input with those of a share link, at its validation time.
    Restore {
        files: Vec<(Side, String, Vec<u8>)>,
        time: i64,
    },
}

/// The name paste inputs carry in reports.
pub const CLIENT_PASTE: &str = "client paste";
pub const TRUST_PASTE: &str = "trust paste";
pub const SERVER_PASTE: &str = "server paste";

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

impl State {
    pub fn with_time(time: Option<i64>) -> Self {
        Self {
            time,
            ..Self::default()
        }
    }

    pub fn apply(&mut self, action: Action) {
        if !matches!(
            action,
            Action::ShareLink(_)
                | Action::Notice(_)
                | Action::Select(_)
                | Action::LogLine(_)
                | Action::Explained(..)
                | Action::ToggleTrusted
                | Action::ToggleInputs
        ) {
            // A link describes the inputs it was made from: any change makes it stale.
            self.share_link = None;
        }
        match action {
            Action::Paste(Role::Client, text) => self.client_paste = text,
            Action::Paste(Role::Trust, text) => self.trust_paste = text,
            Action::Paste(Role::Server, text) => self.server_paste = text,
            Action::User(user) => self.user = user,
            Action::AddFile { role, name, bytes } => {
                let name = self.unique_name(&name);
                self.next_id += 1;
                self.files.push(FileInput {
                    id: self.next_id,
                    role,
                    name,
                    bytes,
                });
                self.selected = None;
            }
            Action::RemoveFile(id) => {
                self.files.retain(|f| f.id != id);
                self.selected = None;
            }
            Action::Clear => {
                self.client_paste.clear();
                self.trust_paste.clear();
                self.server_paste.clear();
                self.user.clear();
                self.files.clear();
                self.passwords.clear();
                self.selected = None;
            }
            Action::SetTime(time) => self.time = time,
            Action::Select(index) => self.selected = index,
            Action::LoadExample(sample) => {
                self.apply(Action::Clear);
                for (role, suffix, text) in [
                    (Role::Client, "client", sample.client),
                    (Role::Trust, "trust", sample.trust),
                ] {
                    self.apply(Action::AddFile {
                        role,
                        name: format!("example {}: {suffix}.pem", sample.id),
                        bytes: Rc::new(text.as_bytes().to_vec()),
                    });
                }
            }
            Action::ToggleTrusted => self.show_all_trusted = !self.show_all_trusted,
            Action::ToggleInputs => self.inputs_open = !self.inputs_open,
            Action::LogLine(text) => self.log_line = text,
            Action::Explained(line, found) => self.explained = Some((line, Rc::new(found))),
            Action::SClient(text) => self.s_client = text,
            Action::AddPassword(password) => {
                if !password.is_empty() && !self.passwords.contains(&password) {
                    self.passwords.push(password);
                }
            }
            Action::ForgetPasswords => self.passwords.clear(),
            Action::ShareLink(link) => self.share_link = link,
            Action::Notice(notice) => self.notice = notice,
            Action::Restore { files, time } => {
                self.apply(Action::Clear);
                for (side, name, bytes) in files {
                    let role = side.into();
                    self.apply(Action::AddFile {
                        role,
                        name,
                        bytes: Rc::new(bytes),
                    });
                }
                self.time = Some(time);
            }
        }
    }

    fn unique_name(&self, name: &str) -> String {
        let taken = |candidate: &str| {
            candidate == CLIENT_PASTE
                || candidate == TRUST_PASTE
                || candidate == SERVER_PASTE
                || self.files.iter().any(|f| f.name == candidate)
        };
        if !taken(name) {
            return name.to_owned();
        }
        (2..)
            .map(|n| format!("{name} ({n})"))
            .find(|candidate| !taken(candidate))
            .unwrap_or_else(|| name.to_owned())
    }

    pub fn has_client_input(&self) -> bool {
        !self.client_paste.trim().is_empty() || self.files.iter().any(|f| f.role == Role::Client)
    }

    pub fn has_any_input(&self) -> bool {
        self.has_client_input()
            || !self.trust_paste.trim().is_empty()
            || !self.server_paste.trim().is_empty()
            || !self.files.is_empty()
    }

    /// Runs the engine on every input at the chosen time (or `now`), as the worker does. `None`
    /// until the client side has something: the verdict stays undecided. For the native tests
    /// of the components: the page itself never runs the engine.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn inspect(&self, now: i64) -> Option<mtls_inspector::Report> {
        use mtls_inspector::{Input, Options, inspect};
        if !self.has_client_input() {
            return None;
        }
        let mut inputs: Vec<Input<'_>> = Vec::new();
        if !self.client_paste.trim().is_empty() {
            inputs.push(Input {
                side: Side::Client,
                name: CLIENT_PASTE,
                bytes: self.client_paste.as_bytes(),
            });
        }
        if !self.trust_paste.trim().is_empty() {
            inputs.push(Input {
                side: Side::Trust,
                name: TRUST_PASTE,
                bytes: self.trust_paste.as_bytes(),
            });
        }
        for file in &self.files {
            if let Some(side) = file.role.side() {
                inputs.push(Input {
                    side,
                    name: &file.name,
                    bytes: &file.bytes,
                });
            }
        }
        let options = Options {
            passwords: self.passwords.clone(),
            certificate_request: mtls_inspector::request::CertificateRequest::from_s_client(
                &self.s_client,
            ),
            server_configs: self.server_configs(),
            user: Some(self.user.trim().to_owned()).filter(|user| !user.is_empty()),
            ..Options::at(self.time.unwrap_or(now))
        };
        Some(inspect(&inputs, &options))
    }

    /// The server's configuration: the paste, then the files given (name, contents).
    pub fn server_configs(&self) -> Vec<(String, Vec<u8>)> {
        let paste = (!self.server_paste.trim().is_empty()).then(|| {
            (
                SERVER_PASTE.to_owned(),
                self.server_paste.as_bytes().to_vec(),
            )
        });
        paste
            .into_iter()
            .chain(
                self.files
                    .iter()
                    .filter(|f| f.role == Role::Server)
                    .map(|f| (f.name.clone(), f.bytes.to_vec())),
            )
            .collect()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::samples::SAMPLES;
    use mtls_inspector::Verdict;

    const NOW: i64 = 1_780_315_200;

    #[test]
    fn nothing_is_decided_until_the_client_side_has_input() {
        let mut state = State::default();
        assert!(state.inspect(NOW).is_none());
        state.apply(Action::Paste(Role::Trust, SAMPLES[0].trust.into()));
        assert!(state.inspect(NOW).is_none());
        state.apply(Action::Paste(Role::Client, SAMPLES[0].client.into()));
        assert_eq!(state.inspect(NOW).unwrap().verdict, Verdict::Accepted);
    }

    #[test]
    fn every_example_loads_with_the_verdict_it_promises() {
        for sample in &SAMPLES {
            let mut state = State::default();
            state.apply(Action::LoadExample(sample));
            let report = state.inspect(NOW).unwrap();
            assert_eq!(report.verdict, sample.verdict, "{}", sample.id);
            if let Some(code) = sample.code {
                assert!(
                    report.findings.iter().any(|f| f.code == code),
                    "{}",
                    sample.id
                );
            }
            assert_eq!(state.files.len(), 2);
        }
    }

    #[test]
    fn same_file_names_are_made_unique_and_removal_keeps_the_rest() {
        let mut state = State::default();
        for _ in 0..3 {
            state.apply(Action::AddFile {
                role: Role::Client,
                name: "chain.pem".into(),
                bytes: Rc::new(SAMPLES[0].client.as_bytes().to_vec()),
            });
        }
        let names: Vec<&str> = state.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["chain.pem", "chain.pem (2)", "chain.pem (3)"]);
        let second = state.files[1].id;
        state.apply(Action::RemoveFile(second));
        assert_eq!(state.files.len(), 2);
        state.apply(Action::Clear);
        assert!(!state.has_any_input());
    }

    #[test]
    fn the_validation_time_changes_the_verdict() {
        let mut state = State::default();
        state.apply(Action::LoadExample(&SAMPLES[0]));
        state.apply(Action::SetTime(Some(4_102_444_800))); // 2100
        let report = state.inspect(NOW).unwrap();
        assert_eq!(report.verdict, Verdict::Rejected);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code == mtls_inspector::diagnosis::Code::Expired)
        );
    }
}
