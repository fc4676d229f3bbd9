//! Signature algorithms as certificates and CRLs name them, and signatures checked with *ring*.

use x509_parser::x509::AlgorithmIdentifier;

use crate::read::asn1::any_der;
use crate::read::certificate::Certificate;
use crate::read::keys::KeyAlgorithm;

/// A signature hash, for judging algorithm strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// EdDSA signs without a separate hash.
    Intrinsic,
    Unknown,
}

impl Hash {
    fn of_digest_oid(oid: &str) -> Self {
        match oid {
            "1.3.14.3.2.26" => Self::Sha1,
            "2.16.840.1.101.3.4.2.4" => Self::Sha224,
            "2.16.840.1.101.3.4.2.1" => Self::Sha256,
            "2.16.840.1.101.3.4.2.2" => Self::Sha384,
            "2.16.840.1.101.3.4.2.3" => Self::Sha512,
            "1.2.840.113549.2.5" => Self::Md5,
            _ => Self::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
            Self::Intrinsic => "none",
            Self::Unknown => "unknown",
        }
    }
}

/// The parameters of an RSASSA-PSS signature (RFC 4055).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PssParameters {
    pub hash: Hash,
    /// The MGF1 hash (`None`: a mask generation function other than MGF1).
    pub mask_hash: Option<Hash>,
    pub salt_length: u32,
    pub trailer_field: u32,
}

/// The signature algorithm a certificate or CRL is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    pub oid: String,
    pub name: String,
    pub hash: Hash,
    /// The DER of the AlgorithmIdentifier parameters.
    pub parameters: Vec<u8>,
    /// RSASSA-PSS parameters, when the algorithm is RSASSA-PSS and they decode.
    pub pss: Option<PssParameters>,
}

impl SignatureAlgorithm {
    /// RSASSA-PSS in one of the three forms rustls-webpki, Go and *ring* implement: SHA-256,
    /// SHA-384 or SHA-512, MGF1 with the same hash, a salt as long as the hash, the standard
    /// trailer. `None` when the algorithm is not RSASSA-PSS.
    pub fn pss_is_standard(&self) -> Option<bool> {
        if self.oid != OID_RSASSA_PSS {
            return None;
        }
        Some(self.pss.is_some_and(|p| {
            let length = match p.hash {
                Hash::Sha256 => 32,
                Hash::Sha384 => 48,
                Hash::Sha512 => 64,
                _ => 0,
            };
            p.mask_hash == Some(p.hash) && p.salt_length == length && p.trailer_field == 1
        }))
    }
}

/// Signature algorithms by OID: name and hash.
const SIGNATURE_ALGORITHMS: &[(&str, &str, Hash)] = &[
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", Hash::Md5),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption", Hash::Sha1),
    ("1.3.14.3.2.29", "sha1WithRSAEncryption", Hash::Sha1),
    (
        "1.2.840.113549.1.1.14",
        "sha224WithRSAEncryption",
        Hash::Sha224,
    ),
    (
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption",
        Hash::Sha256,
    ),
    (
        "1.2.840.113549.1.1.12",
        "sha384WithRSAEncryption",
        Hash::Sha384,
    ),
    (
        "1.2.840.113549.1.1.13",
        "sha512WithRSAEncryption",
        Hash::Sha512,
    ),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", Hash::Sha1),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", Hash::Sha224),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", Hash::Sha256),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", Hash::Sha384),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", Hash::Sha512),
    ("1.3.101.112", "Ed25519", Hash::Intrinsic),
    ("1.3.101.113", "Ed448", Hash::Intrinsic),
    ("1.2.840.10040.4.3", "dsa-with-SHA1", Hash::Sha1),
    ("2.16.840.1.101.3.4.3.2", "dsa-with-SHA256", Hash::Sha256),
];

const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";

/// Names a signature algorithm, with its hash and (for RSASSA-PSS) its parameters.
pub(crate) fn signature_algorithm(algorithm: &AlgorithmIdentifier<'_>) -> SignatureAlgorithm {
    let oid = crate::read::asn1::dotted(&algorithm.algorithm);
    let parameters = algorithm
        .parameters
        .as_ref()
        .map(any_der)
        .unwrap_or_default();
    if oid == OID_RSASSA_PSS {
        let pss = pss_parameters(algorithm);
        let name = match &pss {
            Some(p) => format!(
                "RSASSA-PSS ({}, MGF1 {}, salt {})",
                p.hash.name(),
                p.mask_hash.map_or("unknown", Hash::name),
                p.salt_length
            ),
            None => "RSASSA-PSS (parameters do not decode)".to_owned(),
        };
        return SignatureAlgorithm {
            oid,
            name,
            hash: pss.map_or(Hash::Unknown, |p| p.hash),
            parameters,
            pss,
        };
    }
    let (name, hash) = SIGNATURE_ALGORITHMS
        .iter()
        .find(|(o, ..)| *o == oid)
        .map_or((oid.clone(), Hash::Unknown), |(_, name, hash)| {
            ((*name).to_owned(), *hash)
        });
    SignatureAlgorithm {
        oid,
        name,
        hash,
        parameters,
        pss: None,
    }
}

fn pss_parameters(algorithm: &AlgorithmIdentifier<'_>) -> Option<PssParameters> {
    use x509_parser::signature_algorithm::SignatureAlgorithm as Parsed;
    let Ok(Parsed::RSASSA_PSS(params)) = Parsed::try_from(algorithm) else {
        return None;
    };
    let mask = params.mask_gen_algorithm().ok()?;
    Some(PssParameters {
        hash: Hash::of_digest_oid(&crate::read::asn1::dotted(params.hash_algorithm_oid())),
        mask_hash: (crate::read::asn1::dotted(&mask.mgf) == "1.2.840.113549.1.1.8")
            .then(|| Hash::of_digest_oid(&crate::read::asn1::dotted(&mask.hash))),
        salt_length: params.salt_length(),
        trailer_field: params.trailer_field(),
    })
}

/// The outcome of checking one signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Invalid,
    /// The algorithm (or key type) is one this tool cannot verify, e.g. MD5 or P-521.
    Unsupported,
}

/// Verifies that `issuer`'s key made the signature over `signed`, with *ring*.
pub fn check_signature(
    tbs: &[u8],
    algorithm: &SignatureAlgorithm,
    signature: &[u8],
    issuer: &Certificate,
) -> SignatureCheck {
    use ring::signature as sig;
    let curve = issuer.spki_parameters_oid.as_deref();
    let p256 = curve == Some("1.2.840.10045.3.1.7");
    let p384 = curve == Some("1.3.132.0.34");
    let rsa = matches!(issuer.key, KeyAlgorithm::Rsa { .. });
    // PSS is verified only with the parameters ring implements.
    let pss_standard = algorithm.pss_is_standard() == Some(true);
    let verifier: &dyn sig::VerificationAlgorithm = match (algorithm.oid.as_str(), algorithm.hash) {
        ("1.2.840.113549.1.1.5" | "1.3.14.3.2.29", _) if rsa => {
            &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        ("1.2.840.113549.1.1.11", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ("1.2.840.113549.1.1.12", _) if rsa => &sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.13", _) if rsa => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (OID_RSASSA_PSS, Hash::Sha256) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA256,
        (OID_RSASSA_PSS, Hash::Sha384) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA384,
        (OID_RSASSA_PSS, Hash::Sha512) if rsa && pss_standard => &sig::RSA_PSS_2048_8192_SHA512,
        ("1.2.840.10045.4.3.2", _) if p256 => &sig::ECDSA_P256_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", _) if p256 => &sig::ECDSA_P256_SHA384_ASN1,
        ("1.2.840.10045.4.3.2", _) if p384 => &sig::ECDSA_P384_SHA256_ASN1,
        ("1.2.840.10045.4.3.3", _) if p384 => &sig::ECDSA_P384_SHA384_ASN1,
        ("1.3.101.112", _) if issuer.key == KeyAlgorithm::Ed25519 => &sig::ED25519,
        _ => return SignatureCheck::Unsupported,
    };
    match sig::UnparsedPublicKey::new(verifier, &issuer.spki_key).verify(tbs, signature) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid,
    }
}

/// Did `issuer` sign `subject`?
pub fn signed_by(subject: &Certificate, issuer: &Certificate) -> SignatureCheck {
    check_signature(
        subject.tbs_bytes(),
        &subject.signature_algorithm,
        &subject.signature,
        issuer,
    )
}
