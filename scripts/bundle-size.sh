#!/usr/bin/env bash
# Prints the raw and gzip size of every wasm, JS and CSS file in dist/, and fails when the
# first load is over the design budget (DESIGN.md: 350 KB gzip) or the whole download is
# over its regression limit.
#
# The first load is every wasm, JS and CSS file but the lazy ones: a release build is
# split (scripts/split-wasm.mjs) into what runs until the terminal takes input, what
# lessons and everyday commands run (`*_lazy.wasm`, fetched once the page runs) and the
# rest (`*_rest.wasm`, fetched after it). embed.js, which only blog posts load, is
# counted anyway. gzip runs at its default level (6), about what a static
# host's compression does.
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=${BUNDLE_BUDGET_BYTES:-358400}
# First load and lazy module together: a regression limit, not the design's. 765,207 B when
# the split was introduced; 868,800 B once kubectl's command line, Jobs and CronJobs, the
# generators and the container process model arrived (DESIGN.md asks for under 800 KB:
# README, "Known gaps"). Raised to what that measured plus ~3.5 % room. 955,582 B with
# probes, volumes, node failure, kube-system's add-ons, kubectl wait and ResourceQuota
# (session 7); raised again to that plus ~2.5 %. The first load fell to 302,716 B then.
# 1,036,771 B with LimitRange, server-side apply's field sets, the namespace controller,
# CPU for top, the editor's completion and explain panel (session 8: each is engine or
# kubectl code the browser runs, in the lazy module); raised to that plus ~2.5 %.
# 996,768 B (first load 294,830 B) once session 9 took the schema's descriptions out of the
# wasm (static/schema-descriptions.txt) and sent every sort through crate::sort again;
# lowered to that plus ~2.5 %. 1,027,115 B (first load 301,472 B) with the rest of
# session 9 merged: the terminal's sliced paste and the editor's flow-style completion,
# windowed drawing and browser undo; get/describe of metrics.k8s.io; the control plane's
# managedFields; events/wait -o, Go's sort.Sort and the server's JSON syntax errors —
# raised to that plus ~2.5 %. 1,099,387 B (first load 312,123 B) with session 10: the
# build split in three (first load, lazy module, rest: ~18 KB of placeholders and exports
# more than two, which put the lazy module in at 3.7 s instead of 5.1 s on the mobile
# profile), kubectl diff and replace, the HorizontalPodAutoscaler, YAML 1.1 manifests, the
# sliced apply — raised to that plus ~2.5 %. 1,171,360 B (first load 333,188 B) with
# session 11: RBAC (four kinds, the bootstrap policy as compact text, the aggregation
# controller, the authorizer, auth can-i/whoami), NetworkPolicy enforced on containers'
# connections, Ingress and IngressClass, PodDisruptionBudgets with evictions and the
# drain that honours them, the API server's warnings, the scheduler's queueing hints and
# event series — raised to that plus ~2.5 %. 1,220,914 B (first load 342,327 B) with
# session 12: impersonation on the verbs and serve's self-reviews, EndpointSlices and
# their two controllers (with md-5), sed, drain's per-node order, replace --force's wait,
# dry runs for label/annotate/scale/set, and the editor's window over a long file —
# raised to that plus ~2.5 %.
TOTAL_LIMIT=${BUNDLE_TOTAL_LIMIT_BYTES:-1251000}
dist=${1:-dist}

shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
if [ ${#files[@]} -eq 0 ]; then
  echo "bundle-size: no wasm, js or css in $dist/ (run trunk build --release first)" >&2
  exit 1
fi

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

first_raw=0 first_gz=0 lazy_raw=0 lazy_gz=0
printf '%-44s %12s %12s\n' file raw gzip
for f in "${files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -6 -c "$f" | wc -c)
  case "$f" in
    *_lazy.wasm | *_rest.wasm) lazy_raw=$((lazy_raw + raw)) lazy_gz=$((lazy_gz + gz)) ;;
    *) first_raw=$((first_raw + raw)) first_gz=$((first_gz + gz)) ;;
  esac
  printf '%-44s %12s %12s\n' "$(basename "$f")" "$(kb "$raw")" "$(kb "$gz")"
done
printf '%-44s %12s %12s\n' "first load" "$(kb "$first_raw")" "$(kb "$first_gz")"
printf '%-44s %12s %12s\n' "lazy, after start-up" "$(kb "$lazy_raw")" "$(kb "$lazy_gz")"
printf 'first load: %d bytes raw, %d bytes gzip, budget %d bytes gzip\n' "$first_raw" "$first_gz" "$BUDGET"
printf 'with the lazy module and the rest: %d bytes gzip, limit %d bytes gzip\n' "$((first_gz + lazy_gz))" "$TOTAL_LIMIT"

status=0
if [ "$first_gz" -gt "$BUDGET" ]; then
  echo "bundle-size: the first load is over the design budget by $((first_gz - BUDGET)) bytes gzip" >&2
  [ "$lazy_gz" -eq 0 ] && echo "bundle-size: and nothing is lazy: was the build split? (scripts/split-wasm.mjs)" >&2
  status=1
fi
if [ "$((first_gz + lazy_gz))" -gt "$TOTAL_LIMIT" ]; then
  echo "bundle-size: the whole download is over its limit by $((first_gz + lazy_gz - TOTAL_LIMIT)) bytes gzip" >&2
  status=1
fi
exit "$status"
