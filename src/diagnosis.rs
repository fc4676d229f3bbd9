//! Diagnosis codes and their plain-language explanations.
//!
//! Every code is a stable contract (SPEC "Diagnosis codes"). The text a user reads — title,
//! detail naming the certificate and the field, remedy, and the log lines servers print — lives
//! here, beside the codes, and is tested natively.

use serde::{Deserialize, Serialize};

use crate::certificate::{Certificate, Timestamp};
use crate::escape;
use crate::profiles::Usage;

/// A stable diagnosis code, written as its snake_case name (see [`Code::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    // errors: they make a profile reject
    IssuerNotFound,
    UntrustedRoot,
    IssuerKeyMismatch,
    BadSignature,
    Expired,
    NotYetValid,
    ClientAuthEkuMissing,
    IssuerEkuExcludesClientAuth,
    IssuerNotCa,
    IssuerMissingKeyCertSign,
    LeafKeyUsageMissingDigitalSignature,
    CaUsedAsClientCertificate,
    PathLengthExceeded,
    NameConstraintsViolated,
    UnsupportedSignatureAlgorithm,
    WeakKey,
    UnsupportedKeyType,
    UnsupportedCriticalExtension,
    UnsupportedVersion,
    Revoked,
    PrivateKeyMismatch,
    PrivateKeyInconsistent,
    MalformedExtension,
    ChainTooDeep,
    ChainSearchExhausted,
    MalformedCertificate,
    RevocationStatusUnknown,
    CrlExpired,
    CrlNotYetValid,
    CrlUnusable,
    OcspResponseUnusable,
    ClientNameMismatch,
    AccessRuleRefuses,
    SubjectAltNameNotAllowed,
    CertificatePinMismatch,
    // incomplete: nothing to decide on
    NoClientCertificate,
    NoTrustAnchors,
    // warnings
    ExpiresSoon,
    BundleOutOfOrder,
    UnusedCertificate,
    UnreadableInput,
    EncryptedPrivateKey,
    Pkcs12NeedsPassword,
    WrongPassword,
    IntegrityCheckFailed,
    IssuerNotInAcceptableCaNames,
    KeyTypeNotRequested,
    CaNameEncodingDiffers,
    MalformedCrl,
    MalformedOcspResponse,
    OcspResponseUnverifiable,
    MalformedTrustCertificate,
    EncodingNotStrict,
    ClientCertificateNotRequested,
    VerificationNotEnforced,
    ServerConfigProblem,
    // information
    PrivateKeyMatches,
    PrivateKeyUnverifiable,
    AssumedTrustAnchor,
    DuplicateCertificate,
    IntermediateOnlyInTrustStore,
    RootSentByClient,
    CertificateRequestIgnored,
    UnlistedTrustedCertificates,
}

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Incomplete,
    Warning,
    Info,
}

impl Code {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: &'static [Code] = &[
        Code::IssuerNotFound,
        Code::UntrustedRoot,
        Code::IssuerKeyMismatch,
        Code::BadSignature,
        Code::Expired,
        Code::NotYetValid,
        Code::ClientAuthEkuMissing,
        Code::IssuerEkuExcludesClientAuth,
        Code::IssuerNotCa,
        Code::IssuerMissingKeyCertSign,
        Code::LeafKeyUsageMissingDigitalSignature,
        Code::CaUsedAsClientCertificate,
        Code::PathLengthExceeded,
        Code::NameConstraintsViolated,
        Code::UnsupportedSignatureAlgorithm,
        Code::WeakKey,
        Code::UnsupportedKeyType,
        Code::UnsupportedCriticalExtension,
        Code::UnsupportedVersion,
        Code::Revoked,
        Code::PrivateKeyMismatch,
        Code::PrivateKeyInconsistent,
        Code::MalformedExtension,
        Code::ChainTooDeep,
        Code::ChainSearchExhausted,
        Code::MalformedCertificate,
        Code::RevocationStatusUnknown,
        Code::CrlExpired,
        Code::CrlNotYetValid,
        Code::CrlUnusable,
        Code::OcspResponseUnusable,
        Code::ClientNameMismatch,
        Code::AccessRuleRefuses,
        Code::SubjectAltNameNotAllowed,
        Code::CertificatePinMismatch,
        Code::NoClientCertificate,
        Code::NoTrustAnchors,
        Code::ExpiresSoon,
        Code::BundleOutOfOrder,
        Code::UnusedCertificate,
        Code::UnreadableInput,
        Code::EncryptedPrivateKey,
        Code::Pkcs12NeedsPassword,
        Code::WrongPassword,
        Code::IntegrityCheckFailed,
        Code::IssuerNotInAcceptableCaNames,
        Code::KeyTypeNotRequested,
        Code::CaNameEncodingDiffers,
        Code::MalformedCrl,
        Code::MalformedOcspResponse,
        Code::OcspResponseUnverifiable,
        Code::MalformedTrustCertificate,
        Code::EncodingNotStrict,
        Code::ClientCertificateNotRequested,
        Code::VerificationNotEnforced,
        Code::ServerConfigProblem,
        Code::PrivateKeyMatches,
        Code::PrivateKeyUnverifiable,
        Code::AssumedTrustAnchor,
        Code::DuplicateCertificate,
        Code::IntermediateOnlyInTrustStore,
        Code::RootSentByClient,
        Code::CertificateRequestIgnored,
        Code::UnlistedTrustedCertificates,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IssuerNotFound => "issuer_not_found",
            Self::UntrustedRoot => "untrusted_root",
            Self::IssuerKeyMismatch => "issuer_key_mismatch",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::ClientAuthEkuMissing => "client_auth_eku_missing",
            Self::IssuerEkuExcludesClientAuth => "issuer_eku_excludes_client_auth",
            Self::IssuerNotCa => "issuer_not_ca",
            Self::IssuerMissingKeyCertSign => "issuer_missing_key_cert_sign",
            Self::LeafKeyUsageMissingDigitalSignature => "leaf_key_usage_missing_digital_signature",
            Self::CaUsedAsClientCertificate => "ca_used_as_client_certificate",
            Self::PathLengthExceeded => "path_length_exceeded",
            Self::NameConstraintsViolated => "name_constraints_violated",
            Self::UnsupportedSignatureAlgorithm => "unsupported_signature_algorithm",
            Self::WeakKey => "weak_key",
            Self::UnsupportedKeyType => "unsupported_key_type",
            Self::UnsupportedCriticalExtension => "unsupported_critical_extension",
            Self::UnsupportedVersion => "unsupported_version",
            Self::Revoked => "revoked",
            Self::PrivateKeyMismatch => "private_key_mismatch",
            Self::PrivateKeyInconsistent => "private_key_inconsistent",
            Self::MalformedExtension => "malformed_extension",
            Self::ChainTooDeep => "chain_too_deep",
            Self::ChainSearchExhausted => "chain_search_exhausted",
            Self::MalformedCertificate => "malformed_certificate",
            Self::RevocationStatusUnknown => "revocation_status_unknown",
            Self::CrlExpired => "crl_expired",
            Self::CrlNotYetValid => "crl_not_yet_valid",
            Self::CrlUnusable => "crl_unusable",
            Self::OcspResponseUnusable => "ocsp_response_unusable",
            Self::NoClientCertificate => "no_client_certificate",
            Self::NoTrustAnchors => "no_trust_anchors",
            Self::ExpiresSoon => "expires_soon",
            Self::BundleOutOfOrder => "bundle_out_of_order",
            Self::UnusedCertificate => "unused_certificate",
            Self::UnreadableInput => "unreadable_input",
            Self::EncryptedPrivateKey => "encrypted_private_key",
            Self::Pkcs12NeedsPassword => "pkcs12_needs_password",
            Self::WrongPassword => "wrong_password",
            Self::IntegrityCheckFailed => "integrity_check_failed",
            Self::IssuerNotInAcceptableCaNames => "issuer_not_in_acceptable_ca_names",
            Self::KeyTypeNotRequested => "key_type_not_requested",
            Self::CaNameEncodingDiffers => "ca_name_encoding_differs",
            Self::MalformedCrl => "malformed_crl",
            Self::MalformedOcspResponse => "malformed_ocsp_response",
            Self::OcspResponseUnverifiable => "ocsp_response_unverifiable",
            Self::MalformedTrustCertificate => "malformed_trust_certificate",
            Self::EncodingNotStrict => "encoding_not_strict",
            Self::PrivateKeyMatches => "private_key_matches",
            Self::PrivateKeyUnverifiable => "private_key_unverifiable",
            Self::AssumedTrustAnchor => "assumed_trust_anchor",
            Self::DuplicateCertificate => "duplicate_certificate",
            Self::IntermediateOnlyInTrustStore => "intermediate_only_in_trust_store",
            Self::RootSentByClient => "root_sent_by_client",
            Self::CertificateRequestIgnored => "certificate_request_ignored",
            Self::UnlistedTrustedCertificates => "unlisted_trusted_certificates",
            Self::ClientCertificateNotRequested => "client_certificate_not_requested",
            Self::ClientNameMismatch => "client_name_mismatch",
            Self::AccessRuleRefuses => "access_rule_refuses",
            Self::SubjectAltNameNotAllowed => "subject_alt_name_not_allowed",
            Self::CertificatePinMismatch => "certificate_pin_mismatch",
            Self::VerificationNotEnforced => "verification_not_enforced",
            Self::ServerConfigProblem => "server_config_problem",
        }
    }

    pub fn severity(self) -> Severity {
        use Code::*;
        match self {
            NoClientCertificate | NoTrustAnchors => Severity::Incomplete,
            ExpiresSoon
            | BundleOutOfOrder
            | UnusedCertificate
            | UnreadableInput
            | EncryptedPrivateKey
            | Pkcs12NeedsPassword
            | WrongPassword
            | IntegrityCheckFailed
            | IssuerNotInAcceptableCaNames
            | KeyTypeNotRequested
            | CaNameEncodingDiffers
            | MalformedCrl
            | MalformedOcspResponse
            | OcspResponseUnverifiable
            | MalformedTrustCertificate
            | EncodingNotStrict
            | ClientCertificateNotRequested
            | VerificationNotEnforced
            | ServerConfigProblem => Severity::Warning,
            PrivateKeyMatches
            | PrivateKeyUnverifiable
            | AssumedTrustAnchor
            | DuplicateCertificate
            | IntermediateOnlyInTrustStore
            | RootSentByClient
            | CertificateRequestIgnored
            | UnlistedTrustedCertificates => Severity::Info,
            _ => Severity::Error,
        }
    }
}

// By hand, through the one table of names, rather than derived: serde's derive writes a matcher
// of its own for every variant, twice, which the page paid for in bytes.
impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnosis code `{name}`")))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule broken (or one fact noticed) by one profile, before it becomes a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub code: Code,
    /// The certificate it is about (index into the report's certificates).
    pub certificate: Option<usize>,
    /// Another certificate involved (the candidate issuer, the signer).
    pub related: Option<usize>,
    /// The field value that breaks the rule, as shown to the user.
    pub value: Option<String>,
}

impl Violation {
    pub fn new(code: Code, certificate: usize) -> Self {
        Self {
            code,
            certificate: Some(certificate),
            related: None,
            value: None,
        }
    }

    pub fn general(code: Code) -> Self {
        Self {
            code,
            certificate: None,
            related: None,
            value: None,
        }
    }

    pub fn related(mut self, related: usize) -> Self {
        self.related = Some(related);
        self
    }

    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_owned());
        self
    }
}

/// The plain-language text of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub detail: String,
    pub remedy: String,
}

/// What the explanation may refer to.
pub struct Subject<'a> {
    pub certificate: Option<&'a Certificate>,
    /// Its role in words: "the client certificate", "the intermediate", "the root".
    pub role: &'a str,
    pub related: Option<&'a Certificate>,
    pub value: Option<&'a str>,
    pub time: Timestamp,
    pub usage: Usage,
}

/// Formats a timestamp as RFC 3339 (UTC).
pub fn format_time(time: Timestamp) -> String {
    crate::rfc3339::format(time).unwrap_or_else(|| format!("{time} seconds after 1970"))
}

/// A size as a person reads it: "900 bytes", "1.5 KiB", "64 MiB" (integer arithmetic: the
/// page carries no float formatting).
pub fn size_words(bytes: usize) -> String {
    let (unit, name): (u128, &str) = match bytes {
        0..1024 => return format!("{bytes} bytes"),
        1024..1_048_576 => (1024, "KiB"),
        1_048_576..1_073_741_824 => (1_048_576, "MiB"),
        _ => (1_073_741_824, "GiB"),
    };
    let tenths = (bytes as u128 * 10 + unit / 2) / unit;
    match tenths % 10 {
        0 => format!("{} {name}", tenths / 10),
        tenth => format!("{}.{tenth} {name}", tenths / 10),
    }
}

fn days(seconds: i64) -> String {
    let days = seconds / 86_400;
    match days {
        0 => "less than a day".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

/// The plain-language text of a code: a title, and a detail and a remedy whose `{placeholders}`
/// [`explain`] fills from the finding (see [`placeholder`]).
struct Texts {
    code: Code,
    title: &'static str,
    detail: &'static str,
    remedy: &'static str,
}

/// How to give a password, for every input that needs one.
const ENTER_PASSWORD: &str = "Enter its password (the page asks for it; the CLI takes \
     --password-file). It is used only here, to decrypt, and never stored or exported.";

/// The text of every code, one entry each (tested).
const TEXTS: &[Texts] = &[
    Texts {
        code: Code::IssuerNotFound,
        title: "The issuing CA certificate is missing",
        detail: "{who} was issued by `{issuer_name}`, but no certificate with that subject is in the \
             client bundle or the server's trusted CAs. Usually the client does not send its \
             intermediate CA certificate, or the server trusts a different CA.",
        remedy: "Add the certificate of `{issuer_name}` to the client's bundle (after the client \
             certificate: `cat client.crt intermediate.crt > bundle.crt`), or add it with its root to \
             the server's trusted CA file (nginx `ssl_client_certificate`).",
    },
    Texts {
        code: Code::UntrustedRoot,
        title: "The chain ends at a root the server does not trust",
        detail: "The chain leads to the self-signed {name}, which is not among the server's trusted CAs.",
        remedy: "Add {name} to the server's trusted client-CA file (nginx `ssl_client_certificate`, \
             rustls `RootCertStore`), or issue the client certificate from a CA the server already \
             trusts.",
    },
    Texts {
        code: Code::IssuerKeyMismatch,
        title: "A CA with the right name but a different key",
        detail: "{who} names `{issuer_name}` as its issuer, and {related} has that name, but its key did \
             not make the signature on {name}. The CA was probably re-issued with a new key, or two \
             CAs share a name.",
        remedy: "Use the CA certificate whose key actually signed {name} (compare the client \
             certificate's authority key identifier with each CA's subject key identifier), or \
             re-issue the client certificate from the current CA.",
    },
    Texts {
        code: Code::BadSignature,
        title: "A signature does not verify",
        detail: "The signature on {who} does not verify with the key of its issuer {related}: the \
             certificate was altered or corrupted, or signed by another key.",
        remedy: "Obtain an intact copy of the certificate from its CA, or re-issue it.",
    },
    Texts {
        code: Code::Expired,
        title: "A certificate has expired",
        detail: "{who} expired at {not_after} (notAfter), {ago} before the validation time {time}.",
        remedy: "Renew {name} and deploy the new certificate; if the time looks wrong, check the server's \
             clock.",
    },
    Texts {
        code: Code::NotYetValid,
        title: "A certificate is not valid yet",
        detail: "{who} becomes valid at {not_before} (notBefore), after the validation time {time}.",
        remedy: "Check the clocks of the CA and the server, or wait until the certificate becomes valid; \
             re-issue it with a notBefore in the past.",
    },
    Texts {
        code: Code::ClientAuthEkuMissing,
        title: "The client certificate is not allowed for client authentication",
        detail: "The extended key usage of {who} lists {value} only, without {eku}.",
        remedy: "Re-issue {name} with `extendedKeyUsage = {eku}` (for `openssl x509 -req -extfile`), or \
             remove the extendedKeyUsage extension altogether.",
    },
    Texts {
        code: Code::IssuerEkuExcludesClientAuth,
        title: "A CA in the chain is restricted to other purposes",
        detail: "The extended key usage of {who} lists {value} without {eku}; rustls, OpenSSL and Go \
             apply a CA's EKU to every certificate it issues (Java does not).",
        remedy: "Re-issue {name} with `extendedKeyUsage = {eku}` added (or without the extension), or \
             issue the client certificate from a CA that allows {eku}.",
    },
    Texts {
        code: Code::IssuerNotCa,
        title: "An issuing certificate is not a CA",
        detail: "{who} signed another certificate in the chain, but its basicConstraints does not say \
             CA:TRUE{value_in_parens}.",
        remedy: "Re-issue {name} with `basicConstraints = critical, CA:TRUE`, or issue the client \
             certificate from a real CA.",
    },
    Texts {
        code: Code::IssuerMissingKeyCertSign,
        title: "An issuing certificate may not sign certificates",
        detail: "The key usage of {who} is {value}, without keyCertSign.",
        remedy: "Re-issue {name} with `keyUsage = critical, keyCertSign, cRLSign`.",
    },
    Texts {
        code: Code::LeafKeyUsageMissingDigitalSignature,
        title: "The client certificate's key may not sign",
        detail: "The key usage of {who} is {value}, without digitalSignature; the client proves it holds \
             the key with a signature (CertificateVerify).",
        remedy: "Re-issue {name} with `keyUsage = critical, digitalSignature` (add keyAgreement only if \
             needed), or without a keyUsage extension.",
    },
    Texts {
        code: Code::CaUsedAsClientCertificate,
        title: "The client certificate is a CA certificate",
        detail: "{who} has basicConstraints CA:TRUE; rustls refuses a CA certificate as the client's own \
             certificate (OpenSSL accepts it).",
        remedy: "Issue a separate end-entity certificate (`basicConstraints = CA:FALSE`) for the client, \
             signed by {name}.",
    },
    Texts {
        code: Code::PathLengthExceeded,
        title: "A CA's path length constraint is exceeded",
        detail: "{who} allows fewer CAs below it than the chain has ({value}).",
        remedy: "Shorten the chain, or re-issue {name} with a larger `pathlen` in basicConstraints.",
    },
    Texts {
        code: Code::NameConstraintsViolated,
        title: "A name is outside a CA's name constraints",
        detail: "A CA in the chain restricts the names it may certify, and a name in {who} falls outside \
             them{value_in_parens}.",
        remedy: "Re-issue the client certificate with names inside the CA's permitted subtrees, or issue \
             it from a CA without those constraints.",
    },
    Texts {
        code: Code::UnsupportedSignatureAlgorithm,
        title: "A signature algorithm the server refuses",
        detail: "{who} is signed with {value}, which the server does not accept.",
        remedy: "Re-issue {name} with a SHA-256 (or stronger) signature: `openssl x509 -req -sha256 …`.",
    },
    Texts {
        code: Code::WeakKey,
        title: "A key is too weak",
        detail: "{who} has a {value} key; the server requires RSA keys of at least 2048 bits.",
        remedy: "Generate a new key (RSA 2048+ or EC P-256) and re-issue {name}.",
    },
    Texts {
        code: Code::UnsupportedKeyType,
        title: "The server cannot verify signatures made with this key",
        detail: "{who} has a {value} key; the server cannot verify the client's handshake signature \
             (CertificateVerify) made with it.",
        remedy: "Re-issue {name} with an RSA 2048–8192, EC P-256/P-384 or Ed25519 key.",
    },
    Texts {
        code: Code::UnsupportedCriticalExtension,
        title: "A critical extension the server does not understand",
        detail: "{who} has the extension {value} marked critical; a server must reject a certificate with \
             a critical extension it does not process.",
        remedy: "Re-issue {name} with that extension non-critical, or without it.",
    },
    Texts {
        code: Code::UnsupportedVersion,
        title: "An X.509 v1 certificate",
        detail: "{who} is an X.509 version {version} certificate; rustls accepts only version 3 (with \
             extensions), OpenSSL accepts v1.",
        remedy: "Re-issue {name} as v3: pass an extension file (`-extfile`, even with only \
             `basicConstraints = CA:FALSE`) to `openssl x509 -req`.",
    },
    Texts {
        code: Code::Revoked,
        title: "A certificate is revoked",
        detail: "{who} (serial {serial}) is revoked{value}.",
        remedy: "Issue a new client certificate; a revoked one cannot be reinstated.",
    },
    Texts {
        code: Code::PrivateKeyMismatch,
        title: "The private key does not belong to the client certificate",
        detail: "The supplied private key ({value}) is not the key of {who}; the handshake fails at \
             CertificateVerify.",
        remedy: "Pair the certificate with its own key: compare `openssl x509 -noout -pubkey -in \
             client.crt` with `openssl pkey -pubout -in client.key`.",
    },
    Texts {
        code: Code::PrivateKeyInconsistent,
        title: "The private key's parts do not belong together",
        detail: "The supplied private key ({value}) states the public key of {who}, but its private part \
             does not belong to that public key: no client can complete a handshake with it (the \
             CertificateVerify signature fails).",
        remedy: "Use the key that was generated with the certificate's request; this file was damaged or \
             assembled from two keys (`openssl pkey -check -in client.key` says so).",
    },
    Texts {
        code: Code::MalformedExtension,
        title: "An extension is malformed",
        detail: "{who} has {value}.",
        remedy: "Re-issue {name}: the CA software wrote an extension that servers read differently, and \
             some refuse the certificate because of it.",
    },
    Texts {
        code: Code::ChainTooDeep,
        title: "The chain is longer than the server allows",
        detail: "The chain from {who} has {value}.",
        remedy: "Raise the server's verify depth (nginx `ssl_verify_depth` counts intermediates: 2 \
             allows two; Apache `SSLVerifyDepth` counts the root too: 2 allows one), or issue the \
             client certificate closer to the root.",
    },
    Texts {
        code: Code::ChainSearchExhausted,
        title: "The chain could not be searched completely",
        detail: "Building a path from {who} exceeded the search budget (too many candidate issuers or a \
             very long chain).",
        remedy: "Remove unrelated and duplicate certificates from the bundles.",
    },
    Texts {
        code: Code::MalformedCertificate,
        title: "A certificate is malformed",
        detail: "{who} is malformed for this server's TLS stack: {value}.",
        remedy: "Export the certificate again (PEM or DER) from its source; if it comes out the same, \
             have the CA re-issue it with a standard-conforming tool.",
    },
    Texts {
        code: Code::RevocationStatusUnknown,
        title: "No CRL covers a certificate in the chain",
        detail: "CRL checking is on, but the server has no CRL it can use from `{issuer_name}`, the \
             issuer of {who}{value}; the server cannot tell whether it is revoked.",
        remedy: "Supply the current CRL of `{issuer_name}` to the server (nginx `ssl_crl` must hold a CRL \
             for every CA in the chain).",
    },
    Texts {
        code: Code::CrlExpired,
        title: "A CRL has expired",
        detail: "The CRL of `{value}` that covers {who} is past its nextUpdate.",
        remedy: "Fetch or generate a fresh CRL from `{value}` and reload the server.",
    },
    Texts {
        code: Code::CrlNotYetValid,
        title: "A CRL is not valid yet",
        detail: "The CRL of `{value}` that covers {who} has a thisUpdate in the future.",
        remedy: "Check the CA's and the server's clocks.",
    },
    Texts {
        code: Code::CrlUnusable,
        title: "A CRL cannot be used",
        detail: "A supplied CRL could not be used to check {who}: {value}.",
        remedy: "Regenerate the CRL with the issuing CA's key, as a complete (not delta) CRL.",
    },
    Texts {
        code: Code::OcspResponseUnusable,
        title: "An OCSP response cannot be used",
        detail: "The server cannot learn the status of {who} from the OCSP responses given: {value}.",
        remedy: "Have the CA (or a responder certificate it issued with OCSPSigning) sign a \
             current response for this certificate, with a SHA-1 CertID.",
    },
    Texts {
        code: Code::NoClientCertificate,
        title: "No client certificate to inspect",
        detail: "The client input holds no readable certificate.",
        remedy: "Drop or paste the client's certificate (PEM, DER, PKCS#7) into the client input.",
    },
    Texts {
        code: Code::NoTrustAnchors,
        title: "No trusted CAs to check against",
        detail: "No server trust bundle was given and the client input holds no self-signed CA to assume \
             as the trust anchor.",
        remedy: "Add the server's trusted client-CA file (nginx `ssl_client_certificate`).",
    },
    Texts {
        code: Code::ExpiresSoon,
        title: "A certificate expires soon",
        detail: "{who} expires at {not_after} ({left} after the validation time).",
        remedy: "Plan the renewal of {name}.",
    },
    Texts {
        code: Code::BundleOutOfOrder,
        title: "The client bundle is out of order",
        detail: "The client bundle does not start with the client certificate followed by its issuers in \
             order; some clients send the first certificate as their own.",
        remedy: "Order the bundle: client certificate first, then each issuer.",
    },
    Texts {
        code: Code::UnusedCertificate,
        title: "A certificate in the client bundle is not part of the chain",
        detail: "{who} is not on the path from the client certificate to a trusted CA.",
        remedy: "Remove {name} from the client bundle unless it is needed elsewhere.",
    },
    Texts {
        code: Code::UnreadableInput,
        title: "Part of an input could not be read",
        detail: "This part was skipped: {value}",
        remedy: "Check that the file is a certificate, key or CRL in PEM, DER or PKCS#7 form.",
    },
    Texts {
        code: Code::EncryptedPrivateKey,
        title: "An encrypted private key",
        detail: "The private key is encrypted; without its password it cannot be matched to the \
             certificate.",
        remedy: ENTER_PASSWORD,
    },
    Texts {
        code: Code::Pkcs12NeedsPassword,
        title: "A PKCS#12 file needs its password",
        detail: "The input is a PKCS#12 (.p12/.pfx) container; its contents are protected by a password.",
        remedy: ENTER_PASSWORD,
    },
    Texts {
        code: Code::WrongPassword,
        title: "The password does not open a protected file",
        detail: "{value} Its other contents, and every other input, were still inspected.",
        remedy: "Check the password (keyboard layout, trailing spaces). For a Java keystore the key \
             password may differ from the store password: enter both.",
    },
    Texts {
        code: Code::IssuerNotInAcceptableCaNames,
        title: "Some clients will not send this certificate",
        detail: "The server's CertificateRequest lists the CA names it accepts, and no issuer in the \
             client's chain is one of them. {value} send no certificate at all, and the server logs \
             only that none was sent.",
        remedy: "Add the CA that issued the client's chain to the server's trusted client CAs (e.g. nginx \
             ssl_client_certificate), or send the intermediate whose issuer is listed.",
    },
    Texts {
        code: Code::KeyTypeNotRequested,
        title: "The client's key cannot sign with what the server asks for",
        detail: "The server's CertificateRequest lists signature algorithms, and {value}. Go, Java, \
             rustls and browsers then send no certificate; OpenSSL clients fail the handshake.",
        remedy: "Allow the key's algorithm on the server (e.g. ssl_conf_command SignatureAlgorithms), or \
             issue the client a key of an accepted type.",
    },
    Texts {
        code: Code::CaNameEncodingDiffers,
        title: "A CA name matches as text but not byte for byte",
        detail: "An issuer in the client's chain prints like a listed CA name, but its DER encoding \
             differs (e.g. PrintableString against UTF8String). {value} compare the bytes and send \
             nothing; Java compares the names and sends it.",
        remedy: "Issue the client's chain from the very CA certificate the server trusts, so that the \
             issuer name is the same DER.",
    },
    Texts {
        code: Code::IntegrityCheckFailed,
        title: "A protected file fails its integrity check",
        detail: "{value} Servers and clients refuse to load such a file.",
        remedy: "Export the PKCS#12 file or keystore again from the original certificate and key.",
    },
    Texts {
        code: Code::MalformedCrl,
        title: "A CRL could not be read",
        detail: "A supplied CRL is not valid: {value}.",
        remedy: "Export the CRL again in PEM or DER form.",
    },
    Texts {
        code: Code::MalformedOcspResponse,
        title: "An OCSP response could not be read",
        detail: "A supplied OCSP response is not valid: {value}.",
        remedy: "Save the responder's answer again as DER (`openssl ocsp -respout`).",
    },
    Texts {
        code: Code::OcspResponseUnverifiable,
        title: "An OCSP response given as text cannot be verified",
        detail: "The OCSP response was given as `openssl ocsp -resp_text` output, which does not hold \
             the bytes its signature covers: its statuses are taken as the server would take them \
             from a response whose signature and signer it accepts, but neither was checked.",
        remedy: "Give the response as the responder sent it (DER: `openssl ocsp … -respout \
             response.der`, or the body `curl` saves), so that its signature and signer are \
             checked as the server checks them.",
    },
    Texts {
        code: Code::MalformedTrustCertificate,
        title: "A trusted certificate could not be read",
        detail: "A certificate in the trust input is not valid DER: {value}; it was skipped.",
        remedy: "Export the CA certificate again; a server may fail to load the file.",
    },
    Texts {
        code: Code::EncodingNotStrict,
        title: "A certificate is not encoded as the standard requires",
        detail: "{who}: {value}.",
        remedy: "Re-issue or re-export the certificate with a standard-conforming tool; the servers that \
             refuse it are listed with the verdict.",
    },
    Texts {
        code: Code::PrivateKeyMatches,
        title: "The private key matches the client certificate",
        detail: "The supplied private key ({value}) belongs to {who}.",
        remedy: "Nothing to do.",
    },
    Texts {
        code: Code::PrivateKeyUnverifiable,
        title: "The private key could not be compared",
        detail: "The public half of the supplied private key ({value}) cannot be derived here (P-521 and \
             Ed448 keys, EC keys without their public point), so it could not be compared with {who}.",
        remedy: "Check with `openssl pkey -pubout -in client.key` and compare with the certificate's \
             public key.",
    },
    Texts {
        code: Code::AssumedTrustAnchor,
        title: "Trust anchor assumed",
        detail: "No server trust bundle was given, so the self-signed {name} from the client input is \
             assumed to be the server's trusted CA.",
        remedy: "Add the server's real trusted-CA file for a verdict that reflects the server.",
    },
    Texts {
        code: Code::DuplicateCertificate,
        title: "A certificate appears more than once",
        detail: "{who} is given {value}.",
        remedy: "Remove the duplicate; it is harmless but confusing.",
    },
    Texts {
        code: Code::IntermediateOnlyInTrustStore,
        title: "The server supplies an intermediate the client does not send",
        detail: "{who} is not in the client bundle; the chain is complete only because the server's trust \
             store holds it. Servers that trust only the root will fail.",
        remedy: "Add {name} to the client bundle so every server can build the chain.",
    },
    Texts {
        code: Code::RootSentByClient,
        title: "The client sends its root CA",
        detail: "The client bundle includes the self-signed {name}; servers ignore it (trust comes only \
             from their own store).",
        remedy: "Remove the root from the client bundle to save bytes in every handshake.",
    },
    Texts {
        code: Code::ClientNameMismatch,
        title: "The name in the certificate is not the user",
        detail: "The chain verifies, but the server requires the name it takes from the \
             certificate to be the user the client logs in as: {value}.",
        remedy: "Log in as the user the certificate names, issue a certificate whose CN is the \
             user, or map the name to the user (PostgreSQL: `map=` with a pg_ident.conf line).",
    },
    Texts {
        code: Code::AccessRuleRefuses,
        title: "The server's access rules refuse the connection",
        detail: "Before or beside the certificate, the server's access rules refuse it: {value}.",
        remedy: "Add or correct the rule (PostgreSQL: a `hostssl` line in pg_hba.conf for this \
             user, and `ssl_ca_file` in postgresql.conf when a certificate is required).",
    },
    Texts {
        code: Code::SubjectAltNameNotAllowed,
        title: "The server allows other names than the certificate's",
        detail: "The chain verifies, but the server accepts only clients whose subject \
             alternative names match its list: {value}.",
        remedy: "Issue the client a certificate with an allowed name (a SPIFFE ID is a URI \
             name), or add its name to the server's matchers (Envoy: \
             `match_typed_subject_alt_names`).",
    },
    Texts {
        code: Code::CertificatePinMismatch,
        title: "The server pins other certificates or keys",
        detail: "The server accepts only certificates whose SHA-256, or whose key's, it lists: \
             {value}.",
        remedy: "Add this certificate's hash or its key's to the server's pins (Envoy: \
             `verify_certificate_hash`, `verify_certificate_spki`), or use the pinned \
             certificate.",
    },
    Texts {
        code: Code::ClientCertificateNotRequested,
        title: "The server does not ask for a client certificate",
        detail: "The server's configuration does not request a client certificate ({value}): \
             the client's certificate is never sent, and clients connect without one.",
        remedy: "To require one, turn client verification on (nginx: `ssl_verify_client on;`) with \
             the client CAs configured.",
    },
    Texts {
        code: Code::VerificationNotEnforced,
        title: "The server lets a failing certificate through",
        detail: "The server is configured to accept clients whose certificate does not verify, and \
             hands the result to the application instead ({value}).",
        remedy: "Make the application refuse the connection unless the result is SUCCESS, or set \
             verification to required (nginx: `ssl_verify_client on;`).",
    },
    Texts {
        code: Code::ServerConfigProblem,
        title: "Part of the server configuration could not be read",
        detail: "In the server's configuration: {value}.",
        remedy: "Check the line named; the settings that were read are used, the rest is listed.",
    },
    Texts {
        code: Code::CertificateRequestIgnored,
        title: "A certificate request was ignored",
        detail: "A certificate signing request (CSR) is not a certificate and is not inspected.",
        remedy: "Inspect the certificate the CA issued for this request.",
    },
    Texts {
        code: Code::UnlistedTrustedCertificates,
        title: "Trusted certificates no path uses are not listed",
        detail: "{value}: none is an issuer candidate of a certificate here, so the report lists \
             only the trusted certificates that are.",
        remedy: "To list every one of them: `--all-certificates` (on the page: \"show\" under the \
             trust chain).",
    },
];

/// The value of one `{placeholder}` of a text. Every value from a certificate is written so that
/// it cannot end a code span or hide in the text (src/escape.rs); the exact values stay in the
/// report's certificates.
fn placeholder(key: &str, s: &Subject<'_>) -> String {
    let certificate = s.certificate;
    let label = |c: &Certificate| format!("`{}`", escape::in_code_span(&c.label()));
    let value = escape::in_code_span(s.value.unwrap_or(""));
    match key {
        "name" => certificate.map_or_else(|| "the certificate".to_owned(), label),
        "who" => certificate.map_or_else(
            || "a certificate in the input".to_owned(),
            |c| format!("{} {}", s.role, label(c)),
        ),
        "related" => s
            .related
            .map_or_else(|| "another certificate".to_owned(), label),
        "value" => value,
        "value_in_parens" if value.is_empty() => String::new(),
        "value_in_parens" => format!(" ({value})"),
        "eku" => s.usage.eku_name().to_owned(),
        "issuer_name" => certificate.map_or_else(String::new, |c| escape::in_code_span(c.issuer())),
        "time" => format_time(s.time),
        "not_after" => certificate.map_or_else(String::new, |c| format_time(c.not_after)),
        "not_before" => certificate.map_or_else(String::new, |c| format_time(c.not_before)),
        "ago" => certificate.map_or_else(String::new, |c| days(s.time - c.not_after)),
        "left" => certificate.map_or_else(String::new, |c| days(c.not_after - s.time)),
        "version" => certificate.map_or(1, |c| c.version).to_string(),
        "serial" => certificate.map_or_else(String::new, |c| c.serial.clone()),
        _ => format!("{{{key}}}"),
    }
}

/// Fills a text's `{placeholders}`.
fn fill(template: &str, s: &Subject<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        match after.find('}') {
            Some(close) => {
                out.push_str(&placeholder(after.get(..close).unwrap_or_default(), s));
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes the title, detail and remedy for one finding.
pub fn explain(code: Code, s: &Subject<'_>) -> Text {
    let Some(texts) = TEXTS.iter().find(|t| t.code == code) else {
        return Text {
            title: code.as_str().to_owned(),
            detail: String::new(),
            remedy: String::new(),
        };
    };
    Text {
        title: texts.title.to_owned(),
        detail: capitalise(fill(texts.detail, s)),
        remedy: capitalise(fill(texts.remedy, s)),
    }
}

/// The text with its first letter upper-case, in place (the texts start in ASCII; Unicode
/// case tables would add ~20 KB to the page).
fn capitalise(mut text: String) -> String {
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_binary_units() {
        for (bytes, words) in [
            (0, "0 bytes"),
            (1023, "1023 bytes"),
            (1024, "1 KiB"),
            (1536, "1.5 KiB"),
            (1_048_575, "1024 KiB"),
            (64 << 20, "64 MiB"),
            (usize::MAX, "17179869184 GiB"),
        ] {
            assert_eq!(size_words(bytes), words, "{bytes}");
        }
    }

    #[test]
    fn every_code_has_a_distinct_snake_case_name() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| {
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        for code in Code::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().to_owned())
            );
        }
    }

    #[test]
    fn every_code_has_one_text_and_every_placeholder_is_known() {
        for &code in Code::ALL {
            let texts: Vec<&Texts> = TEXTS.iter().filter(|t| t.code == code).collect();
            assert_eq!(texts.len(), 1, "{code}");
            for template in [texts[0].detail, texts[0].remedy] {
                let subject = Subject {
                    certificate: None,
                    role: "the certificate",
                    related: None,
                    value: Some("v"),
                    time: 0,
                    usage: Usage::Client,
                };
                let filled = fill(template, &subject);
                assert!(
                    !filled.contains('{') && !filled.contains('}'),
                    "{code}: {filled}"
                );
            }
        }
    }

    #[test]
    fn every_error_code_lists_a_log_line() {
        for &code in Code::ALL {
            if code.severity() == Severity::Error {
                assert!(
                    !crate::messages::log_lines(code).is_empty(),
                    "{code} has no log lines"
                );
            }
        }
    }
}
