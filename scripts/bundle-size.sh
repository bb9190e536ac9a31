#!/usr/bin/env bash
# Prints the raw and gzip size of every wasm, JS and CSS file in dist/ and their total,
# and compares the gzip total with the first-load budget (DESIGN.md: 350 KB).
# gzip runs at its default level (6), about what a static host's compression does.
#
# KNOWN OVERRUN: with the full engine and kubectl the bundle is about 728 KB gzip (see the
# README's "Bundle size" section for the breakdown). Until that is brought down, the stage
# reports the overrun loudly but fails only above REGRESSION_LIMIT, so that the bundle
# cannot grow further unnoticed. Set BUNDLE_STRICT=1 to fail on the design budget.
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=${BUNDLE_BUDGET_BYTES:-358400}
REGRESSION_LIMIT=${BUNDLE_REGRESSION_LIMIT_BYTES:-768000}
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
  echo "bundle-size: OVER THE DESIGN BUDGET by $((gz_total - BUDGET)) bytes gzip (known overrun, see README)" >&2
  if [ "${BUNDLE_STRICT:-0}" = 1 ] || [ "$gz_total" -gt "$REGRESSION_LIMIT" ]; then
    echo "bundle-size: fails: above the regression limit of $REGRESSION_LIMIT bytes gzip" >&2
    exit 1
  fi
fi
