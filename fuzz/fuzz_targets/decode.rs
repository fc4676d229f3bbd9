//! Input decoding on arbitrary bytes: PEM, DER, PKCS#7, keys, base64 — never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let decoded = mtls_inspector::decode::decode("fuzz", data);
    for item in &decoded.items {
        if let mtls_inspector::decode::Content::Certificate(der) = &item.content {
            let _ = mtls_inspector::certificate::Certificate::parse(der);
        }
        if let mtls_inspector::decode::Content::Crl(der) = &item.content {
            let _ = mtls_inspector::certificate::Crl::parse(der);
        }
    }
});
