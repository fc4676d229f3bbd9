//! Signature algorithms as certificates and CRLs name them, and signatures checked with *ring*.

use std::collections::HashMap;

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
    /// Is this an algorithm for keys of `key`'s type (OpenSSL's `check_sig_alg_match`: an
    /// RSA key signs PKCS #1 v1.5 and RSASSA-PSS, an EC key ECDSA, an Ed25519 or Ed448 key
    /// its own algorithm, a DSA key DSA)?
    pub fn is_for_key(&self, key: &KeyAlgorithm) -> bool {
        let oid = self.oid.as_str();
        let arc = |prefix: &str, arcs: std::ops::RangeInclusive<u32>| {
            oid.strip_prefix(prefix)
                .and_then(|arc| arc.parse::<u32>().ok())
                .is_some_and(|arc| arcs.contains(&arc))
        };
        // 2.16.840.1.101.3.4.3.n: DSA with SHA-2 and SHA-3 (1–8), ECDSA (9–12), RSA (13–16).
        let nist = "2.16.840.1.101.3.4.3.";
        match key {
            KeyAlgorithm::Rsa { .. } => {
                (arc("1.2.840.113549.1.1.", 2..=16) && !arc("1.2.840.113549.1.1.", 6..=9))
                    || oid == "1.3.14.3.2.29"
                    || arc(nist, 13..=16)
            }
            KeyAlgorithm::Ec { .. } => {
                oid == "1.2.840.10045.4.1" || arc("1.2.840.10045.4.3.", 1..=4) || arc(nist, 9..=12)
            }
            KeyAlgorithm::Ed25519 => oid == "1.3.101.112",
            KeyAlgorithm::Ed448 => oid == "1.3.101.113",
            KeyAlgorithm::Other { oid: key } => {
                key == "1.2.840.10040.4.1" && (oid == "1.2.840.10040.4.3" || arc(nist, 1..=8))
            }
        }
    }

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

/// A verification as *ring* makes it, independent of who asks: the same algorithm over the
/// same key, message and signature gives the same answer. RSA keys are those of 2,048 to 8,192
/// bits, the range of rustls-webpki's RSA algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verification {
    EcdsaP256Sha256,
    EcdsaP256Sha384,
    EcdsaP384Sha256,
    EcdsaP384Sha384,
    Ed25519,
    RsaPssSha256,
    RsaPssSha384,
    RsaPssSha512,
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
}

/// What one verification checks: how, the key, the message and the signature.
type Verifying = (Verification, Vec<u8>, Vec<u8>, Vec<u8>);

/// The signatures verified during one inspection: the chain builder and rustls-webpki (which
/// verifies through its own algorithm objects, [`Verified::memoized`]) ask for the same
/// signatures, and each is verified once — an ECDSA P-256 check is ~0.75 M instructions
/// natively and ~1.5 ms in the page's WebAssembly, most of a small inspection. A `Mutex`, not
/// a `RefCell`, because webpki's algorithms must be `Sync`.
#[derive(Debug, Default)]
pub struct Verified {
    memo: std::sync::Mutex<HashMap<Verifying, bool>>,
    /// How many verifications were made (not found in `memo`).
    made: std::sync::atomic::AtomicUsize,
}

impl Verified {
    /// `check` of `signature` over `message` by `key`, from what was verified before if it was
    /// (`None`: a verification no other verifier makes the same way, not kept).
    fn get_or_check(
        &self,
        verification: Option<Verification>,
        key: &[u8],
        message: &[u8],
        signature: &[u8],
        check: impl FnOnce() -> bool,
    ) -> bool {
        let Some(verification) = verification else {
            return check();
        };
        let id = (
            verification,
            key.to_vec(),
            message.to_vec(),
            signature.to_vec(),
        );
        if let Some(&valid) = self.memo.lock().ok().as_ref().and_then(|m| m.get(&id)) {
            return valid;
        }
        let valid = check();
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(id, valid);
        }
        valid
    }

    /// Takes over the verifications of `earlier` whose message `keep` says to keep (made,
    /// they are not counted as made here).
    pub fn take_over(&self, earlier: Verified, keep: impl Fn(&[u8]) -> bool) {
        let Ok(earlier) = earlier.memo.into_inner() else {
            return;
        };
        if let Ok(mut memo) = self.memo.lock() {
            memo.extend(
                earlier
                    .into_iter()
                    .filter(|((_, _, message, _), _)| keep(message)),
            );
        }
    }

    /// How many verifications that can be shared were made (for the tests).
    pub fn made(&self) -> usize {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// rustls-webpki's `algorithm`, its verifications shared with this inspection's (it
    /// decides exactly as without: a verification is shared only when *ring* makes it the
    /// same way for both, as `WEBPKI_ALGORITHMS` pairs them).
    pub fn memoized<'a>(
        &'a self,
        algorithm: &'static dyn pki_types::SignatureVerificationAlgorithm,
        verification: Option<Verification>,
    ) -> Memoized<'a> {
        Memoized {
            algorithm,
            verification,
            verified: self,
        }
    }
}

/// A rustls-webpki signature algorithm whose verifications go through [`Verified`].
#[derive(Debug)]
pub struct Memoized<'a> {
    algorithm: &'static dyn pki_types::SignatureVerificationAlgorithm,
    verification: Option<Verification>,
    verified: &'a Verified,
}

impl pki_types::SignatureVerificationAlgorithm for Memoized<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), pki_types::InvalidSignature> {
        let check = || {
            self.algorithm
                .verify_signature(public_key, message, signature)
                .is_ok()
        };
        let valid =
            self.verified
                .get_or_check(self.verification, public_key, message, signature, check);
        if valid {
            Ok(())
        } else {
            Err(pki_types::InvalidSignature)
        }
    }

    fn public_key_alg_id(&self) -> pki_types::AlgorithmIdentifier {
        self.algorithm.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> pki_types::AlgorithmIdentifier {
        self.algorithm.signature_alg_id()
    }

    fn fips(&self) -> bool {
        self.algorithm.fips()
    }
}

/// Verifies that `issuer`'s key made the signature over `signed`, with *ring*; with `verified`,
/// each signature once.
pub fn check_signature(
    tbs: &[u8],
    algorithm: &SignatureAlgorithm,
    signature: &[u8],
    issuer: &Certificate,
    verified: Option<&Verified>,
) -> SignatureCheck {
    use Verification as V;
    use ring::signature as sig;
    let curve = issuer.spki_parameters_oid.as_deref();
    let p256 = curve == Some("1.2.840.10045.3.1.7");
    let p384 = curve == Some("1.3.132.0.34");
    let rsa = matches!(issuer.key, KeyAlgorithm::Rsa { .. });
    // A 1,024-bit minimum verifies as webpki's 2,048-bit one for keys of 2,048 bits or more.
    let rsa_2048 = matches!(issuer.key, KeyAlgorithm::Rsa { bits } if bits >= 2048);
    let legacy = |v| rsa_2048.then_some(v);
    // PSS is verified only with the parameters ring implements.
    let pss_standard = algorithm.pss_is_standard() == Some(true);
    let (verifier, shared): (&dyn sig::VerificationAlgorithm, _) =
        match (algorithm.oid.as_str(), algorithm.hash) {
            ("1.2.840.113549.1.1.5" | "1.3.14.3.2.29", _) if rsa => {
                (&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, None)
            }
            ("1.2.840.113549.1.1.11", _) if rsa => (
                &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                legacy(V::RsaPkcs1Sha256),
            ),
            ("1.2.840.113549.1.1.12", _) if rsa => {
                (&sig::RSA_PKCS1_2048_8192_SHA384, Some(V::RsaPkcs1Sha384))
            }
            ("1.2.840.113549.1.1.13", _) if rsa => (
                &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                legacy(V::RsaPkcs1Sha512),
            ),
            (OID_RSASSA_PSS, Hash::Sha256) if rsa && pss_standard => {
                (&sig::RSA_PSS_2048_8192_SHA256, Some(V::RsaPssSha256))
            }
            (OID_RSASSA_PSS, Hash::Sha384) if rsa && pss_standard => {
                (&sig::RSA_PSS_2048_8192_SHA384, Some(V::RsaPssSha384))
            }
            (OID_RSASSA_PSS, Hash::Sha512) if rsa && pss_standard => {
                (&sig::RSA_PSS_2048_8192_SHA512, Some(V::RsaPssSha512))
            }
            ("1.2.840.10045.4.3.2", _) if p256 => {
                (&sig::ECDSA_P256_SHA256_ASN1, Some(V::EcdsaP256Sha256))
            }
            ("1.2.840.10045.4.3.3", _) if p256 => {
                (&sig::ECDSA_P256_SHA384_ASN1, Some(V::EcdsaP256Sha384))
            }
            ("1.2.840.10045.4.3.2", _) if p384 => {
                (&sig::ECDSA_P384_SHA256_ASN1, Some(V::EcdsaP384Sha256))
            }
            ("1.2.840.10045.4.3.3", _) if p384 => {
                (&sig::ECDSA_P384_SHA384_ASN1, Some(V::EcdsaP384Sha384))
            }
            ("1.3.101.112", _) if issuer.key == KeyAlgorithm::Ed25519 => {
                (&sig::ED25519, Some(V::Ed25519))
            }
            _ => return SignatureCheck::Unsupported,
        };
    let check = || {
        sig::UnparsedPublicKey::new(verifier, &issuer.spki_key)
            .verify(tbs, signature)
            .is_ok()
    };
    let valid = match verified {
        Some(verified) => verified.get_or_check(shared, &issuer.spki_key, tbs, signature, check),
        None => check(),
    };
    if valid {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    }
}

/// Did `issuer` sign `subject`?
pub fn signed_by(
    subject: &Certificate,
    issuer: &Certificate,
    verified: Option<&Verified>,
) -> SignatureCheck {
    check_signature(
        subject.tbs_bytes(),
        &subject.signature_algorithm,
        &subject.signature,
        issuer,
        verified,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    fn params(name: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, name);
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        } else {
            p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        }
        p
    }

    /// A signature the chain builder verified is not verified again for rustls-webpki, which
    /// still decides as without the memo; a different message is verified anew.
    #[test]
    fn a_signature_is_verified_once_for_the_chain_builder_and_webpki() {
        let root_key = KeyPair::generate().unwrap();
        let root_params = params("Root", true);
        let root = root_params.self_signed(&root_key).unwrap();
        let leaf = params("client", false)
            .signed_by(
                &KeyPair::generate().unwrap(),
                &Issuer::from_params(&root_params, &root_key),
            )
            .unwrap();
        let root = Certificate::parse(root.der()).unwrap();
        let leaf = Certificate::parse(leaf.der()).unwrap();
        let verified = Verified::default();
        assert_eq!(
            signed_by(&leaf, &root, Some(&verified)),
            SignatureCheck::Valid
        );
        assert_eq!(verified.made(), 1);
        let decision = crate::profiles::webpki_verify(
            &leaf.der,
            &[],
            std::slice::from_ref(&root.der),
            &[],
            time::OffsetDateTime::now_utc().unix_timestamp(),
            crate::profiles::Usage::Client,
            None,
            &verified,
        );
        assert!(
            matches!(decision, crate::profiles::WebpkiDecision::Accepted { .. }),
            "{decision:?}"
        );
        assert_eq!(
            verified.made(),
            1,
            "webpki verified the leaf's signature again"
        );
        // The same key and signature over other bytes: verified, and refused.
        let ecdsa = verified.memoized(
            ::webpki::ring::ECDSA_P256_SHA256,
            Some(Verification::EcdsaP256Sha256),
        );
        let other = [leaf.tbs_bytes(), b"x"].concat();
        assert!(
            pki_types::SignatureVerificationAlgorithm::verify_signature(
                &ecdsa,
                &root.spki_key,
                &other,
                &leaf.signature
            )
            .is_err()
        );
        assert_eq!(verified.made(), 2);
        // Without the memo, the same answer.
        assert_eq!(signed_by(&leaf, &root, None), SignatureCheck::Valid);
    }
}
