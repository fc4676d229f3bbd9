//! A DER writer for tests: certificates and CRLs built field by field, so that a test can put
//! exactly the encoding it wants (BER booleans, padded OIDs, odd times, trailing bytes) where it
//! wants it, and sign the result. Test tooling only: the engine never writes DER.

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};

/// A length in DER's minimal form.
pub fn length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(length(content.len()));
    out.extend_from_slice(content);
    out
}

/// A TLV whose length is written in the long form with `extra` needless leading zero bytes
/// (BER, not DER).
pub fn tlv_long_length(tag: u8, content: &[u8], extra: usize) -> Vec<u8> {
    let bytes: Vec<u8> = content
        .len()
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![tag, 0x80 | (bytes.len() + extra) as u8];
    out.extend(std::iter::repeat_n(0u8, extra));
    out.extend(bytes);
    out.extend_from_slice(content);
    out
}

/// A constructed TLV with an indefinite length (BER) and its end-of-contents octets.
pub fn tlv_indefinite(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, 0x80];
    out.extend_from_slice(content);
    out.extend([0, 0]);
    out
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

/// The contents of an OBJECT IDENTIFIER in dotted form (minimal encoding).
pub fn oid_bytes(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        groups.reverse();
        out.extend(groups);
    }
    out
}

pub fn oid(dotted: &str) -> Vec<u8> {
    tlv(0x06, &oid_bytes(dotted))
}

/// An INTEGER from its content bytes, as given (no minimisation).
pub fn integer_raw(content: &[u8]) -> Vec<u8> {
    tlv(0x02, content)
}

/// A non-negative INTEGER in minimal form.
pub fn integer(value: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    integer_raw(&bytes)
}

pub fn octet_string(content: &[u8]) -> Vec<u8> {
    tlv(0x04, content)
}

pub fn bit_string(content: &[u8]) -> Vec<u8> {
    let mut bits = vec![0];
    bits.extend_from_slice(content);
    tlv(0x03, &bits)
}

/// `[n] EXPLICIT`.
pub fn explicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

pub const BOOLEAN_TRUE: &[u8] = &[0x01, 0x01, 0xff];

/// String tags.
pub const UTF8: u8 = 0x0c;
pub const PRINTABLE: u8 = 0x13;
pub const IA5: u8 = 0x16;
pub const BMP: u8 = 0x1e;

pub const CN: &str = "2.5.4.3";
pub const O: &str = "2.5.4.10";

/// A Name of single-attribute RDNs: (type OID, string tag, value bytes).
pub fn name(attributes: &[(&str, u8, &[u8])]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attributes
        .iter()
        .map(|(kind, tag, value)| set(&[&seq(&[&oid(kind), &tlv(*tag, value)])]))
        .collect();
    let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
    seq(&refs)
}

/// `O=mtls-inspector tests, CN=<cn>` in UTF8String, as the scenario suite names things.
pub fn simple_name(cn: &str) -> Vec<u8> {
    name(&[
        (O, UTF8, b"mtls-inspector tests"),
        (CN, UTF8, cn.as_bytes()),
    ])
}

pub fn bmp(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// UTCTime `YYMMDDHHMMSSZ`.
pub fn utc_time(seconds: i64) -> Vec<u8> {
    tlv(0x17, time_text(seconds, false).as_bytes())
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ`.
pub fn generalized_time(seconds: i64) -> Vec<u8> {
    tlv(0x18, time_text(seconds, true).as_bytes())
}

pub fn time_text(seconds: i64, four_digit_year: bool) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap();
    let year = if four_digit_year {
        format!("{:04}", t.year())
    } else {
        format!("{:02}", t.year() % 100)
    };
    format!(
        "{year}{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The time an RFC 5280 CA writes: UTCTime through 2049, GeneralizedTime after.
pub fn time(seconds: i64) -> Vec<u8> {
    let year = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap()
        .year();
    if year < 2050 {
        utc_time(seconds)
    } else {
        generalized_time(seconds)
    }
}

pub const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
pub const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";

/// `AlgorithmIdentifier { ecdsa-with-SHA256 }` (no parameters, as RFC 5758 says).
pub fn ecdsa_sha256() -> Vec<u8> {
    seq(&[&oid(ECDSA_SHA256)])
}

/// An extension: `SEQUENCE { OID, [critical], OCTET STRING value }` with `critical` written as
/// given (None = absent).
pub fn extension_raw(oid_content: &[u8], critical: Option<&[u8]>, value: &[u8]) -> Vec<u8> {
    let oid = tlv(0x06, oid_content);
    let value = octet_string(value);
    match critical {
        Some(flag) => seq(&[&oid, flag, &value]),
        None => seq(&[&oid, &value]),
    }
}

pub fn extension(dotted: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    extension_raw(&oid_bytes(dotted), critical.then_some(BOOLEAN_TRUE), value)
}

pub const BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub const KEY_USAGE: &str = "2.5.29.15";
pub const EXTENDED_KEY_USAGE: &str = "2.5.29.37";
pub const SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub const SUBJECT_KEY_ID: &str = "2.5.29.14";
pub const AUTHORITY_KEY_ID: &str = "2.5.29.35";
pub const NAME_CONSTRAINTS: &str = "2.5.29.30";
pub const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

pub fn basic_constraints_ca() -> Vec<u8> {
    seq(&[BOOLEAN_TRUE])
}

/// KeyUsage bits as a BIT STRING (bit 0 = digitalSignature … bit 6 = cRLSign).
pub fn key_usage_value(bits: &[u8]) -> Vec<u8> {
    let mut byte = 0u8;
    for &bit in bits {
        byte |= 0x80 >> bit;
    }
    let unused = byte.trailing_zeros().min(7) as u8;
    tlv(0x03, &[unused, byte])
}

pub fn eku_value(purposes: &[&str]) -> Vec<u8> {
    let oids: Vec<Vec<u8>> = purposes.iter().map(|p| oid(p)).collect();
    let refs: Vec<&[u8]> = oids.iter().map(Vec::as_slice).collect();
    seq(&refs)
}

pub fn dns_san_value(host: &str) -> Vec<u8> {
    seq(&[&tlv(0x82, host.as_bytes())])
}

/// A P-256 key with its SubjectPublicKeyInfo, and signing.
pub struct Key {
    pub pkcs8: Vec<u8>,
    pub pair: EcdsaKeyPair,
}

impl Key {
    pub fn generate() -> Self {
        let random = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &random)
            .unwrap()
            .as_ref()
            .to_vec();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &pkcs8, &random).unwrap();
        Self { pkcs8, pair }
    }

    pub fn point(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    pub fn spki(&self) -> Vec<u8> {
        seq(&[
            &seq(&[&oid("1.2.840.10045.2.1"), &oid("1.2.840.10045.3.1.7")]),
            &bit_string(&self.point()),
        ])
    }

    /// The SHA-1 of the public key, the usual key identifier.
    pub fn key_id(&self) -> Vec<u8> {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.point())
            .as_ref()
            .to_vec()
    }

    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        self.pair
            .sign(&SystemRandom::new(), data)
            .unwrap()
            .as_ref()
            .to_vec()
    }

    /// The key as PKCS#8 PEM (ring writes v2, with the public key).
    pub fn pem(&self) -> String {
        super::pem_block("PRIVATE KEY", &self.pkcs8)
    }
}

/// Signs `tbs` and wraps it: `SEQUENCE { tbs, algorithm, BIT STRING signature }`.
pub fn signed(tbs: &[u8], algorithm: &[u8], signature: &[u8]) -> Vec<u8> {
    seq(&[tbs, algorithm, &bit_string(signature)])
}
