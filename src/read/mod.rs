//! Reading the inputs: bytes → certificates, CRLs and keys.
//!
//! [`decode`] recognises each input by content (PEM, DER, PKCS#7, PKCS#12, Java keystores,
//! bare base64) and opens protected parts ([`protected`], and `keystore` for JKS/JCEKS);
//! x509-parser reads every certificate into the owned summaries of [`certificate`] (its
//! extensions in `extensions`, its strictness problems as [`faults`]) and every CRL into
//! [`crl`]; [`signature`] names signature algorithms and checks signatures with *ring*;
//! [`names`] shows names with RFC 4514 escapes and compares them as each stack compares them;
//! [`keys`] reduces private keys to the public half derived from their private part.

pub(crate) mod asn1;
pub mod certificate;
pub mod crl;
pub mod decode;
pub(crate) mod extensions;
pub mod faults;
pub mod keys;
pub(crate) mod keystore;
pub mod names;
pub mod ocsp;
pub mod openssl_names;
pub mod protected;
pub mod signature;
