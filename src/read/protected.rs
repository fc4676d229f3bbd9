//! Password-protected inputs: PKCS#12 files, encrypted PKCS#8 and traditional PEM keys.
//!
//! The cryptography comes from maintained crates: PBES2 and PBES1 (PKCS#5) from `pkcs5`, the
//! PKCS#12 key derivation from `pkcs12`, HMAC, SHA, AES, 3DES and RC2 from RustCrypto. The
//! containers are read with der-parser (src/read/asn1.rs). What is written here is the order of
//! the work, and that is why it is not `p12-keystore`: a PKCS#12 file's certificates are often
//! stored in the clear and are shown without any password; a wrong password is told apart
//! from a file whose MAC was damaged (the password decrypts the contents but the MAC does not
//! verify); several candidate passwords are tried; and the work a hostile file can demand is
//! bounded ([`MAX_ITERATIONS`] per key derivation, [`MAX_HASH_WORK`] per file) before any of
//! it is done. `p12-keystore` needs the password to read anything, verifies the MAC first, and
//! knows neither 2-key 3DES nor 128-bit RC2.
//!
//! Java keystores are read in src/read/keystore.rs.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, KeyInit, KeyIvInit};
use der::Decode as _;
use digest::{Digest, FixedOutputReset, block_api::BlockSizeUser};

use serde::{Deserialize, Serialize};

use crate::read::asn1::{self, Element, Tag};

/// Key derivations asking for more iterations than this are refused (OpenSSL and Java write
/// 2,048–10,000; password managers up to 600,000).
pub const MAX_ITERATIONS: u64 = 1_000_000;
/// The hash iterations one file may cost, over all its entries and candidate passwords.
pub const MAX_HASH_WORK: u64 = 8_000_000;
/// At most this many candidate passwords are tried (the empty password is always tried too).
pub const MAX_PASSWORDS: usize = 8;
/// scrypt costs above this (N × r × p) are refused: 2^14 × 8 uses 16 MiB of memory.
pub const MAX_SCRYPT_COST: u64 = 1 << 17;

/// Why a protected part could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    Malformed(Damaged),
    /// It does not read as what it looked like (an OCSP response), for this reason.
    Unreadable(String),
}

/// The structure found broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Damaged {
    Keystore,
    Pkcs12,
    Pkcs12Mac,
    Pkcs12Contents,
    Pkcs12EncryptedPart,
    EncryptedKey,
    AlgorithmIdentifier,
    PbeParameters,
    DekInfo,
}

impl Damaged {
    /// What the structure should have been, as the reader says it.
    pub fn expected(self) -> &'static str {
        match self {
            Self::Keystore => "a Java keystore",
            Self::Pkcs12 => "a PKCS#12 file",
            Self::Pkcs12Mac => "the PKCS#12 MAC",
            Self::Pkcs12Contents => "the contents of a PKCS#12 file",
            Self::Pkcs12EncryptedPart => "the encrypted part of a PKCS#12 file",
            Self::EncryptedKey => "an encrypted private key",
            Self::AlgorithmIdentifier => "an encryption algorithm identifier",
            Self::PbeParameters => "the password-based encryption parameters",
            Self::DekInfo => "the DEK-Info header",
        }
    }
}

/// A protected part of an input, as the reader meets it: what is to be opened with the
/// passwords.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locked {
    /// A traditional OpenSSL PEM key: its `DEK-Info` header and encrypted DER.
    LegacyPem {
        dek_info: String,
        #[serde(with = "serde_bytes")]
        der: Vec<u8>,
    },
    /// A PKCS#8 EncryptedPrivateKeyInfo.
    Pkcs8(#[serde(with = "serde_bytes")] Vec<u8>),
    /// A PKCS#12 file.
    Pkcs12(#[serde(with = "serde_bytes")] Vec<u8>),
    /// A Java keystore (JKS or JCEKS).
    Keystore(#[serde(with = "serde_bytes")] Vec<u8>),
    /// An OCSP response: not protected, but read by a module of its own in the page (its
    /// reader, x509-ocsp, is ~40 KB the engine's module would carry for a rare input), so it
    /// travels the same way (src/ocsp_worker.rs).
    Ocsp(#[serde(with = "serde_bytes")] Vec<u8>),
    /// An Envoy configuration's text: read by the page's YAML module (src/yaml_worker.rs) the
    /// same way, for the same reason (yaml-rust2). Its UTF-8 text, as bytes (the unlock module
    /// then carries no reader of its own for it).
    Yaml(#[serde(with = "serde_bytes")] Vec<u8>),
}

/// What opening a [`Locked`] part gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unlocked {
    /// A decrypted key: PKCS#1 or SEC 1 from a PEM key, PKCS#8 from a PKCS#8 one.
    Key(#[serde(with = "serde_bytes")] Vec<u8>),
    /// What a PKCS#12 file or keystore held.
    Container(Opened),
    /// An OCSP response, read. It travels as [`crate::channel::ReadReply`], not in the unlock
    /// module's answers (whose module then carries no code to send one).
    #[serde(skip)]
    Ocsp(std::sync::Arc<crate::read::ocsp::Ocsp>),
    /// An Envoy configuration's YAML documents, read (it travels as the OCSP response does).
    #[serde(skip)]
    Yaml(Vec<crate::server::envoy::Node>),
}

/// The answer for one [`Locked`] part.
pub type Answer = Result<Unlocked, Failure>;

/// Opens one protected part with the keyring's passwords. The reader reaches the cryptography
/// only through this, as a function it is given (`decode_with`): the command line passes
/// this one; the page's engine passes answers its unlock worker computed, so that its own
/// module carries no cipher, key derivation or container code (src/worker.rs).
pub fn open(keyring: &mut Keyring<'_>, locked: Locked) -> Answer {
    match locked {
        Locked::Ocsp(der) => read_ocsp(&der),
        locked => open_protected(keyring, locked),
    }
}

/// Reads an OCSP response (the page's OCSP module answers with this).
pub fn read_ocsp(der: &[u8]) -> Answer {
    crate::read::ocsp::Ocsp::parse(der)
        .map(|ocsp| Unlocked::Ocsp(std::sync::Arc::new(ocsp)))
        .map_err(|error| Failure::Unreadable(error.0))
}

/// Opens a protected part; an OCSP response is not one (the unlock worker answers with this,
/// and so carries no OCSP reader).
fn open_protected(keyring: &mut Keyring<'_>, locked: Locked) -> Answer {
    match locked {
        Locked::Ocsp(_) | Locked::Yaml(_) => {
            Err(Failure::Unreadable("read by another module".to_owned()))
        }
        Locked::LegacyPem { dek_info, der } => {
            decrypt_legacy_pem(&dek_info, &der, keyring).map(Unlocked::Key)
        }
        Locked::Pkcs8(der) => decrypt_pkcs8(&der, keyring).map(Unlocked::Key),
        Locked::Pkcs12(der) => open_pkcs12(&der, keyring).map(Unlocked::Container),
        Locked::Keystore(bytes) => {
            crate::read::keystore::open_java_keystore(&bytes, keyring).map(Unlocked::Container)
        }
    }
}

/// One keyring per input (so one work budget per input), made when the input first has a
/// protected part: how the reader opens the parts of several inputs itself.
pub struct Keyrings<'a> {
    passwords: &'a [String],
    by_input: std::collections::BTreeMap<usize, Keyring<'a>>,
}

impl<'a> Keyrings<'a> {
    pub fn new(passwords: &'a [String]) -> Self {
        Self {
            passwords,
            by_input: std::collections::BTreeMap::new(),
        }
    }

    /// Opens a protected part of input number `input` (or reads an OCSP response).
    pub fn open(&mut self, input: usize, locked: Locked) -> Answer {
        match locked {
            Locked::Ocsp(der) => read_ocsp(&der),
            locked => open_protected(self.keyring(input), locked),
        }
    }

    fn keyring(&mut self, input: usize) -> &mut Keyring<'a> {
        self.by_input
            .entry(input)
            .or_insert_with(|| Keyring::new(self.passwords))
    }
}

/// Opens the protected parts of several inputs, each given with the index of its input, in
/// the order the reader met them, as the reader opens them itself ([`Keyrings`]). The unlock
/// worker answers with this.
pub fn open_all(passwords: &[String], parts: Vec<(usize, Locked)>) -> Vec<Answer> {
    let mut keyrings = Keyrings::new(passwords);
    parts
        .into_iter()
        .map(|(input, locked)| open_protected(keyrings.keyring(input), locked))
        .collect()
}

/// The passwords to try, in order, and the work already spent.
pub struct Keyring<'a> {
    pub(crate) given: Vec<&'a str>,
    work: u64,
}

impl<'a> Keyring<'a> {
    pub fn new(passwords: &'a [String]) -> Self {
        let mut given: Vec<&str> = Vec::new();
        for password in passwords.iter().take(MAX_PASSWORDS) {
            if !given.contains(&password.as_str()) {
                given.push(password);
            }
        }
        Self { given, work: 0 }
    }

    /// The given passwords, then the empty one.
    pub(crate) fn candidates(&self) -> Vec<&'a str> {
        let mut all = self.given.clone();
        if !all.contains(&"") {
            all.push("");
        }
        all
    }

    /// What to report when no candidate worked.
    pub(crate) fn none_fits(&self) -> Failure {
        if self.given.iter().all(|p| p.is_empty()) {
            Failure::NeedsPassword
        } else {
            Failure::WrongPassword
        }
    }

    pub(crate) fn spend(&mut self, iterations: u64) -> Result<(), Failure> {
        self.spend_times(iterations, 1)
    }

    /// Accounts for `times` derivations (or derived blocks) of `iterations` each.
    pub(crate) fn spend_times(&mut self, iterations: u64, times: u64) -> Result<(), Failure> {
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
pub(crate) const OID_JKS_KEY_PROTECTOR: &str = "1.3.6.1.4.1.42.2.17.1.1";
pub(crate) const OID_JCE_MD5_3DES: &str = "1.3.6.1.4.1.42.2.19.1";
const PKCS12_PBE_ARC: &str = "1.2.840.113549.1.12.1.";

/// The hashes of PKCS#12 MACs.
#[derive(Clone, Copy, Debug)]
enum MacHash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl MacHash {
    fn from_digest_oid(oid: &str) -> Option<Self> {
        match oid {
            "1.3.14.3.2.26" => Some(Self::Sha1),
            "2.16.840.1.101.3.4.2.4" => Some(Self::Sha224),
            "2.16.840.1.101.3.4.2.1" => Some(Self::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Self::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// Does HMAC over `content`, keyed by the PKCS#12 KDF from `secret`, equal `expected`?
    fn verifies(
        self,
        secret: &[u8],
        salt: &[u8],
        iterations: i32,
        content: &[u8],
        expected: &[u8],
    ) -> bool {
        match self {
            Self::Sha1 => pkcs12_mac::<sha1::Sha1>(secret, salt, iterations, content, expected),
            Self::Sha224 => pkcs12_mac::<sha2::Sha224>(secret, salt, iterations, content, expected),
            Self::Sha256 => pkcs12_mac::<sha2::Sha256>(secret, salt, iterations, content, expected),
            Self::Sha384 => pkcs12_mac::<sha2::Sha384>(secret, salt, iterations, content, expected),
            Self::Sha512 => pkcs12_mac::<sha2::Sha512>(secret, salt, iterations, content, expected),
        }
    }
}

fn pkcs12_mac<D>(
    secret: &[u8],
    salt: &[u8],
    iterations: i32,
    content: &[u8],
    expected: &[u8],
) -> bool
where
    D: Digest + FixedOutputReset + BlockSizeUser + Clone,
{
    use hmac::{KeyInit as _, Mac as _};
    let key = pkcs12::kdf::derive_key::<D>(
        secret,
        salt,
        pkcs12::kdf::Pkcs12KeyType::Mac,
        iterations,
        <D as Digest>::output_size(),
    );
    let Ok(mut mac) = hmac::SimpleHmac::<D>::new_from_slice(&key) else {
        return false;
    };
    mac.update(content);
    mac.verify_slice(expected).is_ok()
}

/// The block ciphers of the PKCS#12 PBE schemes (RFC 7292 appendix C).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Pkcs12Cipher {
    TripleDes3,
    TripleDes2,
    /// RC2 with this effective key length in bits.
    Rc2(usize),
}

impl Pkcs12Cipher {
    fn key_len(self) -> usize {
        match self {
            Self::TripleDes3 => 24,
            Self::TripleDes2 => 16,
            Self::Rc2(bits) => bits / 8,
        }
    }

    /// Decrypts in CBC mode and removes the padding; `None` when the key is wrong.
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::TripleDes3 => cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec::<Pkcs7>(data)
                .ok(),
            Self::TripleDes2 => cbc::Decryptor::<des::TdesEde2>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec::<Pkcs7>(data)
                .ok(),
            Self::Rc2(bits) => {
                use cbc::cipher::InnerIvInit as _;
                if key.is_empty() || key.len() > 128 {
                    return None;
                }
                let cipher = rc2::Rc2::new_with_eff_key_len(key, bits);
                cbc::Decryptor::inner_iv_slice_init(cipher, iv)
                    .ok()?
                    .decrypt_padded_vec::<Pkcs7>(data)
                    .ok()
            }
        }
    }
}

/// How a piece of data is encrypted, read from its AlgorithmIdentifier.
#[derive(Debug)]
pub(crate) enum Scheme {
    /// PBES2 or PBES1 (PKCS#5), decrypted by the `pkcs5` crate.
    Pkcs5(Box<pkcs5::EncryptionScheme>),
    /// A PKCS#12 PBE scheme: the `pkcs12` crate's key derivation, then a CBC cipher.
    Pkcs12 {
        cipher: Pkcs12Cipher,
        salt: Vec<u8>,
        iterations: u64,
    },
    /// Sun's proprietary JKS key protector (salt, SHA-1 keystream, check digest in the data).
    JksKeyProtector,
    /// Sun's PBEWithMD5AndTripleDES (JCEKS keys).
    JceMd5TripleDes { salt: Vec<u8>, iterations: u64 },
}

/// `SEQUENCE { salt OCTET STRING, iterations INTEGER }`, the PKCS#12 and Sun parameters.
fn salt_and_iterations(params: Option<&Element<'_>>) -> Result<(Vec<u8>, u64), Failure> {
    let malformed = Failure::Malformed(Damaged::PbeParameters);
    let parts = params
        .filter(|p| asn1::is_universal(p, Tag::Sequence))
        .and_then(|p| asn1::children(p))
        .ok_or(malformed.clone())?;
    match parts.as_slice() {
        [salt, iterations, ..] => Ok((
            asn1::octets(salt).ok_or(malformed.clone())?,
            asn1::small_uint(iterations).unwrap_or(u64::MAX),
        )),
        _ => Err(malformed),
    }
}

/// What to say of a PKCS#5 AlgorithmIdentifier the `pkcs5` crate does not read.
fn pkcs5_unsupported(oid: &str) -> Failure {
    Failure::Unsupported(if oid == OID_PBES2 {
        "PBES2 with a key derivation or cipher this tool does not implement".to_owned()
    } else {
        format!("the encryption scheme {oid}")
    })
}

impl Scheme {
    pub(crate) fn parse(identifier: &Element<'_>) -> Result<Self, Failure> {
        let malformed = Failure::Malformed(Damaged::AlgorithmIdentifier);
        let parts = asn1::children(identifier).ok_or(malformed.clone())?;
        let oid = parts.first().and_then(|o| asn1::oid(o)).ok_or(malformed)?;
        if let Some(number) = oid.strip_prefix(PKCS12_PBE_ARC) {
            let cipher = match number {
                "3" => Pkcs12Cipher::TripleDes3,
                "4" => Pkcs12Cipher::TripleDes2,
                "5" => Pkcs12Cipher::Rc2(128),
                "6" => Pkcs12Cipher::Rc2(40),
                "1" => return Err(Failure::Unsupported("pbeWithSHAAnd128BitRC4".into())),
                "2" => return Err(Failure::Unsupported("pbeWithSHAAnd40BitRC4".into())),
                _ => return Err(Failure::Unsupported(oid)),
            };
            let (salt, iterations) = salt_and_iterations(parts.get(1))?;
            return Ok(Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            });
        }
        match oid.as_str() {
            OID_JKS_KEY_PROTECTOR => Ok(Self::JksKeyProtector),
            OID_JCE_MD5_3DES => {
                let (salt, iterations) = salt_and_iterations(parts.get(1))?;
                Ok(Self::JceMd5TripleDes { salt, iterations })
            }
            _ => match pkcs5::EncryptionScheme::from_der(identifier.raw) {
                Ok(scheme) => Ok(Self::Pkcs5(Box::new(scheme))),
                Err(_) => Err(pkcs5_unsupported(&oid)),
            },
        }
    }

    /// The iterations of one derivation, and how many derivations one password costs (one
    /// per derived block).
    fn cost(&self, password: &str) -> Result<(u64, u64), Failure> {
        let blocks = |bytes: usize, output: usize| bytes.div_ceil(output.max(1)) as u64;
        Ok(match self {
            Self::Pkcs5(scheme) => pkcs5_cost(scheme)?,
            Self::Pkcs12 {
                cipher, iterations, ..
            } => {
                let per_secret = blocks(cipher.key_len(), 20) + 1;
                (
                    *iterations,
                    per_secret * bmp_variants(password).len() as u64,
                )
            }
            Self::JceMd5TripleDes { iterations, .. } => (*iterations, 2),
            Self::JksKeyProtector => (1, 1),
        })
    }

    /// Decrypts with one password; `None` when this password does not fit.
    fn decrypt(&self, password: &str, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Pkcs5(scheme) => scheme.decrypt(password.as_bytes(), data).ok(),
            Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            } => {
                use pkcs12::kdf::{Pkcs12KeyType, derive_key};
                let rounds = i32::try_from(*iterations).ok()?;
                bmp_variants(password).into_iter().find_map(|secret| {
                    let key = derive_key::<sha1::Sha1>(
                        &secret,
                        salt,
                        Pkcs12KeyType::EncryptionKey,
                        rounds,
                        cipher.key_len(),
                    );
                    let iv = derive_key::<sha1::Sha1>(&secret, salt, Pkcs12KeyType::Iv, rounds, 8);
                    cipher.decrypt(&key, &iv, data)
                })
            }
            Self::JksKeyProtector => crate::read::keystore::jks_unprotect(password, data),
            Self::JceMd5TripleDes { salt, iterations } => {
                let (key, iv) =
                    crate::read::keystore::jce_md5_3des_key(password, salt, *iterations)?;
                cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .ok()?
                    .decrypt_padded_vec::<Pkcs7>(data)
                    .ok()
            }
        }
    }
}

/// The iterations and derivations of a PKCS#5 scheme.
fn pkcs5_cost(scheme: &pkcs5::EncryptionScheme) -> Result<(u64, u64), Failure> {
    use pkcs5::pbes2::Pbkdf2Prf;
    if let Some(params) = scheme.pbes1() {
        return Ok((u64::from(params.parameters.iteration_count), 1));
    }
    let params = scheme
        .pbes2()
        .ok_or_else(|| Failure::Unsupported(scheme.oid().to_string()))?;
    if let Some(kdf) = params.kdf.pbkdf2() {
        let output = match kdf.prf {
            Pbkdf2Prf::HmacWithSha1 => 20,
            Pbkdf2Prf::HmacWithSha224 => 28,
            Pbkdf2Prf::HmacWithSha256 => 32,
            Pbkdf2Prf::HmacWithSha384 => 48,
            _ => 64,
        };
        // PBKDF2 runs HMAC: two hashes per iteration, for every derived block.
        let blocks = params.encryption.key_size().div_ceil(output) as u64;
        return Ok((u64::from(kdf.iteration_count), 2 * blocks));
    }
    if let Some(kdf) = params.kdf.scrypt() {
        let cost = kdf
            .cost_parameter
            .saturating_mul(u64::from(kdf.block_size))
            .saturating_mul(u64::from(kdf.parallelization));
        if cost > MAX_SCRYPT_COST {
            return Err(Failure::Unsupported(format!(
                "scrypt with a cost (N × r × p) of {cost}, above {MAX_SCRYPT_COST}"
            )));
        }
        return Ok((cost, 4));
    }
    Err(Failure::Unsupported(params.kdf.oid().to_string()))
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

/// Decrypts data under a parsed scheme with the keyring's candidates.
pub(crate) fn unlock(
    scheme: &Scheme,
    data: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    for password in keyring.candidates() {
        let (iterations, times) = scheme.cost(password)?;
        keyring.spend_times(iterations, times)?;
        if let Some(plain) = scheme.decrypt(password, data) {
            // A wrong key passes the padding check about once in 256 tries: the plaintext must
            // also be one DER structure.
            if asn1::whole(&plain).is_some() {
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
    let malformed = Failure::Malformed(Damaged::EncryptedKey);
    let parts = asn1::sequence(der_bytes).ok_or(malformed.clone())?;
    let [identifier, data] = parts.as_slice() else {
        return Err(malformed);
    };
    let data = asn1::octets(data).ok_or(malformed)?;
    let scheme = Scheme::parse(identifier)?;
    unlock(&scheme, &data, keyring)
}

/// The ciphers of traditional OpenSSL PEM keys (`DEK-Info`).
const PEM_CIPHERS: &[(&str, usize, usize)] = &[
    ("AES-128-CBC", 16, 16),
    ("AES-192-CBC", 24, 16),
    ("AES-256-CBC", 32, 16),
    ("DES-EDE3-CBC", 24, 8),
    ("DES-CBC", 8, 8),
];

/// Decrypts a traditional OpenSSL PEM key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: CIPHER,IV`).
///
/// The key derivation is OpenSSL's `EVP_BytesToKey` with MD5 and one round, written here: no
/// maintained crate reads this pre-PKCS#8 format (the ciphers are RustCrypto's).
pub(crate) fn decrypt_legacy_pem(
    dek_info: &str,
    data: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    let (name, iv_hex) = dek_info
        .split_once(',')
        .ok_or(Failure::Malformed(Damaged::DekInfo))?;
    let name = name.trim();
    let &(_, key_len, iv_len) = PEM_CIPHERS
        .iter()
        .find(|(n, ..)| *n == name)
        .ok_or_else(|| Failure::Unsupported(name.to_owned()))?;
    let iv = hex_decode(iv_hex.trim())
        .filter(|iv| iv.len() == iv_len)
        .ok_or(Failure::Malformed(Damaged::DekInfo))?;
    let salt = iv.get(..8).unwrap_or_default();
    for password in keyring.candidates() {
        keyring.spend(1)?;
        let mut key = Vec::new();
        let mut previous: Vec<u8> = Vec::new();
        while key.len() < key_len {
            let mut md = md5::Md5::new();
            md.update(&previous);
            md.update(password.as_bytes());
            md.update(salt);
            previous = md.finalize().to_vec();
            key.extend_from_slice(&previous);
        }
        key.truncate(key_len);
        if let Some(plain) = pem_decrypt(name, &key, &iv, data)
            && asn1::whole(&plain).is_some()
        {
            return Ok(plain);
        }
    }
    Err(keyring.none_fits())
}

fn pem_decrypt(name: &str, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    fn run<C: cbc::cipher::BlockCipherDecrypt + KeyInit>(
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Option<Vec<u8>> {
        cbc::Decryptor::<C>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(data)
            .ok()
    }
    match name {
        "AES-128-CBC" => run::<aes::Aes128>(key, iv, data),
        "AES-192-CBC" => run::<aes::Aes192>(key, iv, data),
        "AES-256-CBC" => run::<aes::Aes256>(key, iv, data),
        "DES-EDE3-CBC" => run::<des::TdesEde3>(key, iv, data),
        "DES-CBC" => run::<des::Des>(key, iv, data),
        _ => None,
    }
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Certificate(#[serde(with = "serde_bytes")] Vec<u8>),
    Crl(#[serde(with = "serde_bytes")] Vec<u8>),
    /// A decrypted (or never encrypted) PKCS#8 PrivateKeyInfo.
    PrivateKey(#[serde(with = "serde_bytes")] Vec<u8>),
}

/// The readable parts of a container (each with its 1-based entry number) and the problems of
/// the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    pub parts: Vec<(usize, Part)>,
    pub failures: Vec<(Option<usize>, Failure)>,
    /// The MAC or keystore digest does not verify although a password decrypts the contents.
    pub integrity_failed: bool,
}

const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const BAG_KEY: &str = "1.2.840.113549.1.12.10.1.1";
const BAG_SHROUDED_KEY: &str = "1.2.840.113549.1.12.10.1.2";
const BAG_CERT: &str = "1.2.840.113549.1.12.10.1.3";
const BAG_CRL: &str = "1.2.840.113549.1.12.10.1.4";
const BAG_SAFE_CONTENTS: &str = "1.2.840.113549.1.12.10.1.6";

/// The `[0] EXPLICIT` content of a ContentInfo or bag.
fn explicit_content<'a>(element: Option<&Element<'a>>) -> Option<Element<'a>> {
    element.and_then(|e| asn1::explicit(e, 0))
}

/// The content type OID and `[0]` content of a ContentInfo.
fn content_info<'a>(element: &Element<'a>) -> Option<(String, Option<Element<'a>>)> {
    let parts = asn1::children(element)?;
    let kind = parts.first().and_then(|o| asn1::oid(o))?;
    Some((kind, explicit_content(parts.get(1))))
}

/// Opens a PKCS#12 PFX: checks the MAC, decrypts, and collects certificates, CRLs and keys.
pub(crate) fn open_pkcs12(der_bytes: &[u8], keyring: &mut Keyring<'_>) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed(Damaged::Pkcs12);
    let pfx = asn1::sequence(der_bytes).ok_or(malformed.clone())?;
    let [_version, auth_safe, rest @ ..] = pfx.as_slice() else {
        return Err(malformed);
    };
    let (content_type, content) = content_info(auth_safe).ok_or(malformed.clone())?;
    if content_type != OID_DATA {
        return Err(Failure::Unsupported(format!(
            "PKCS#12 public-key integrity mode ({content_type})"
        )));
    }
    let content = content
        .and_then(|c| asn1::octets(&c))
        .ok_or(malformed.clone())?;

    // The MAC: find the password that verifies it.
    let has_mac = !rest.is_empty();
    let mac_password = match rest.first() {
        Some(mac_data) => check_mac(mac_data, &content, keyring)?,
        None => None,
    };

    let safes = asn1::sequence(&content).ok_or(malformed.clone())?;
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
    safes: &[Element<'_>],
    mac_failed: bool,
    keyring: &mut Keyring<'_>,
) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed(Damaged::Pkcs12);
    let mut opened = Opened::default();
    let mut entry = 0;
    for safe in safes {
        let (kind, content) = content_info(safe).ok_or(malformed.clone())?;
        let plain = match kind.as_str() {
            OID_DATA => content
                .and_then(|c| asn1::octets(&c))
                .ok_or(malformed.clone())?,
            OID_ENCRYPTED_DATA => match decrypt_encrypted_data(content.as_ref(), keyring) {
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
    mac_data: &Element<'_>,
    content: &[u8],
    keyring: &mut Keyring<'a>,
) -> Result<Option<&'a str>, Failure> {
    let malformed = Failure::Malformed(Damaged::Pkcs12Mac);
    let parts = asn1::children(mac_data).ok_or(malformed.clone())?;
    let [digest_info, salt, rest @ ..] = parts.as_slice() else {
        return Err(malformed);
    };
    let iterations = match rest.first() {
        Some(count) => asn1::small_uint(count).unwrap_or(u64::MAX),
        None => 1,
    };
    let digest_parts = asn1::children(digest_info).ok_or(malformed.clone())?;
    let [identifier, expected] = digest_parts.as_slice() else {
        return Err(malformed);
    };
    let oid = asn1::children(identifier)
        .and_then(|parts| parts.first().and_then(|o| asn1::oid(o)))
        .ok_or(malformed.clone())?;
    if oid == "1.2.840.113549.1.5.14" {
        return Err(Failure::Unsupported("PBMAC1 (RFC 9579)".into()));
    }
    let hash = MacHash::from_digest_oid(&oid).ok_or(Failure::Unsupported(oid))?;
    let (Some(salt), Some(expected)) = (asn1::octets(salt), asn1::octets(expected)) else {
        return Err(malformed);
    };
    for password in keyring.candidates() {
        for secret in bmp_variants(password) {
            keyring.spend(iterations)?;
            let rounds =
                i32::try_from(iterations).map_err(|_| Failure::TooManyIterations(iterations))?;
            if hash.verifies(&secret, &salt, rounds, content, &expected) {
                return Ok(Some(password));
            }
        }
    }
    Ok(None)
}

/// `EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }`.
fn decrypt_encrypted_data(
    encrypted_data: Option<&Element<'_>>,
    keyring: &mut Keyring<'_>,
) -> Result<Vec<u8>, Failure> {
    let malformed = Failure::Malformed(Damaged::Pkcs12EncryptedPart);
    let fields = encrypted_data
        .and_then(|e| asn1::children(e))
        .ok_or(malformed.clone())?;
    let info = fields
        .get(1)
        .and_then(|t| asn1::children(t))
        .ok_or(malformed.clone())?;
    let [_content_type, identifier, data, ..] = info.as_slice() else {
        return Err(malformed);
    };
    // encryptedContent [0] IMPLICIT OCTET STRING: primitive, or constructed of pieces.
    let data = if data.header.is_constructed() {
        let mut out = Vec::new();
        for piece in asn1::children(data).ok_or(malformed.clone())? {
            out.extend(asn1::octets(&piece).ok_or(malformed.clone())?);
        }
        out
    } else {
        data.data.to_vec()
    };
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
    let malformed = Failure::Malformed(Damaged::Pkcs12Contents);
    if depth > 4 {
        return Err(malformed);
    }
    let bags = asn1::sequence(der_bytes).ok_or(malformed.clone())?;
    for bag in bags {
        *entry += 1;
        let number = *entry;
        let fields = asn1::children(&bag).unwrap_or_default();
        let kind = fields
            .first()
            .and_then(|o| asn1::oid(o))
            .unwrap_or_default();
        let Some(value) = explicit_content(fields.get(1)) else {
            opened.failures.push((Some(number), malformed.clone()));
            continue;
        };
        match kind.as_str() {
            BAG_CERT | BAG_CRL => {
                // CertBag / CRLBag: SEQUENCE { type OID, [0] EXPLICIT OCTET STRING }
                let inner = asn1::children(&value).unwrap_or_default();
                match explicit_content(inner.get(1)).and_then(|t| asn1::octets(&t)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The `pkcs12` crate's KDF on the classic "smeg" vectors (RFC 7292 B.2 with SHA-1), as
    /// this module calls it: the BMP password with its terminating NUL.
    #[test]
    fn pkcs12_kdf_matches_known_vectors() {
        use pkcs12::kdf::{Pkcs12KeyType, derive_key};
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        let password = bmp_variants("smeg").remove(0);
        let key = derive_key::<sha1::Sha1>(&password, &salt, Pkcs12KeyType::EncryptionKey, 1, 24);
        assert_eq!(
            hex(&key),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        let iv = derive_key::<sha1::Sha1>(&password, &salt, Pkcs12KeyType::Iv, 1, 8);
        assert_eq!(hex(&iv), "79993dfe048d3b76");
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
            cipher: Pkcs12Cipher::TripleDes3,
            salt: vec![0; 8],
            iterations: 700_000,
        };
        // 24 key bytes = 2 SHA-1 blocks, 8 IV bytes = 1; the empty password twice (BMP, none).
        assert_eq!(legacy.cost("pw"), Ok((700_000, 3)));
        assert_eq!(legacy.cost(""), Ok((700_000, 6)));
        let mut keyring = Keyring::new(&[]);
        assert_eq!(keyring.spend_times(700_000, 6), Ok(()));
        assert_eq!(keyring.spend_times(700_000, 6), Err(Failure::TooMuchWork));
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
        }
        assert_eq!(hex_decode("0g"), None);
        assert_eq!(hex_decode("abc"), None);
    }
}
