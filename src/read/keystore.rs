//! Java keystores (JKS `FEEDFEED`, JCEKS `CECECECE`): certificates are readable without a
//! password, private keys need one, and the store digest is checked when a given password fits.
//!
//! Written here because no maintained Rust crate reads these formats: they are Java's
//! `DataOutputStream` serialisation with Sun's proprietary key protectors (a SHA-1 keystream
//! for JKS, PBEWithMD5AndTripleDES for JCEKS). The hashes and ciphers are RustCrypto's; the
//! protected keys are PKCS#8 EncryptedPrivateKeyInfo read by src/read/protected.rs.

use digest::Digest as _;

use crate::read::protected::{self, Damaged, Failure, Keyring, Opened, Part};

pub(crate) const JKS_MAGIC: u32 = 0xfeed_feed;
pub(crate) const JCEKS_MAGIC: u32 = 0xcece_cece;

/// Java's password bytes for the JKS algorithms: UTF-16BE, no terminator.
fn utf16_be(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn sha1(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = sha1::Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

/// Undoes Sun's JKS key protector: 20 bytes of salt, the key XORed with a SHA-1 keystream,
/// and a SHA-1 check of password and key.
pub(crate) fn jks_unprotect(password: &str, data: &[u8]) -> Option<Vec<u8>> {
    let salt = data.get(..20)?;
    let encrypted = data.get(20..data.len().checked_sub(20)?)?;
    let check = data.get(data.len() - 20..)?;
    let secret = utf16_be(password);
    let mut plain = Vec::with_capacity(encrypted.len());
    let mut block = salt.to_vec();
    for chunk in encrypted.chunks(20) {
        block = sha1(&[&secret, &block]);
        plain.extend(chunk.iter().zip(&block).map(|(c, k)| c ^ k));
    }
    (sha1(&[&secret, &plain]) == check).then_some(plain)
}

/// Sun's PBEWithMD5AndTripleDES key and IV (com.sun.crypto.provider.PBES1Core).
pub(crate) fn jce_md5_3des_key(
    password: &str,
    salt: &[u8],
    iterations: u64,
) -> Option<(Vec<u8>, Vec<u8>)> {
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

/// Opens a Java keystore. Certificates need no password; private keys do; the store digest is
/// checked when a given password fits it.
pub(crate) fn open_java_keystore(
    bytes: &[u8],
    keyring: &mut Keyring<'_>,
) -> Result<Opened, Failure> {
    let malformed = Failure::Malformed(Damaged::Keystore);
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
                match protected::decrypt_pkcs8(protected, keyring) {
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
        .any(|password| sha1(&[&utf16_be(password), b"Mighty Aphrodite", data]) == digest);
    let any_key_opened = opened
        .parts
        .iter()
        .any(|(_, part)| matches!(part, Part::PrivateKey(_)));
    if !fits && any_key_opened {
        opened.integrity_failed = true;
    }
    Ok(opened)
}

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

    #[test]
    fn hostile_keystores_fail_cleanly() {
        let mut keyring = Keyring::new(&[]);
        for bytes in [
            &[][..],
            &[0x30, 0x00],
            &[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(open_java_keystore(bytes, &mut keyring).is_err());
        }
        assert!(jks_unprotect("x", &[0; 39]).is_none());
        assert!(jce_md5_3des_key("x", &[1; 7], 1).is_none());
    }
}
