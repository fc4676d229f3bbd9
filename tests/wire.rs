//! The worker-to-page form of a report reads back exactly what was written, for every report
//! of the scenario suite, and refuses every truncation of one without panicking.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mtls_inspector::wire;

#[test]
fn every_scenario_report_round_trips() {
    let scenarios = common::all();
    assert!(scenarios.len() > 40);
    for (id, scenario) in scenarios.iter().enumerate() {
        let report = scenario.inspect();
        let id = u32::try_from(id).unwrap();
        let bytes = wire::encode(id, &report);
        let (read_id, read) = wire::decode(&bytes).expect(scenario.name);
        assert_eq!(read_id, id);
        assert_eq!(read, report, "{}", scenario.name);
        // Certificates keep their PEM (the JSON form leaves it out; the page shows it).
        assert!(
            read.certificates
                .iter()
                .all(|c| c.pem.starts_with("-----BEGIN"))
        );
    }
}

#[test]
fn truncated_and_extended_encodings_are_refused() {
    let scenario = &common::all()[0];
    let bytes = wire::encode(7, &scenario.inspect());
    for end in 0..bytes.len() {
        assert!(wire::decode(&bytes[..end]).is_none(), "prefix {end}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(wire::decode(&longer).is_none());
}
