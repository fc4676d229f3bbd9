//! Private keys, reduced to the public half: enough to tell whether a key belongs to a
//! certificate. The private material itself is never kept.

use crate::der::{self, tag};

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
    /// The key does not carry its public half (an EC key without the optional public key).
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
    pub public: PublicValue,
}

/// Why a key could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    Malformed,
    Unsupported(String),
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];

/// Names a named curve OID.
pub fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        "1.2.840.10045.3.1.1" => "P-192".into(),
        "1.3.132.0.33" => "P-224".into(),
        other => other.into(),
    }
}

/// PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958).
pub fn from_pkcs8(input: &[u8]) -> Result<PrivateKey, KeyError> {
    let fields = der::read_all(input)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(KeyError::Malformed)?;
    let (Some(algorithm), Some(private)) = (fields.get(1), fields.get(2)) else {
        return Err(KeyError::Malformed);
    };
    if algorithm.tag != tag::SEQUENCE || private.tag != tag::OCTET_STRING {
        return Err(KeyError::Malformed);
    }
    let algorithm = der::children(algorithm.value).ok_or(KeyError::Malformed)?;
    let oid = algorithm.first().ok_or(KeyError::Malformed)?;
    // OneAsymmetricKey v2 may carry [1] publicKey after the attributes.
    let public_v2 = fields
        .iter()
        .skip(3)
        .find(|f| f.tag == 0x81)
        .map(|f| f.value.get(1..).unwrap_or_default().to_vec());
    match oid.value {
        OID_RSA => from_pkcs1(private.value),
        OID_EC => {
            let curve = algorithm
                .get(1)
                .filter(|p| p.tag == tag::OID)
                .map(|p| curve_name(&der::oid_to_string(p.value)));
            from_sec1(private.value, curve)
        }
        OID_ED25519 => {
            let seed = der::read_all(private.value)
                .filter(|t| t.tag == tag::OCTET_STRING && t.value.len() == 32)
                .ok_or(KeyError::Malformed)?;
            let public = match public_v2 {
                Some(public) => public,
                None => ring::signature::Ed25519KeyPair::from_seed_unchecked(seed.value)
                    .map(|pair| {
                        use ring::signature::KeyPair as _;
                        pair.public_key().as_ref().to_vec()
                    })
                    .map_err(|_| KeyError::Malformed)?,
            };
            Ok(PrivateKey {
                algorithm: KeyAlgorithm::Ed25519,
                public: PublicValue::Point(public),
            })
        }
        OID_ED448 => Ok(PrivateKey {
            algorithm: KeyAlgorithm::Ed448,
            public: public_v2.map_or(PublicValue::Unknown, PublicValue::Point),
        }),
        other => Err(KeyError::Unsupported(der::oid_to_string(other))),
    }
}

/// PKCS#1 RSAPrivateKey.
pub fn from_pkcs1(input: &[u8]) -> Result<PrivateKey, KeyError> {
    let fields = der::read_all(input)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(KeyError::Malformed)?;
    if fields.len() < 9 || fields.iter().take(9).any(|f| f.tag != tag::INTEGER) {
        return Err(KeyError::Malformed);
    }
    let modulus = der::unsigned(fields.get(1).map(|f| f.value).unwrap_or_default()).to_vec();
    Ok(PrivateKey {
        algorithm: KeyAlgorithm::Rsa {
            bits: der::bit_length(&modulus),
        },
        public: PublicValue::RsaModulus(modulus),
    })
}

/// SEC1 ECPrivateKey; `curve` comes from the PKCS#8 wrapper when there is one.
pub fn from_sec1(input: &[u8], curve: Option<String>) -> Result<PrivateKey, KeyError> {
    let fields = der::read_all(input)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(KeyError::Malformed)?;
    let version_ok = fields
        .first()
        .is_some_and(|v| v.tag == tag::INTEGER && v.value == [1]);
    let private_ok = fields.get(1).is_some_and(|p| p.tag == tag::OCTET_STRING);
    if !version_ok || !private_ok {
        return Err(KeyError::Malformed);
    }
    let mut curve = curve;
    let mut public = PublicValue::Unknown;
    for field in fields.iter().skip(2) {
        match field.tag {
            tag::CONTEXT_0 => {
                if let Some(oid) = der::read_all(field.value).filter(|t| t.tag == tag::OID) {
                    curve = Some(curve_name(&der::oid_to_string(oid.value)));
                }
            }
            tag::CONTEXT_1 => {
                if let Some(bits) = der::read_all(field.value).filter(|t| t.tag == tag::BIT_STRING)
                {
                    public = PublicValue::Point(bits.value.get(1..).unwrap_or_default().to_vec());
                }
            }
            _ => {}
        }
    }
    Ok(PrivateKey {
        algorithm: KeyAlgorithm::Ec {
            curve: curve.unwrap_or_else(|| "unknown curve".into()),
        },
        public,
    })
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
    }
}
