//! mtls-inspector: would this client certificate be accepted by my server, and if not, exactly
//! why and how do I fix it?
//!
//! The engine is pure: it never reads the clock, the network or the file system, and it never
//! panics on any input. The page (`src/ui`) and the command-line tool (`src/bin`) call
//! [`inspect`] and render the [`Report`].
//!
//! Pipeline: [`read`] (bytes → certificates, CRLs, keys, with x509-parser and der-parser) →
//! [`chain`] (candidate issuers and paths) → [`profiles`] (rustls-webpki's decision, OpenSSL's and
//! nginx's rules) → [`diagnosis`] (codes and plain-language text) → [`report`].

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
pub mod profiles;
pub mod read;
pub mod report;
pub mod request;
pub mod rfc3339;
pub mod share;
pub mod usage;

pub use read::{certificate, decode, keys, protected};

pub use certificate::{Side, Timestamp};
pub use inspect::{Input, Options, inspect};
pub use profiles::{Profile, Usage};
pub use report::{Report, Verdict};
