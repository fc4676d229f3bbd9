//! Private keys, reduced to the public half *derived from the private part*: enough to tell
//! whether a key belongs to a certificate. The private material itself is never kept.
//!
//! A copy of the public key stored inside a private key file is never trusted on its own: an
//! RSA key counts only when the rsa crate finds its primes and exponents consistent with its
//! modulus; an EC key only when *ring* finds its public point to be the one its private scalar
//! gives; an Ed25519 key's public key is computed from its seed. A key whose parts do not
//! belong together is reported as such and matches nothing.

use crate::read::asn1::{self, Tag};

pub(crate) use crate::read::asn1::{bit_length, unsigned};

/// The algorithm of a key, with its size or curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa { bits: usize },
    Ec { curve: String },
    Ed25519,
    Ed448,
    Other { oid: String },
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA {bits}"),
            Self::Ec { curve } => write!(f, "EC {curve}"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Ed448 => f.write_str("Ed448"),
            Self::Other { oid } => write!(f, "key algorithm {oid}"),
        }
    }
}

/// The public value a key pair is compared by.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicValue {
    /// RSA modulus without leading zeros.
    RsaModulus(Vec<u8>),
    /// The encoded point (EC) or key bytes (EdDSA) of the subjectPublicKey BIT STRING.
    Point(Vec<u8>),
    /// Not known: the key's public half cannot be derived here (P-521, Ed448, an EC key
    /// without its public point).
    Unknown,
}

impl std::fmt::Debug for PublicValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Public values are not secret, but keep debug output short.
        match self {
            Self::RsaModulus(m) => write!(f, "RsaModulus({} bytes)", m.len()),
            Self::Point(p) => write!(f, "Point({} bytes)", p.len()),
            Self::Unknown => f.write_str("Unknown"),
        }
    }
}

/// A private key as the inspector keeps it: algorithm and public value, no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    pub algorithm: KeyAlgorithm,
    /// The public half, derived from (or checked against) the private part; `Unknown` when
    /// that cannot be done here.
    pub public: PublicValue,
    /// The public half as the file states it (`Unknown` when it states none). A key whose
    /// stated half differs from a certificate's does not belong to it, whatever else is true.
    pub stated: PublicValue,
    /// Set when the key's parts do not belong together: the public half it states, and why.
    /// Such a key matches no certificate; no client could sign with it.
    pub inconsistent: Option<Inconsistency>,
}

/// A private key whose stated public half is not its private half's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inconsistency {
    /// The public value written in the key file (the RSA modulus, the EC point).
    pub stated: PublicValue,
    pub reason: &'static str,
}

/// Why a key could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    Malformed,
    Unsupported(String),
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";

/// Named curves by OID.
const CURVES: &[(&str, &str)] = &[
    ("1.2.840.10045.3.1.7", "P-256"),
    ("1.3.132.0.34", "P-384"),
    ("1.3.132.0.35", "P-521"),
    ("1.3.132.0.10", "secp256k1"),
    ("1.2.840.10045.3.1.1", "P-192"),
    ("1.3.132.0.33", "P-224"),
];

/// Names a named curve OID.
pub fn curve_name(oid: &str) -> String {
    CURVES
        .iter()
        .find(|(o, _)| *o == oid)
        .map_or(oid, |(_, name)| name)
        .to_owned()
}

/// PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958).
pub fn from_pkcs8(input: &[u8]) -> Result<PrivateKey, KeyError> {
    let fields = asn1::sequence(input).ok_or(KeyError::Malformed)?;
    let (Some(algorithm), Some(private)) = (fields.get(1), fields.get(2)) else {
        return Err(KeyError::Malformed);
    };
    let algorithm = asn1::children(algorithm).ok_or(KeyError::Malformed)?;
    let oid = algorithm
        .first()
        .and_then(|o| asn1::oid(o))
        .ok_or(KeyError::Malformed)?;
    let private = asn1::octets(private).ok_or(KeyError::Malformed)?;
    // OneAsymmetricKey v2 may carry [1] publicKey after the attributes.
    let public_v2 = fields
        .iter()
        .skip(3)
        .find(|f| asn1::is_context(f, 1))
        .map(|f| f.data.get(1..).unwrap_or_default().to_vec());
    match oid.as_str() {
        OID_RSA | OID_RSA_PSS => from_pkcs1(&private),
        OID_EC => {
            let curve = algorithm
                .get(1)
                .and_then(|o| asn1::oid(o))
                .map(|o| curve_name(&o));
            from_sec1(&private, curve)
        }
        OID_ED25519 => ed25519(&private, public_v2),
        OID_ED448 => Ok(PrivateKey {
            algorithm: KeyAlgorithm::Ed448,
            public: PublicValue::Unknown,
            stated: public_v2.map_or(PublicValue::Unknown, PublicValue::Point),
            inconsistent: None,
        }),
        other => Err(KeyError::Unsupported(other.to_owned())),
    }
}

/// An Ed25519 seed (`CurvePrivateKey ::= OCTET STRING`): the public key is computed from it.
fn ed25519(private: &[u8], stated: Option<Vec<u8>>) -> Result<PrivateKey, KeyError> {
    let seed = asn1::whole(private)
        .and_then(|s| asn1::octets(&s))
        .filter(|s| s.len() == 32)
        .ok_or(KeyError::Malformed)?;
    let derived = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map(|pair| {
            use ring::signature::KeyPair as _;
            pair.public_key().as_ref().to_vec()
        })
        .map_err(|_| KeyError::Malformed)?;
    let inconsistent = stated.filter(|s| *s != derived).map(|s| Inconsistency {
        stated: PublicValue::Point(s),
        reason: "its public key is not the one its seed gives",
    });
    Ok(PrivateKey {
        algorithm: KeyAlgorithm::Ed25519,
        stated: PublicValue::Point(derived.clone()),
        public: PublicValue::Point(derived),
        inconsistent,
    })
}

/// PKCS#1 RSAPrivateKey: the modulus counts only when *ring* finds the primes and the exponents
/// consistent with it (`RsaKeyPair::from_der`: p·q = n, d and the CRT values).
pub fn from_pkcs1(input: &[u8]) -> Result<PrivateKey, KeyError> {
    let fields = asn1::sequence(input).ok_or(KeyError::Malformed)?;
    let integers = fields
        .iter()
        .take(6)
        .all(|f| asn1::is_universal(f, Tag::Integer));
    let n = fields.get(1).map(|f| f.data);
    let (true, Some(n)) = (integers && fields.len() >= 9, n) else {
        return Err(KeyError::Malformed);
    };
    let modulus = unsigned(n).to_vec();
    let algorithm = KeyAlgorithm::Rsa {
        bits: bit_length(&modulus),
    };
    let stated = PublicValue::RsaModulus(modulus);
    Ok(match rsa_consistent(input) {
        Some(true) => PrivateKey {
            algorithm,
            public: stated.clone(),
            stated,
            inconsistent: None,
        },
        Some(false) => PrivateKey {
            algorithm,
            public: PublicValue::Unknown,
            stated: stated.clone(),
            inconsistent: Some(Inconsistency {
                stated,
                reason: "its primes and exponents do not belong to its modulus",
            }),
        },
        None => PrivateKey {
            algorithm,
            public: PublicValue::Unknown,
            stated,
            inconsistent: None,
        },
    })
}

/// Are an RSA key's parts consistent, as *ring* checks them? `None` for keys *ring* does not
/// take (moduli outside 2048–4096 bits or not a multiple of 512, public exponents below
/// 65537): their private part is not checked here.
fn rsa_consistent(pkcs1: &[u8]) -> Option<bool> {
    match ring::signature::RsaKeyPair::from_der(pkcs1) {
        Ok(_) => Some(true),
        Err(rejected) => match rejected.to_string().as_str() {
            "InconsistentComponents" | "InvalidComponent" | "InvalidEncoding" => Some(false),
            _ => None,
        },
    }
}

/// SEC1 ECPrivateKey; `curve` comes from the PKCS#8 wrapper when there is one. The public
/// point counts only when *ring* finds it to be the one the private scalar gives.
pub fn from_sec1(input: &[u8], curve: Option<String>) -> Result<PrivateKey, KeyError> {
    let fields = asn1::sequence(input).ok_or(KeyError::Malformed)?;
    let version_ok = fields.first().and_then(|v| asn1::small_uint(v)) == Some(1);
    let scalar = fields.get(1).and_then(|o| asn1::octets(o));
    let (true, Some(scalar)) = (version_ok, scalar) else {
        return Err(KeyError::Malformed);
    };
    let mut curve = curve;
    let mut stated = None;
    for field in fields.iter().skip(2) {
        if let Some(oid) = asn1::explicit(field, 0).and_then(|o| asn1::oid(&o)) {
            curve = Some(curve_name(&oid));
        }
        if let Some(bits) =
            asn1::explicit(field, 1).filter(|b| asn1::is_universal(b, Tag::BitString))
        {
            stated = Some(bits.data.get(1..).unwrap_or_default().to_vec());
        }
    }
    let curve = curve.unwrap_or_else(|| "unknown curve".into());
    let stated_value = stated
        .clone()
        .map_or(PublicValue::Unknown, PublicValue::Point);
    let (public, inconsistent) = match stated {
        Some(point) => match ec_consistent(&curve, &scalar, &point) {
            Some(true) => (PublicValue::Point(point), None),
            Some(false) => (
                PublicValue::Unknown,
                Some(Inconsistency {
                    stated: PublicValue::Point(point),
                    reason: "its public point is not the one its private scalar gives",
                }),
            ),
            None => (PublicValue::Unknown, None),
        },
        None => (PublicValue::Unknown, None),
    };
    Ok(PrivateKey {
        algorithm: KeyAlgorithm::Ec { curve },
        public,
        stated: stated_value,
        inconsistent,
    })
}

/// Is `point` the public point of `scalar` on `curve`? `None` for curves *ring* does not do.
fn ec_consistent(curve: &str, scalar: &[u8], point: &[u8]) -> Option<bool> {
    use ring::signature::{
        ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair,
    };
    let algorithm = match curve {
        "P-256" => &ECDSA_P256_SHA256_ASN1_SIGNING,
        "P-384" => &ECDSA_P384_SHA384_ASN1_SIGNING,
        _ => return None,
    };
    let random = ring::rand::SystemRandom::new();
    Some(EcdsaKeyPair::from_private_key_and_public_key(algorithm, scalar, point, &random).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_keys_are_errors_not_panics() {
        assert_eq!(from_pkcs8(&[]), Err(KeyError::Malformed));
        assert_eq!(from_pkcs1(&[0x30, 0x00]), Err(KeyError::Malformed));
        assert_eq!(
            from_sec1(&[0x30, 0x03, 0x02, 0x01, 0x01], None),
            Err(KeyError::Malformed)
        );
    }

    #[test]
    fn ed25519_public_key_is_derived_from_the_seed() {
        // RFC 8410 section 10.3 example key.
        let pkcs8 = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20, 0xd4, 0xee, 0x72, 0xdb, 0xf9, 0x13, 0x58, 0x4a, 0xd5, 0xb6, 0xd8, 0xf1,
            0xf7, 0x69, 0xf8, 0xad, 0x3a, 0xfe, 0x7c, 0x28, 0xcb, 0xf1, 0xd4, 0xfb, 0xe0, 0x97,
            0xa8, 0x8f, 0x44, 0x75, 0x58, 0x42,
        ];
        let key = from_pkcs8(&pkcs8).unwrap();
        assert_eq!(key.algorithm, KeyAlgorithm::Ed25519);
        assert!(matches!(key.public, PublicValue::Point(ref p) if p.len() == 32));
        assert!(key.inconsistent.is_none());
    }

    #[test]
    fn an_rsa_key_ring_does_not_take_states_its_modulus_but_is_not_checked() {
        // n = 3233 = 61 * 53, e = 17, d = 2753: far below what *ring* checks.
        let body: Vec<u8> = [
            &[0x02, 0x01, 0x00][..],
            &[
                0x02, 0x02, 0x0c, 0xa1, 0x02, 0x01, 0x11, 0x02, 0x02, 0x0a, 0xc1,
            ],
            &[0x02, 0x01, 0x3d, 0x02, 0x01, 0x35],
            &[0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00],
        ]
        .concat();
        let mut der = vec![0x30, body.len() as u8];
        der.extend(body);
        let key = from_pkcs1(&der).unwrap();
        assert_eq!(key.public, PublicValue::Unknown);
        assert_eq!(key.stated, PublicValue::RsaModulus(vec![0x0c, 0xa1]));
        assert!(key.inconsistent.is_none());
    }
}
