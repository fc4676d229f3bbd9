//! Share links: an inspection's certificates and CRLs and its validation time, never a key or
//! a password, as a compact payload. The engine's worker makes and reads the payload; the page
//! compresses it (the browser's deflate-raw) into the URL fragment, which browsers do not send
//! to servers, and inflates it back, never beyond its cap.
//!
//! By construction the payload is made from the report alone, and a report holds no key
//! material (the keys are reduced to their algorithm and whether they match).

use serde::{Deserialize, Serialize};

use crate::certificate::{Side, Timestamp};
use crate::inspect::OwnedInput;
use crate::report::{Report, Role};

/// The payload format (a version byte, then the fields in postcard's compact serde form); a
/// link made by another format version is refused, not misread.
const VERSION: u8 = 3;
/// Links of version 2 (before OCSP responses were carried) are still read.
const VERSION_2: u8 = 2;
/// Trusted CAs beyond this many bytes are left out unless the inspection used them (a whole
/// system trust store would make a link of hundreds of kilobytes).
pub const MAX_TRUST_BYTES: usize = 48 * 1024;

/// What a share link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub time: Timestamp,
    pub client: Vec<serde_bytes::ByteBuf>,
    pub trust: Vec<serde_bytes::ByteBuf>,
    pub crls: Vec<serde_bytes::ByteBuf>,
    /// How many trusted CAs no path uses were left out: those the report does not list, and
    /// those it lists when they are many bytes.
    pub trust_left_out: usize,
    /// The OCSP responses given (version 3).
    pub ocsp: Vec<serde_bytes::ByteBuf>,
}

/// A version 2 payload: [`Shared`] without its OCSP responses.
#[derive(Deserialize)]
struct SharedV2 {
    time: Timestamp,
    client: Vec<serde_bytes::ByteBuf>,
    trust: Vec<serde_bytes::ByteBuf>,
    crls: Vec<serde_bytes::ByteBuf>,
    trust_left_out: usize,
}

/// The DER inside one PEM block.
fn pem_der(pem: &str) -> Option<serde_bytes::ByteBuf> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    crate::read::decode::base64_decode(body.as_bytes()).map(serde_bytes::ByteBuf::from)
}

impl Shared {
    /// What to share of an inspection.
    pub fn of(report: &Report) -> Self {
        let mut shared = Self {
            time: report.validation_timestamp,
            ..Self::default()
        };
        let trust: Vec<_> = report
            .certificates
            .iter()
            .filter(|c| c.side == Side::Trust)
            .collect();
        let trust_bytes: usize = trust.iter().map(|c| c.pem.len()).sum();
        for certificate in &report.certificates {
            let Some(der) = pem_der(&certificate.pem) else {
                continue;
            };
            match certificate.side {
                Side::Client => shared.client.push(der),
                Side::Trust
                    if trust_bytes <= MAX_TRUST_BYTES || certificate.role != Role::Trusted =>
                {
                    shared.trust.push(der);
                }
                Side::Trust => shared.trust_left_out += 1,
            }
        }
        // Those the report does not list are of no path: left out too, and counted.
        shared.trust_left_out += report.unlisted_trusted;
        shared.crls = report.crls.iter().filter_map(|c| pem_der(&c.pem)).collect();
        shared.ocsp = report
            .ocsp_responses
            .iter()
            .filter_map(|r| pem_der(&r.pem))
            .collect();
        shared
    }

    /// The uncompressed payload.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        out.extend(postcard::to_allocvec(self).unwrap_or_default());
        out
    }

    /// Reads a payload; `None` unless it is exactly one payload of this version.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&version, payload) = bytes.split_first()?;
        match version {
            VERSION => match postcard::take_from_bytes(payload) {
                Ok((shared, [])) => Some(shared),
                _ => None,
            },
            VERSION_2 => match postcard::take_from_bytes::<SharedV2>(payload) {
                Ok((old, [])) => Some(Self {
                    time: old.time,
                    client: old.client,
                    trust: old.trust,
                    crls: old.crls,
                    trust_left_out: old.trust_left_out,
                    ocsp: Vec::new(),
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// What a link restores: its inputs at its validation time.
    pub fn restored(&self) -> crate::channel::Restored {
        crate::channel::Restored {
            inputs: self
                .inputs()
                .into_iter()
                .map(|(side, name, bytes)| crate::channel::File { side, name, bytes })
                .collect(),
            time: self.time,
        }
    }

    /// The inputs to inspect again: one PEM file per side (the CRLs with the trust).
    pub fn inputs(&self) -> Vec<OwnedInput> {
        let pem = |label: &str, ders: &[serde_bytes::ByteBuf]| -> String {
            ders.iter()
                .map(|der| crate::inspect::pem_block(label, der))
                .collect()
        };
        let mut inputs = vec![(
            Side::Client,
            "shared client certificates.pem".to_owned(),
            pem("CERTIFICATE", &self.client).into_bytes(),
        )];
        let trust = pem("CERTIFICATE", &self.trust)
            + &pem("X509 CRL", &self.crls)
            + &pem("OCSP RESPONSE", &self.ocsp);
        if !trust.is_empty() {
            inputs.push((
                Side::Trust,
                "shared trust.pem".to_owned(),
                trust.into_bytes(),
            ));
        }
        inputs
    }
}
