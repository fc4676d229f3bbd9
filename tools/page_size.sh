#!/usr/bin/env bash
# Prints the page's gzipped size (wasm + JS + CSS in dist/) and fails above the budget.
set -euo pipefail
BUDGET_KB=${1:-300}
cd "$(dirname "$0")/../dist"
total=0
for file in *.wasm *.js *.css; do
  size=$(gzip -9 -c "$file" | wc -c)
  printf 'page size: %-48s %7d bytes gzipped\n' "$file" "$size"
  total=$((total + size))
done
# KB = 1,000 bytes: the stricter reading of the budget.
kb=$(( (total + 999) / 1000 ))
echo "page size: total ${total} bytes = ${kb} KB gzipped (budget ${BUDGET_KB} KB)"
if [ "$total" -gt $((BUDGET_KB * 1000)) ]; then
  echo "page size: over budget" >&2
  exit 1
fi
