//! Engine benchmarks (criterion): decode and inspect a 3-certificate chain, the chain against
//! the system trust store (~150 certificates), and a 5,000-certificate client bundle. Inputs come
//! from `cargo run --release --example bench_inputs` (run by `make bench`).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::engine);

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::PathBuf;

    use criterion::{Criterion, criterion_group};
    use mtls_inspector::decode::decode;
    use mtls_inspector::inspect::{Listing, Prepared, inspect_prepared};
    use mtls_inspector::{Input, Options, Side, inspect};

    const AT: i64 = 1_780_315_200;

    fn read(name: &str) -> Vec<u8> {
        let dir = std::env::var_os("BENCH_INPUTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-inputs")
            });
        std::fs::read(dir.join(name)).unwrap_or_else(|e| {
            panic!("{name}: {e} — run `cargo run --release --example bench_inputs` first")
        })
    }

    fn benches(c: &mut Criterion) {
        let chain = read("chain.pem");
        let root = read("root.pem");
        let system = read("system-trust.pem");
        let bundle = read("bundle-5000.pem");
        let run = |client: &[u8], trust: &[u8]| {
            let inputs = [
                Input {
                    side: Side::Client,
                    name: "client",
                    bytes: client,
                },
                Input {
                    side: Side::Trust,
                    name: "trust",
                    bytes: trust,
                },
            ];
            // As the CLI and the page ask: trusted CAs no path uses are counted, not described.
            inspect(
                &inputs,
                &Options {
                    listing: Listing::Used,
                    ..Options::at(AT)
                },
            )
        };
        c.bench_function("decode 3-certificate chain", |b| {
            b.iter(|| decode("chain", &chain))
        });
        c.bench_function("inspect 3-certificate chain", |b| {
            b.iter(|| run(&chain, &root))
        });
        c.bench_function("decode system trust store", |b| {
            b.iter(|| decode("system", &system))
        });
        c.bench_function("inspect chain with system trust store", |b| {
            b.iter(|| run(&chain, &system))
        });
        // The page re-validating the same inputs at another time: nothing is read again.
        let inputs = [
            Input {
                side: Side::Client,
                name: "client",
                bytes: &chain,
            },
            Input {
                side: Side::Trust,
                name: "trust",
                bytes: &system,
            },
        ];
        let prepared = Prepared::read(&inputs, &mut |_, _| {
            Err(mtls_inspector::protected::Failure::NeedsPassword)
        });
        let later = Options {
            listing: Listing::Used,
            ..Options::at(AT + 86_400)
        };
        c.bench_function(
            "re-inspect chain with system trust store, inputs read",
            |b| b.iter(|| inspect_prepared(&prepared, &inputs, &later)),
        );
        let mut group = c.benchmark_group("large");
        group.sample_size(10);
        group.bench_function("decode 5000-certificate bundle", |b| {
            b.iter(|| decode("bundle", &bundle))
        });
        group.bench_function("inspect 5000-certificate bundle", |b| {
            b.iter(|| run(&bundle, &root))
        });
        group.finish();
    }

    criterion_group!(engine, benches);
}
