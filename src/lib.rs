//! mtls-inspector: would this client certificate be accepted by my server, and if not, exactly
//! why and how do I fix it?
//!
//! The engine is pure: it never reads the clock, the network or the file system, and it never
//! panics on any input. The page (`src/ui`) and the command-line tool (`src/bin`) call
//! [`inspect()`] and render the [`Report`].
//!
//! Pipeline: [`read`] (bytes → certificates, CRLs, keys, with x509-parser and der-parser) →
//! [`chain`] (candidate issuers and paths, names matched as each stack matches them) →
//! [`profiles`] (rustls-webpki's own decision; OpenSSL's, nginx's, Go's and Java's rules over
//! one per-certificate walk) → [`diagnosis`] and [`messages`] (codes, plain-language text, the
//! servers' log lines) → [`report`].

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod chain;
pub mod channel;
pub mod diagnosis;
pub mod escape;
pub mod handshake;
pub mod inspect;
pub mod messages;
#[cfg(not(target_arch = "wasm32"))]
pub mod probe;
pub mod profiles;
pub mod read;
pub mod report;
pub mod request;
pub mod rfc3339;
pub mod server;
pub mod share;
pub mod usage;

pub use read::{certificate, crl, decode, keys, protected, signature};

pub use certificate::{Side, Timestamp};
pub use inspect::{Input, Options, inspect};
pub use profiles::{Profile, Usage};
pub use report::{Report, Verdict};
