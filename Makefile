# The two commands of the README: `make serve` and `make test`. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/tests/e2e/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
WASM := --target wasm32-unknown-unknown
ADDRESS ?= 127.0.0.1
PORT ?= 8080

HOST := $(shell rustc -vV | sed -n 's/^host: //p')
CLI := target/$(HOST)/cli/mtls-inspector

.PHONY: setup serve build cli test fmt clippy unit wasm-test size e2e e2e-inputs conformance screenshot bench fuzz

setup:
	@tools/setup.sh

## serve: install what is missing, build, and serve the page on http://$(ADDRESS):$(PORT)/
serve: setup
	trunk serve --release --address $(ADDRESS) --port $(PORT)

## build: the release page in dist/
build: setup
	trunk build --release

## cli: the command-line tool, $(CLI): optimised for speed (profile `cli`) and linked
## statically (the C library too): the dynamic loader was ~20 % of a 3-certificate check's
## CPU (perf), and static linking took that check from 0.38× to 0.33× `openssl verify`'s.
## `--target` keeps the static flag off build scripts and procedural macros.
cli:
	RUSTFLAGS="-C target-feature=+crt-static" cargo build --profile cli --target $(HOST) --bin mtls-inspector

## test: every check — formatting, lints (host and wasm32), native tests (scenarios, the
## openssl differential test, bad input), wasm tests in headless Chromium, the release build,
## end-to-end tests against dist/, and the x509-limbo conformance run.
test: setup fmt clippy unit wasm-test build size e2e conformance
	@echo "make test: all checks passed"

fmt:
	cargo fmt --check

clippy:
	cargo clippy --all-targets -- -D warnings
	cargo clippy $(WASM) --all-targets -- -D warnings

unit:
	cargo test --quiet -- --skip limbo_conformance --skip go_profile_agrees_with_go_on_the_limbo_cases \
	  --skip java_profile_agrees_with_jsse_on_the_limbo_cases \
	  --skip openssl_profile_agrees_with_openssl_verify_on_the_limbo_cases

wasm-test:
	cargo test $(WASM) --test web

## size: the gzipped page (wasm + JS + CSS) against its budget
size:
	tools/page_size.sh 200 350 60 100 80 100 60

## e2e-inputs: the large inputs the end-to-end and benchmark runs use (target/bench-inputs)
e2e-inputs:
	@test -f target/bench-inputs/bundle-10000.pem || cargo run --release --quiet --example bench_inputs

e2e: e2e-inputs
	node --test tests/e2e/

## conformance: x509-limbo through rustls-webpki, and through the go, java and openssl profiles
## against Go, the JDK and `openssl verify` themselves
conformance:
	cargo test --release --test limbo -- --nocapture
	cargo test --release --test go_differential -- --nocapture
	cargo test --release --test java_differential -- --nocapture
	cargo test --release --test openssl_differential openssl_profile_agrees_with_openssl_verify_on_the_limbo_cases -- --nocapture

## screenshot: regenerate docs/screenshot.png and docs/screenshot-380.png from an end-to-end run
screenshot: build e2e
	cp tests/e2e/artifacts/rejected-eku.png docs/screenshot.png
	cp tests/e2e/artifacts/verdict-first-380.png docs/screenshot-380.png

## bench: criterion benchmarks of the engine, the CLI against openssl, and the page in Chromium;
## rewrites the table in README.md
bench: build cli
	python3 tools/bench.py

## fuzz: each cargo-fuzz target for FUZZ_SECONDS (default 600) on nightly, from the corpus
FUZZ_SECONDS ?= 600
fuzz: setup
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for target in decode inspect; do \
	  cargo +nightly fuzz run -O $$target corpus/$$target -- -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=2048 -timeout=10 -max_len=65536 || exit 1; \
	done
