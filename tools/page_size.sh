#!/usr/bin/env bash
# Prints the page's modules, gzipped (dist/), and fails above their budgets:
#   the UI the page loads first (its wasm, JS glue and the CSS),
#   the engine its Web Worker loads (wasm, JS glue and loader),
#   the explain module, loaded in a worker of its own when a log line is first pasted,
#   the unlock module, loaded by the engine's worker when an input first has a protected part,
#   the export module, loaded in a worker of its own when an export or share link is first asked, and
#   the OCSP module, loaded by the engine's worker when an input first holds an OCSP response, and
#   the YAML module, loaded by the engine's worker when a server configuration is first Envoy's.
# KB = 1,000 bytes: the stricter reading of the budgets.
set -euo pipefail
UI_BUDGET_KB=${1:-200}
ENGINE_BUDGET_KB=${2:-350}
EXPLAIN_BUDGET_KB=${3:-60}
UNLOCK_BUDGET_KB=${4:-100}
EXPORT_BUDGET_KB=${5:-80}
OCSP_BUDGET_KB=${6:-100}
YAML_BUDGET_KB=${7:-60}
cd "$(dirname "$0")/../dist"
status=0
measure() {
  local label=$1 budget=$2
  shift 2
  local total=0 size
  for file in "$@"; do
    size=$(gzip -9 -c "$file" | wc -c)
    printf 'page size: %-6s %-52s %7d bytes gzipped\n' "$label" "$file" "$size"
    total=$((total + size))
  done
  local kb=$(( (total + 999) / 1000 ))
  echo "page size: ${label} total ${total} bytes = ${kb} KB gzipped (budget ${budget} KB)"
  if [ "$total" -gt $((budget * 1000)) ]; then
    echo "page size: ${label} over budget" >&2
    status=1
  fi
}
shopt -s nullglob
measure UI "$UI_BUDGET_KB" mtls-inspector-web-*.wasm mtls-inspector-web-*.js *.css
measure engine "$ENGINE_BUDGET_KB" mtls-inspector-engine_bg.wasm mtls-inspector-engine.js mtls-inspector-engine_loader.js
measure explain "$EXPLAIN_BUDGET_KB" mtls-inspector-explain_bg.wasm mtls-inspector-explain.js mtls-inspector-explain_loader.js
measure unlock "$UNLOCK_BUDGET_KB" mtls-inspector-unlock_bg.wasm mtls-inspector-unlock.js mtls-inspector-unlock_loader.js
measure export "$EXPORT_BUDGET_KB" mtls-inspector-export_bg.wasm mtls-inspector-export.js mtls-inspector-export_loader.js
measure ocsp "$OCSP_BUDGET_KB" mtls-inspector-ocsp_bg.wasm mtls-inspector-ocsp.js mtls-inspector-ocsp_loader.js
measure yaml "$YAML_BUDGET_KB" mtls-inspector-yaml_bg.wasm mtls-inspector-yaml.js mtls-inspector-yaml_loader.js
exit $status
