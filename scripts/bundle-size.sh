#!/usr/bin/env bash
# Prints the raw and gzip size of every wasm, JS and CSS file in dist/ and their total,
# and fails when the gzip total is over the first-load budget (DESIGN.md: 350 KB).
# gzip runs at its default level (6), about what a static host's compression does.
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=${BUNDLE_BUDGET_BYTES:-358400}
dist=${1:-dist}

shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
if [ ${#files[@]} -eq 0 ]; then
  echo "bundle-size: no wasm, js or css in $dist/ (run trunk build --release first)" >&2
  exit 1
fi

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

raw_total=0
gz_total=0
printf '%-44s %12s %12s\n' file raw gzip
for f in "${files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -6 -c "$f" | wc -c)
  raw_total=$((raw_total + raw))
  gz_total=$((gz_total + gz))
  printf '%-44s %12s %12s\n' "$(basename "$f")" "$(kb "$raw")" "$(kb "$gz")"
done
printf '%-44s %12s %12s\n' total "$(kb "$raw_total")" "$(kb "$gz_total")"
printf 'bundle: %d bytes raw, %d bytes gzip, budget %d bytes gzip\n' "$raw_total" "$gz_total" "$BUDGET"

if [ "$gz_total" -gt "$BUDGET" ]; then
  echo "bundle-size: over budget by $((gz_total - BUDGET)) bytes gzip" >&2
  exit 1
fi
