//! The whole inspection on arbitrary inputs: the bytes before the first 0xFF are the client's,
//! the rest the server's trust. Never a panic, and the report always renders.
#![no_main]

use mtls_inspector::{Input, Options, Side, inspect};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
    let (client, trust) = data.split_at(split);
    let trust = trust.get(1..).unwrap_or_default();
    let inputs = [
        Input { side: Side::Client, name: "client", bytes: client },
        Input { side: Side::Trust, name: "trust", bytes: trust },
    ];
    let report = inspect(&inputs, &Options::at(1_780_315_200));
    let _ = report.to_text();
    let _ = report.to_json();
});
