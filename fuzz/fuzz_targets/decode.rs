//! Input decoding on arbitrary bytes: PEM, DER, PKCS#7, keys, base64, and the protected
//! containers (PKCS#12, encrypted PKCS#8 and PEM keys, JKS/JCEKS) tried with two passwords —
//! never a panic, and bounded work.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let passwords = ["fuzz".to_owned(), String::new()];
    let decoded = mtls_inspector::decode::decode_with("fuzz", data, &passwords);
    for item in &decoded.items {
        if let mtls_inspector::decode::Content::Certificate(der) = &item.content {
            let _ = mtls_inspector::certificate::Certificate::parse(der);
        }
        if let mtls_inspector::decode::Content::Crl(der) = &item.content {
            let _ = mtls_inspector::crl::Crl::parse(der);
        }
    }
});
