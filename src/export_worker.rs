//! The page's export module: a Web Worker of its own that writes a report as JSON or Markdown,
//! makes a share link's payload of it and reads one back ([`ExportRequest`]), loaded the first
//! time one of these is asked. The page sends it the report the engine gave, as it came; the
//! engine's module then carries none of the text formats and share-link encoding, which an
//! inspection does not need (12.5 KB of its gzipped WebAssembly, measured when they moved).

use mtls_inspector::channel::ExportReply;
#[cfg(not(target_arch = "wasm32"))]
use mtls_inspector::channel::ExportRequest;

#[cfg(target_arch = "wasm32")]
fn main() {
    mtls_inspector::channel::serve(
        "export",
        ExportReply::Ready,
        mtls_inspector::channel::export,
    );
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The worker only runs in a browser; naming its function keeps the native build honest
    // (the tests below run it).
    let _: fn(ExportRequest) -> ExportReply = mtls_inspector::channel::export;
    eprintln!("The export worker runs in the browser: `make serve` builds and serves the page.");
}

#[cfg(test)]
mod tests {
    use mtls_inspector::Side;
    use mtls_inspector::channel::{
        ExportFormat, ExportReply, ExportRequest, File, Inspection, export,
    };

    fn report(client: &[u8]) -> mtls_inspector::Report {
        Inspection {
            id: 5,
            time: 1_780_315_200,
            passwords: Vec::new(),
            s_client: String::new(),
            inputs: vec![File {
                side: Side::Client,
                name: "client.pem".into(),
                bytes: client.to_vec(),
            }],
            server_configs: Vec::new(),
            user: String::new(),
            listing: mtls_inspector::inspect::Listing::All,
        }
        .report()
    }

    #[test]
    fn a_report_is_written_as_the_cli_writes_it() {
        let report = report(include_bytes!("../static/samples/good-chain.client.pem"));
        for (format, text) in [
            (ExportFormat::Markdown, report.to_markdown()),
            (ExportFormat::Json, report.to_json()),
        ] {
            let asked = ExportRequest::Export {
                format,
                copy: true,
                report: Box::new(report.clone()),
            };
            assert_eq!(
                export(asked),
                ExportReply::Export {
                    format,
                    copy: true,
                    text
                }
            );
        }
        assert!(report.to_markdown().starts_with("# mtls-inspector report"));
    }

    #[test]
    fn a_share_payload_is_made_of_a_report_and_read_back_as_its_inputs() {
        let client = include_bytes!("../static/samples/good-chain.client.pem").to_vec();
        let certificates = |pem: &[u8]| {
            String::from_utf8_lossy(pem)
                .matches("BEGIN CERTIFICATE")
                .count()
        };
        let ExportReply::Shared {
            payload,
            trust_left_out: 0,
        } = export(ExportRequest::Share {
            report: Box::new(report(&client)),
        })
        else {
            panic!("a payload")
        };
        let restore = |payload: Vec<u8>| match export(ExportRequest::Restore { payload }) {
            ExportReply::Restored { restored } => restored,
            _ => panic!("an answer to a restore"),
        };
        let restored = restore(payload.clone()).expect("the payload reads back");
        assert_eq!(restored.time, 1_780_315_200);
        assert_eq!(restored.inputs.len(), 1);
        assert_eq!(restored.inputs[0].side, Side::Client);
        assert!(certificates(&client) >= 2);
        assert_eq!(
            certificates(&restored.inputs[0].bytes),
            certificates(&client)
        );
        // A payload cut short, or of another version, is refused rather than misread.
        assert_eq!(restore(payload[..payload.len() - 1].to_vec()), None);
        let mut other = payload;
        other[0] ^= 1;
        assert_eq!(restore(other), None);
    }
}
