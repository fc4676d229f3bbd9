//! Password-protected inputs: PKCS#12 files (PBES2 with PBKDF2 and AES or 3DES, the legacy
//! PKCS#12 PBE schemes with 3DES and RC2, MAC checked), encrypted PKCS#8 and legacy PEM keys,
//! and Java keystores (JKS, JCEKS), whose certificates are readable without a password.
//!
//! Every input is hostile: structure is checked before use, and the work a file can demand is
//! bounded ([`MAX_ITERATIONS`] per key derivation, [`MAX_HASH_WORK`] per file).

use std::num::NonZeroU32;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, InnerIvInit, KeyInit};
use ring::digest;

use crate::der::{self, Tlv, tag};

/// Key derivations asking for more iterations than this are refused (OpenSSL and Java write
/// 2,048–10,000; password managers up to 600,000).
pub const MAX_ITERATIONS: u64 = 1_000_000;
/// The hash iterations one file may cost, over all its entries and candidate passwords.
pub const MAX_HASH_WORK: u64 = 8_000_000;
/// At most this many candidate passwords are tried (the empty password is always tried too).
pub const MAX_PASSWORDS: usize = 8;

/// Why a protected part could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No password was given, and the empty password does not open it.
    NeedsPassword,
    /// None of the given passwords opens it.
    WrongPassword,
    /// An encryption or integrity scheme this tool does not implement.
    Unsupported(String),
    /// A key derivation asks for more than [`MAX_ITERATIONS`] iterations.
    TooManyIterations(u64),
    /// The file as a whole asks for more than [`MAX_HASH_WORK`] hash iterations.
    TooMuchWork,
    /// The structure is broken.
    Malformed(&'static str),
}

/// The passwords to try, in order, and the work already spent.
pub(crate) struct Keyring<'a> {
    given: Vec<&'a str>,
    work: u64,
}

impl<'a> Keyring<'a> {
    pub(crate) fn new(passwords: &'a [String]) -> Self {
        let mut given: Vec<&str> = Vec::new();
        for password in passwords.iter().take(MAX_PASSWORDS) {
            if !given.contains(&password.as_str()) {
                given.push(password);
            }
        }
        Self { given, work: 0 }
    }

    /// The given passwords, then the empty one.
    fn candidates(&self) -> Vec<&'a str> {
        let mut all = self.given.clone();
        if !all.contains(&"") {
            all.push("");
        }
        all
    }

    /// What to report when no candidate worked.
    fn none_fits(&self) -> Failure {
        if self.given.iter().all(|p| p.is_empty()) {
            Failure::NeedsPassword
        } else {
            Failure::WrongPassword
        }
    }

    fn spend(&mut self, iterations: u64) -> Result<(), Failure> {
        self.spend_times(iterations, 1)
    }

    /// Accounts for `times` derivations (or derived blocks) of `iterations` each.
    fn spend_times(&mut self, iterations: u64, times: u64) -> Result<(), Failure> {
        if iterations > MAX_ITERATIONS {
            return Err(Failure::TooManyIterations(iterations));
        }
        self.work = self.work.saturating_add(iterations.saturating_mul(times));
        if self.work > MAX_HASH_WORK {
            return Err(Failure::TooMuchWork);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Encryption schemes

const OID_PBES2: &str = "1.2.840.113549.1.5.13";
const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
const OID_JKS_KEY_PROTECTOR: &str = "1.3.6.1.4.1.42.2.17.1.1";
const OID_JCE_MD5_3DES: &str = "1.3.6.1.4.1.42.2.19.1";
const PKCS12_PBE_ARC: &str = "1.2.840.113549.1.12.1.";

#[derive(Clone, Copy, Debug)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_digest_oid(oid: &str) -> Option<Self> {
        match oid {
            "1.3.14.3.2.26" => Some(Self::Sha1),
            "2.16.840.1.101.3.4.2.1" => Some(Self::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Self::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn from_hmac_oid(oid: &str) -> Option<Self> {
        match oid {
            "1.2.840.113549.2.7" => Some(Self::Sha1),
            "1.2.840.113549.2.9" => Some(Self::Sha256),
            "1.2.840.113549.2.10" => Some(Self::Sha384),
            "1.2.840.113549.2.11" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Self::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        }
    }

    fn hmac(self) -> ring::hmac::Algorithm {
        match self {
            Self::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => ring::hmac::HMAC_SHA256,
            Self::Sha384 => ring::hmac::HMAC_SHA384,
            Self::Sha512 => ring::hmac::HMAC_SHA512,
        }
    }

    fn pbkdf2(self) -> ring::pbkdf2::Algorithm {
        match self {
            Self::Sha1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
            Self::Sha256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
            Self::Sha384 => ring::pbkdf2::PBKDF2_HMAC_SHA384,
            Self::Sha512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
        }
    }
}

/// A block cipher in CBC mode.
#[derive(Clone, Copy, Debug)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    Des,
    TripleDes2,
    TripleDes3,
    /// RC2 with this effective key length in bits.
    Rc2(usize),
}

impl Cipher {
    fn key_len(self) -> usize {
        match self {
            Self::Aes128 | Self::TripleDes2 => 16,
            Self::Aes192 | Self::TripleDes3 => 24,
            Self::Aes256 => 32,
            Self::Des => 8,
            Self::Rc2(bits) => bits / 8,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            Self::Aes128 | Self::Aes192 | Self::Aes256 => 16,
            _ => 8,
        }
    }

    /// Decrypts and removes the padding; `None` when the key is wrong (bad padding).
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        fn run<C: BlockDecryptMut + cbc::cipher::BlockCipher>(
            cipher: C,
            iv: &[u8],
            data: &[u8],
        ) -> Option<Vec<u8>> {
            let mut buffer = data.to_vec();
            let length = cbc::Decryptor::inner_iv_slice_init(cipher, iv)
                .ok()?
                .decrypt_padded_mut::<Pkcs7>(&mut buffer)
                .ok()?
                .len();
            buffer.truncate(length);
            Some(buffer)
        }
        match self {
            Self::Aes128 => run(aes::Aes128::new_from_slice(key).ok()?, iv, data),
            Self::Aes192 => run(aes::Aes192::new_from_slice(key).ok()?, iv, data),
            Self::Aes256 => run(aes::Aes256::new_from_slice(key).ok()?, iv, data),
            Self::Des => run(des::Des::new_from_slice(key).ok()?, iv, data),
            Self::TripleDes2 => run(des::TdesEde2::new_from_slice(key).ok()?, iv, data),
            Self::TripleDes3 => run(des::TdesEde3::new_from_slice(key).ok()?, iv, data),
            Self::Rc2(bits) => {
                if key.is_empty() || key.len() > 128 {
                    return None;
                }
                run(rc2::Rc2::new_with_eff_key_len(key, bits), iv, data)
            }
        }
    }
}

/// How a piece of data is encrypted, read from its AlgorithmIdentifier.
#[derive(Debug)]
enum Scheme {
    Pbes2 {
        prf: Hash,
        salt: Vec<u8>,
        iterations: u64,
        cipher: Cipher,
        iv: Vec<u8>,
    },
    Pkcs12 {
        cipher: Cipher,
        salt: Vec<u8>,
        iterations: u64,
    },
    /// Sun's proprietary JKS key protector (salt, SHA-1 keystream, check digest in the data).
    JksKeyProtector,
    /// Sun's PBEWithMD5AndTripleDES (JCEKS keys).
    JceMd5TripleDes { salt: Vec<u8>, iterations: u64 },
}

fn algorithm<'a>(tlv: &Tlv<'a>) -> Result<(String, Option<Tlv<'a>>), Failure> {
    let malformed = Failure::Malformed("an encryption algorithm identifier");
    if tlv.tag != tag::SEQUENCE {
        return Err(malformed);
    }
    let parts = der::children(tlv.value).ok_or(malformed.clone())?;
    let oid = parts
        .first()
        .filter(|o| o.tag == tag::OID)
        .ok_or(malformed)?;
    Ok((der::oid_to_string(oid.value), parts.get(1).copied()))
}

/// A non-negative INTEGER that fits in 64 bits.
fn small_uint(tlv: &Tlv<'_>) -> Option<u64> {
    if tlv.tag != tag::INTEGER || tlv.value.first().is_some_and(|&b| b & 0x80 != 0) {
        return None;
    }
    let value = der::unsigned(tlv.value);
    if value.len() > 8 {
        return Some(u64::MAX);
    }
    Some(value.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// `SEQUENCE { salt OCTET STRING, iterations INTEGER }`, the PKCS#12 and PKCS#5 v1 parameters.
fn salt_and_iterations(params: Option<Tlv<'_>>) -> Result<(Vec<u8>, u64), Failure> {
    let malformed = Failure::Malformed("the password-based encryption parameters");
    let parts = params
        .filter(|p| p.tag == tag::SEQUENCE)
        .and_then(|p| der::children(p.value))
        .ok_or(malformed.clone())?;
    match parts.as_slice() {
        [salt, iterations, ..] if salt.tag == tag::OCTET_STRING => Ok((
            salt.value.to_vec(),
            small_uint(iterations).ok_or(malformed)?,
        )),
        _ => Err(malformed),
    }
}

impl Scheme {
    fn parse(identifier: &Tlv<'_>) -> Result<Self, Failure> {
        let (oid, params) = algorithm(identifier)?;
        if let Some(number) = oid.strip_prefix(PKCS12_PBE_ARC) {
            let cipher = match number {
                "3" => Cipher::TripleDes3,
                "4" => Cipher::TripleDes2,
                "5" => Cipher::Rc2(128),
                "6" => Cipher::Rc2(40),
                "1" => return Err(Failure::Unsupported("pbeWithSHAAnd128BitRC4".into())),
                "2" => return Err(Failure::Unsupported("pbeWithSHAAnd40BitRC4".into())),
                _ => return Err(Failure::Unsupported(oid)),
            };
            let (salt, iterations) = salt_and_iterations(params)?;
            return Ok(Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            });
        }
        match oid.as_str() {
            OID_PBES2 => Self::parse_pbes2(params),
            OID_JKS_KEY_PROTECTOR => Ok(Self::JksKeyProtector),
            OID_JCE_MD5_3DES => {
                let (salt, iterations) = salt_and_iterations(params)?;
                Ok(Self::JceMd5TripleDes { salt, iterations })
            }
            "1.2.840.113549.1.5.3" => Err(Failure::Unsupported("pbeWithMD5AndDES-CBC".into())),
            "1.2.840.113549.1.5.10" => Err(Failure::Unsupported("pbeWithSHA1AndDES-CBC".into())),
            _ => Err(Failure::Unsupported(oid)),
        }
    }

    fn parse_pbes2(params: Option<Tlv<'_>>) -> Result<Self, Failure> {
        let malformed = Failure::Malformed("the PBES2 parameters");
        let parts = params
            .filter(|p| p.tag == tag::SEQUENCE)
            .and_then(|p| der::children(p.value))
            .ok_or(malformed.clone())?;
        let [kdf, encryption] = parts.as_slice() else {
            return Err(malformed);
        };
        let (kdf_oid, kdf_params) = algorithm(kdf)?;
        if kdf_oid != OID_PBKDF2 {
            let name = if kdf_oid == "1.3.6.1.4.1.11591.4.11" {
                "scrypt".to_owned()
            } else {
                kdf_oid
            };
            return Err(Failure::Unsupported(name));
        }
        let kdf_parts = kdf_params
            .filter(|p| p.tag == tag::SEQUENCE)
            .and_then(|p| der::children(p.value))
            .ok_or(malformed.clone())?;
        let (salt, iterations) = match kdf_parts.as_slice() {
            [salt, iterations, ..] if salt.tag == tag::OCTET_STRING => (
                salt.value.to_vec(),
                small_uint(iterations).ok_or(malformed.clone())?,
            ),
            _ => return Err(malformed),
        };
        // Optional keyLength INTEGER, then an optional PRF (default hmacWithSHA1).
        let mut prf = Hash::Sha1;
        for part in kdf_parts.iter().skip(2) {
            if part.tag == tag::SEQUENCE {
                let (prf_oid, _) = algorithm(part)?;
                prf = Hash::from_hmac_oid(&prf_oid)
                    .ok_or_else(|| Failure::Unsupported(prf_oid.clone()))?;
            }
        }
        let (cipher_oid, iv) = algorithm(encryption)?;
        let cipher = match cipher_oid.as_str() {
            "2.16.840.1.101.3.4.1.2" => Cipher::Aes128,
            "2.16.840.1.101.3.4.1.22" => Cipher::Aes192,
            "2.16.840.1.101.3.4.1.42" => Cipher::Aes256,
            "1.2.840.113549.3.7" => Cipher::TripleDes3,
            "1.3.14.3.2.7" => Cipher::Des,
            _ => return Err(Failure::Unsupported(cipher_oid)),
        };
        let iv = iv
            .filter(|iv| iv.tag == tag::OCTET_STRING && iv.value.len() == cipher.iv_len())
            .ok_or(malformed)?;
        Ok(Self::Pbes2 {
            prf,
            salt: salt.to_vec(),
            iterations,
            cipher,
            iv: iv.value.to_vec(),
        })
    }

    fn iterations(&self) -> u64 {
        match self {
            Self::Pbes2 { iterations, .. }
            | Self::Pkcs12 { iterations, .. }
            | Self::JceMd5TripleDes { iterations, .. } => *iterations,
            Self::JksKeyProtector => 1,
        }
    }

    /// How many runs of `iterations` hashes one password costs: one per derived block.
    fn derivations(&self, password: &str) -> u64 {
        let blocks = |bytes: usize, output: usize| bytes.div_ceil(output.max(1)) as u64;
        match self {
            Self::Pbes2 { prf, cipher, .. } => blocks(cipher.key_len(), prf.digest().output_len()),
            Self::Pkcs12 { cipher, .. } => {
                let per_secret = blocks(cipher.key_len(), 20) + blocks(cipher.iv_len(), 20);
                per_secret * bmp_variants(password).len() as u64
            }
            Self::JceMd5TripleDes { .. } => 2,
            Self::JksKeyProtector => 1,
        }
    }

    /// Decrypts with one password; `None` when this password does not fit.
    fn decrypt(&self, password: &str, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Pbes2 {
                prf,
                salt,
                iterations,
                cipher,
                iv,
            } => {
                let rounds = NonZeroU32::new(u32::try_from(*iterations).ok()?)?;
                let mut key = vec![0; cipher.key_len()];
                ring::pbkdf2::derive(prf.pbkdf2(), rounds, salt, password.as_bytes(), &mut key);
                cipher.decrypt(&key, iv, data)
            }
            Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            } => bmp_variants(password).into_iter().find_map(|secret| {
                let key = pkcs12_kdf(Hash::Sha1, &secret, salt, *iterations, 1, cipher.key_len());
                let iv = pkcs12_kdf(Hash::Sha1, &secret, salt, *iterations, 2, cipher.iv_len());
                cipher.decrypt(&key, &iv, data)
            }),
            Self::JksKeyProtector => jks_unprotect(password, data),
            Self::JceMd5TripleDes { salt, iterations } => {
                let (key, iv) = jce_md5_3des_key(password, salt, *iterations)?;
                Cipher::TripleDes3.decrypt(&key, &iv, data)
            }
        }
    }
}

/// PKCS#12 passwords are BMPStrings with a terminating NUL; the empty password is tried both as
/// that and as no bytes at all (OpenSSL does the same).
fn bmp_variants(password: &str) -> Vec<Vec<u8>> {
    let mut bmp: Vec<u8> = password.encode_utf16().flat_map(u16::to_be_bytes).collect();
    bmp.extend([0, 0]);
    if password.is_empty() {
        vec![bmp, Vec::new()]
    } else {
        vec![bmp]
    }
}

/// The PKCS#12 key derivation (RFC 7292 appendix B.2). `id` 1 = key, 2 = IV, 3 = MAC key.
fn pkcs12_kdf(
    hash: Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u64,
    id: u8,
    length: usize,
) -> Vec<u8> {
    let algorithm = hash.digest();
    let u = algorithm.output_len();
    let v = algorithm.block_len();
    let fill = |data: &[u8]| -> Vec<u8> {
        if data.is_empty() {
            return Vec::new();
        }
        let len = v * data.len().div_ceil(v);
        data.iter().copied().cycle().take(len).collect()
    };
    let mut i = fill(salt);
    i.extend(fill(password));
    let d = vec![id; v];
    let mut out = Vec::with_capacity(length + u);
    while out.len() < length {
        let mut context = digest::Context::new(algorithm);
        context.update(&d);
        context.update(&i);
        let mut a = context.finish();
        for _ in 1..iterations.max(1) {
            a = digest::digest(algorithm, a.as_ref());
        }
        let a = a.as_ref();
        out.extend_from_slice(a);
        if out.len() >= length {
            break;
        }
        let b: Vec<u8> = a.iter().copied().cycle().take(v).collect();
        for block in i.chunks_mut(v) {
            // block = (block + b + 1) mod 2^(8v), big-endian
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(length);
    out
}

/// Java's password bytes for the JKS algorithms: UTF-16BE, no terminator.
fn utf16_be(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn sha1(parts: &[&[u8]]) -> digest::Digest {
    let mut context = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
    for part in parts {
        context.update(part);
    }
    context.finish()
}

/// Undoes Sun's JKS key protector: 20 bytes of salt, the key XORed with a SHA-1 keystream,
/// and a SHA-1 check of password and key.
fn jks_unprotect(password: &str, data: &[u8]) -> Option<Vec<u8>> {
    let salt = data.get(..20)?;
    let encrypted = data.get(20..data.len().checked_sub(20)?)?;
    let check = data.get(data.len() - 20..)?;
    let secret = utf16_be(password);
    let mut plain = Vec::with_capacity(encrypted.len());
    let mut block = salt.to_vec();
    for chunk in encrypted.chunks(20) {
        block = sha1(&[&secret, &block]).as_ref().to_vec();
        plain.extend(chunk.iter().zip(&block).map(|(c, k)| c ^ k));
    }
    (sha1(&[&secret, &plain]).as_ref() == check).then_some(plain)
}

/// Sun's PBEWithMD5AndTripleDES key and IV (com.sun.crypto.provider.PBES1Core).
fn jce_md5_3des_key(password: &str, salt: &[u8], iterations: u64) -> Option<(Vec<u8>, Vec<u8>)> {
    use md5::Digest as _;
    if salt.len() != 8 || !password.is_ascii() {
        return None;
    }
    let mut salt = salt.to_vec();
    if salt.get(..4) == salt.get(4..) {
        salt.swap(0, 3);
        salt.swap(1, 2);
    }
    let mut derived = Vec::with_capacity(32);
    for half in salt.chunks(4) {
        let mut hashed = half.to_vec();
        for _ in 0..iterations {
            let mut md = md5::Md5::new();
            md.update(&hashed);
            md.update(password.as_bytes());
            hashed = md.finalize().to_vec();
        }
        derived.extend(hashed);
    }
    let iv = derived.split_off(24);
    Some((derived, iv))
}

/// Decrypts data under a parsed scheme with the keyring's candidates.
fn unlock(scheme: &Scheme, data: &[u8], keyring: &mut Keyring<'_>) -> Result<Vec<u8>, Failure> {
    for password in keyring.candidates() {
        keyring.spend_times(scheme.iterations(), scheme.derivations(password))?;
        if let Some(plain) = scheme.decrypt(password, data) {
            // A wrong key passes the padding check about once in 256 tries: the plaintext must
            // also be one DER structure.
            if der::read_all(&plain).is_some() {
                return Ok(plain);
            }
        }
    }
    Err(keyring.none_fits())
}

/// Decrypts a PKCS#8 EncryptedPrivateKeyInfo to its PrivateKeyInfo.
pub(crate) fn decrypt_pkcs8(
    der_bytes: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    let malformed = Failure::Malformed("an encrypted private key");
    let parts = der::read_all(der_bytes)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(malformed.clone())?;
    let [identifier, data] = parts.as_slice() else {
        return Err(malformed);
    };
    if data.tag != tag::OCTET_STRING {
        return Err(malformed);
    }
    let scheme = Scheme::parse(identifier)?;
    unlock(&scheme, data.value, keyring)
}

/// Decrypts a traditional OpenSSL PEM key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: CIPHER,IV`).
pub(crate) fn decrypt_legacy_pem(
    dek_info: &str,
    data: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    use md5::Digest as _;
    let (name, iv_hex) = dek_info
        .split_once(',')
        .ok_or(Failure::Malformed("the DEK-Info header"))?;
    let cipher = match name.trim() {
        "AES-128-CBC" => Cipher::Aes128,
        "AES-192-CBC" => Cipher::Aes192,
        "AES-256-CBC" => Cipher::Aes256,
        "DES-EDE3-CBC" => Cipher::TripleDes3,
        "DES-CBC" => Cipher::Des,
        other => return Err(Failure::Unsupported(other.to_owned())),
    };
    let iv = hex_decode(iv_hex.trim())
        .filter(|iv| iv.len() == cipher.iv_len())
        .ok_or(Failure::Malformed("the DEK-Info header"))?;
    let salt = iv.get(..8).unwrap_or_default();
    for password in keyring.candidates() {
        keyring.spend(1)?;
        // EVP_BytesToKey with MD5 and one iteration.
        let mut key = Vec::new();
        let mut previous: Vec<u8> = Vec::new();
        while key.len() < cipher.key_len() {
            let mut md = md5::Md5::new();
            md.update(&previous);
            md.update(password.as_bytes());
            md.update(salt);
            previous = md.finalize().to_vec();
            key.extend_from_slice(&previous);
        }
        key.truncate(cipher.key_len());
        if let Some(plain) = cipher.decrypt(&key, &iv, data)
            && der::read_all(&plain).is_some()
        {
            return Ok(plain);
        }
    }
    Err(keyring.none_fits())
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Containers

/// What a protected container held.
#[derive(Debug)]
pub(crate) enum Part {
    Certificate(Vec<u8>),
    Crl(Vec<u8>),
    /// A decrypted (or never encrypted) PKCS#8 PrivateKeyInfo.
    PrivateKey(Vec<u8>),
}

/// The readable parts of a container (each with its 1-based entry number) and the problems of
/// the others.
#[derive(Debug, Default)]
pub(crate) struct Opened {
    pub(crate) parts: Vec<(usize, Part)>,
    pub(crate) failures: Vec<(Option<usize>, Failure)>,
    /// The MAC or keystore digest does not verify although a password decrypts the contents.
    pub(crate) integrity_failed: bool,
}

const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const BAG_KEY: &str = "1.2.840.113549.1.12.10.1.1";
const BAG_SHROUDED_KEY: &str = "1.2.840.113549.1.12.10.1.2";
const BAG_CERT: &str = "1.2.840.113549.1.12.10.1.3";
const BAG_CRL: &str = "1.2.840.113549.1.12.10.1.4";
const BAG_SAFE_CONTENTS: &str = "1.2.840.113549.1.12.10.1.6";

/// The contents of an OCTET STRING, primitive or constructed (BER pieces are joined).
fn octets(tlv: &Tlv<'_>) -> Option<Vec<u8>> {
    match tlv.tag {
        tag::OCTET_STRING | 0x80 => Some(tlv.value.to_vec()),
        0x24 | tag::CONTEXT_0 => {
            let mut out = Vec::new();
            for piece in der::children(tlv.value)? {
                out.extend(octets(&piece)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// `[0] EXPLICIT` content of a ContentInfo or bag.
fn explicit<'a>(tlv: Option<&Tlv<'a>>) -> Option<Tlv<'a>> {
    tlv.filter(|t| t.tag == tag::CONTEXT_0)
        .and_then(|t| der::read_all(t.value))
}

/// Opens a PKCS#12 PFX: checks the MAC, decrypts, and collects certificates, CRLs and keys.
pub(crate) fn open_pkcs12(der_bytes: &[u8], keyring: &mut Keyring<'_>) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed("a PKCS#12 file");
    let pfx = der::read_all(der_bytes)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(malformed.clone())?;
    let [_version, auth_safe, rest @ ..] = pfx.as_slice() else {
        return Err(malformed);
    };
    let auth_parts = der::children(auth_safe.value).ok_or(malformed.clone())?;
    let content_type = auth_parts
        .first()
        .filter(|t| t.tag == tag::OID)
        .map(|t| der::oid_to_string(t.value))
        .ok_or(malformed.clone())?;
    if content_type != OID_DATA {
        return Err(Failure::Unsupported(format!(
            "PKCS#12 public-key integrity mode ({content_type})"
        )));
    }
    let content = explicit(auth_parts.get(1))
        .and_then(|t| octets(&t))
        .ok_or(malformed.clone())?;

    // The MAC: find the password that verifies it.
    let has_mac = !rest.is_empty();
    let mac_password = match rest.first() {
        Some(mac_data) => check_mac(mac_data, &content, keyring)?,
        None => None,
    };

    let safes = der::read_all(&content)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(malformed.clone())?;
    // With a verified MAC, that password alone decrypts; otherwise every candidate is tried.
    let mut keys = Keyring {
        given: mac_password.map_or_else(|| keyring.given.clone(), |p| vec![p]),
        work: keyring.work,
    };
    let result = read_safes(&safes, has_mac && mac_password.is_none(), &mut keys);
    keyring.work = keys.work;
    result
}

/// Reads every SafeContents of an AuthenticatedSafe.
fn read_safes(
    safes: &[Tlv<'_>],
    mac_failed: bool,
    keyring: &mut Keyring<'_>,
) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed("a PKCS#12 file");
    let mut opened = Opened::default();
    let mut entry = 0;
    for safe in safes {
        let parts = der::children(safe.value).ok_or(malformed.clone())?;
        let kind = parts
            .first()
            .filter(|t| t.tag == tag::OID)
            .map(|t| der::oid_to_string(t.value))
            .unwrap_or_default();
        let plain = match kind.as_str() {
            OID_DATA => explicit(parts.get(1))
                .and_then(|t| octets(&t))
                .ok_or(malformed.clone())?,
            OID_ENCRYPTED_DATA => match decrypt_encrypted_data(parts.get(1), keyring) {
                Ok(plain) => {
                    opened.integrity_failed |= mac_failed;
                    plain
                }
                Err(failure @ (Failure::TooMuchWork | Failure::TooManyIterations(_))) => {
                    return Err(failure);
                }
                Err(failure) => {
                    opened.failures.push((None, failure));
                    continue;
                }
            },
            other => {
                opened.failures.push((
                    None,
                    Failure::Unsupported(format!("PKCS#12 content {other}")),
                ));
                continue;
            }
        };
        read_safe_contents(&plain, 0, &mut entry, keyring, &mut opened)?;
    }
    Ok(opened)
}

/// Verifies `MacData` over the authenticated content; returns the password that fits.
fn check_mac<'a>(
    mac_data: &Tlv<'_>,
    content: &[u8],
    keyring: &mut Keyring<'a>,
) -> Result<Option<&'a str>, Failure> {
    let malformed = Failure::Malformed("the PKCS#12 MAC");
    let parts = der::children(mac_data.value).ok_or(malformed.clone())?;
    let [digest_info, salt, rest @ ..] = parts.as_slice() else {
        return Err(malformed);
    };
    let iterations = match rest.first() {
        Some(count) => small_uint(count).ok_or(malformed.clone())?,
        None => 1,
    };
    let digest_parts = der::children(digest_info.value).ok_or(malformed.clone())?;
    let [identifier, expected] = digest_parts.as_slice() else {
        return Err(malformed);
    };
    let (oid, _) = algorithm(identifier)?;
    if oid == "1.2.840.113549.1.5.14" {
        return Err(Failure::Unsupported("PBMAC1 (RFC 9579)".into()));
    }
    let hash = Hash::from_digest_oid(&oid).ok_or(Failure::Unsupported(oid))?;
    if salt.tag != tag::OCTET_STRING || expected.tag != tag::OCTET_STRING {
        return Err(malformed);
    }
    for password in keyring.candidates() {
        for secret in bmp_variants(password) {
            keyring.spend(iterations)?;
            let key = pkcs12_kdf(
                hash,
                &secret,
                salt.value,
                iterations,
                3,
                hash.digest().output_len(),
            );
            let key = ring::hmac::Key::new(hash.hmac(), &key);
            if ring::hmac::verify(&key, content, expected.value).is_ok() {
                return Ok(Some(password));
            }
        }
    }
    Ok(None)
}

/// `EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }`.
fn decrypt_encrypted_data(
    explicit_content: Option<&Tlv<'_>>,
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    let malformed = Failure::Malformed("the encrypted part of a PKCS#12 file");
    let encrypted_data = explicit(explicit_content).ok_or(malformed.clone())?;
    let fields = der::children(encrypted_data.value).ok_or(malformed.clone())?;
    let info = fields
        .get(1)
        .and_then(|t| der::children(t.value))
        .ok_or(malformed.clone())?;
    let [_content_type, identifier, data, ..] = info.as_slice() else {
        return Err(malformed);
    };
    let data = octets(data).ok_or(malformed)?;
    let scheme = Scheme::parse(identifier)?;
    unlock(&scheme, &data, keyring)
}

/// Reads the bags of a SafeContents (nested SafeContents bags to a small depth).
fn read_safe_contents(
    der_bytes: &[u8],
    depth: usize,
    entry: &mut usize,
    keyring: &mut Keyring<'_>,
    opened: &mut Opened,
) -> Result<(), Failure> {
    let malformed = Failure::Malformed("the contents of a PKCS#12 file");
    if depth > 4 {
        return Err(malformed);
    }
    let bags = der::read_all(der_bytes)
        .filter(|t| t.tag == tag::SEQUENCE)
        .and_then(|t| der::children(t.value))
        .ok_or(malformed.clone())?;
    for bag in bags {
        *entry += 1;
        let number = *entry;
        let fields = der::children(bag.value).unwrap_or_default();
        let kind = fields
            .first()
            .filter(|t| t.tag == tag::OID)
            .map(|t| der::oid_to_string(t.value))
            .unwrap_or_default();
        let Some(value) = explicit(fields.get(1)) else {
            opened.failures.push((Some(number), malformed.clone()));
            continue;
        };
        match kind.as_str() {
            BAG_CERT | BAG_CRL => {
                // CertBag / CRLBag: SEQUENCE { type OID, [0] EXPLICIT OCTET STRING }
                let inner = der::children(value.value).unwrap_or_default();
                match explicit(inner.get(1)).and_then(|t| octets(&t)) {
                    Some(der) if kind == BAG_CERT => {
                        opened.parts.push((number, Part::Certificate(der)));
                    }
                    Some(der) => opened.parts.push((number, Part::Crl(der))),
                    None => opened.failures.push((Some(number), malformed.clone())),
                }
            }
            BAG_KEY => opened
                .parts
                .push((number, Part::PrivateKey(value.raw.to_vec()))),
            BAG_SHROUDED_KEY => match decrypt_pkcs8(value.raw, keyring) {
                Ok(key) => opened.parts.push((number, Part::PrivateKey(key))),
                Err(failure @ (Failure::TooMuchWork | Failure::TooManyIterations(_))) => {
                    return Err(failure);
                }
                Err(failure) => opened.failures.push((Some(number), failure)),
            },
            BAG_SAFE_CONTENTS => {
                read_safe_contents(value.raw, depth + 1, entry, keyring, opened)?;
            }
            // Secret bags and others carry nothing this tool inspects.
            _ => {}
        }
    }
    Ok(())
}

/// Opens a Java keystore (JKS `FEEDFEED` or JCEKS `CECECECE`). Certificates need no password;
/// private keys do; the store digest is checked when a given password fits it.
pub(crate) fn open_java_keystore(
    bytes: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed("a Java keystore");
    let mut reader = Reader { rest: bytes };
    let magic = reader.u32().ok_or(malformed.clone())?;
    let version = reader.u32().ok_or(malformed.clone())?;
    if !(magic == JKS_MAGIC || magic == JCEKS_MAGIC) || !(version == 1 || version == 2) {
        return Err(malformed);
    }
    let count = reader.u32().ok_or(malformed.clone())?;
    let mut opened = Opened::default();
    let certificate = |reader: &mut Reader<'_>| -> Option<Vec<u8>> {
        if version == 2 {
            reader.utf()?;
        }
        let length = reader.u32()?;
        Some(reader.take(usize::try_from(length).ok()?)?.to_vec())
    };
    let mut entry = 0;
    for _ in 0..count {
        let kind = reader.u32().ok_or(malformed.clone())?;
        reader.utf().ok_or(malformed.clone())?; // alias
        reader.take(8).ok_or(malformed.clone())?; // creation date
        match kind {
            1 => {
                let length = reader.u32().ok_or(malformed.clone())?;
                let protected = reader
                    .take(usize::try_from(length).map_err(|_| malformed.clone())?)
                    .ok_or(malformed.clone())?;
                entry += 1;
                match decrypt_pkcs8(protected, keyring) {
                    Ok(key) => opened.parts.push((entry, Part::PrivateKey(key))),
                    Err(failure @ (Failure::TooMuchWork | Failure::TooManyIterations(_))) => {
                        return Err(failure);
                    }
                    Err(failure) => opened.failures.push((Some(entry), failure)),
                }
                let chain = reader.u32().ok_or(malformed.clone())?;
                for _ in 0..chain {
                    entry += 1;
                    let der = certificate(&mut reader).ok_or(malformed.clone())?;
                    opened.parts.push((entry, Part::Certificate(der)));
                }
            }
            2 => {
                entry += 1;
                let der = certificate(&mut reader).ok_or(malformed.clone())?;
                opened.parts.push((entry, Part::Certificate(der)));
            }
            3 => {
                // A JCEKS secret key is a serialized Java object of unknown length: stop here.
                opened.failures.push((
                    Some(entry + 1),
                    Failure::Unsupported(
                        "a JCEKS secret-key entry (the entries after it were not read)".into(),
                    ),
                ));
                return Ok(opened);
            }
            _ => return Err(malformed),
        }
    }
    let signed = bytes.len() - reader.rest.len();
    let digest = reader.take(20).ok_or(malformed)?;
    let data = bytes.get(..signed).unwrap_or_default();
    let fits = keyring
        .given
        .iter()
        .any(|password| sha1(&[&utf16_be(password), b"Mighty Aphrodite", data]).as_ref() == digest);
    let any_key_opened = opened
        .parts
        .iter()
        .any(|(_, part)| matches!(part, Part::PrivateKey(_)));
    if !fits && any_key_opened {
        opened.integrity_failed = true;
    }
    Ok(opened)
}

pub(crate) const JKS_MAGIC: u32 = 0xfeed_feed;
pub(crate) const JCEKS_MAGIC: u32 = 0xcece_cece;

/// A big-endian reader over Java's DataOutputStream format.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        let bytes: [u8; 4] = self.take(4)?.try_into().ok()?;
        Some(u32::from_be_bytes(bytes))
    }

    /// A `writeUTF` string: a 16-bit length and modified UTF-8.
    fn utf(&mut self) -> Option<&'a [u8]> {
        let bytes: [u8; 2] = self.take(2)?.try_into().ok()?;
        self.take(usize::from(u16::from_be_bytes(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7292 B.2 with SHA-1, checked against the test vectors of OpenSSL's
    /// `test/pkcs12_format_test` era: key and IV for password "smeg", 1 iteration.
    #[test]
    fn pkcs12_kdf_matches_known_vectors() {
        // From Bouncy Castle's PKCS12Test / the classic "smeg" vectors.
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        let password = bmp_variants("smeg").remove(0);
        let key = pkcs12_kdf(Hash::Sha1, &password, &salt, 1, 1, 24);
        assert_eq!(
            hex(&key),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        let iv = pkcs12_kdf(Hash::Sha1, &password, &salt, 1, 2, 8);
        assert_eq!(hex(&iv), "79993dfe048d3b76");
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn keyring_bounds_work_and_passwords() {
        let many: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let mut keyring = Keyring::new(&many);
        assert_eq!(keyring.candidates().len(), MAX_PASSWORDS + 1);
        assert_eq!(
            keyring.spend(MAX_ITERATIONS + 1),
            Err(Failure::TooManyIterations(MAX_ITERATIONS + 1))
        );
        for _ in 0..(MAX_HASH_WORK / MAX_ITERATIONS) {
            assert_eq!(keyring.spend(MAX_ITERATIONS), Ok(()));
        }
        assert_eq!(keyring.spend(1), Err(Failure::TooMuchWork));
    }

    #[test]
    fn work_counts_every_derived_block() {
        let legacy = Scheme::Pkcs12 {
            cipher: Cipher::TripleDes3,
            salt: vec![0; 8],
            iterations: 700_000,
        };
        // 24 key bytes = 2 SHA-1 blocks, 8 IV bytes = 1; the empty password twice (BMP, none).
        assert_eq!(legacy.derivations("pw"), 3);
        assert_eq!(legacy.derivations(""), 6);
        let mut keyring = Keyring::new(&[]);
        assert_eq!(
            keyring.spend_times(legacy.iterations(), legacy.derivations("")),
            Ok(())
        );
        assert_eq!(
            keyring.spend_times(legacy.iterations(), legacy.derivations("")),
            Err(Failure::TooMuchWork)
        );
    }

    #[test]
    fn hostile_containers_fail_cleanly() {
        let mut keyring = Keyring::new(&[]);
        for bytes in [
            &[][..],
            &[0x30, 0x00],
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            &[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(open_pkcs12(bytes, &mut keyring).is_err());
            assert!(decrypt_pkcs8(bytes, &mut keyring).is_err());
            assert!(open_java_keystore(bytes, &mut keyring).is_err());
        }
        assert!(jks_unprotect("x", &[0; 39]).is_none());
        assert!(jce_md5_3des_key("x", &[1; 7], 1).is_none());
        assert_eq!(hex_decode("0g"), None);
        assert_eq!(hex_decode("abc"), None);
    }
}
