//! Reading the inputs: bytes → certificates, CRLs and keys.
//!
//! [`decode`] recognises each input by content (PEM, DER, PKCS#7, PKCS#12, Java keystores,
//! bare base64) and opens protected parts ([`protected`], [`keystore`]); x509-parser reads
//! every certificate and CRL into the owned summaries of [`certificate`], whose names
//! ([`names`]) are shown with RFC 4514 escapes and compared as each stack compares them;
//! [`keys`] reduces private keys to the public half derived from their private part.

pub(crate) mod asn1;
pub mod certificate;
pub mod decode;
pub mod faults;
pub mod keys;
pub(crate) mod keystore;
pub mod names;
pub mod protected;
