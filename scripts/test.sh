#!/usr/bin/env bash
# The one test command. Installs what is missing, then runs every stage in order and stops
# at the first failure. Each stage ends with one line: `[test] PASS|FAIL <stage> (<secs>s)`.
#   scripts/test.sh              every stage
#   scripts/test.sh STAGE...     only those stages (after setup), e.g. `scripts/test.sh e2e`
set -euo pipefail
cd "$(dirname "$0")/.."

# Stages run in this order.
STAGES=(
  fmt
  clippy_native
  clippy_wasm
  native_tests
  transcripts
  kubectl_diff
  browser_tests
  release_build
  bundle_size
  e2e
)

stage_fmt() { cargo fmt --check; }

stage_clippy_native() { cargo clippy --all-targets --locked -- -D warnings; }

# The library, the browser app and the browser tests, as compiled for the browser.
stage_clippy_wasm() {
  cargo clippy --target wasm32-unknown-unknown --locked --lib --bin kubeplay-web --test web -- -D warnings
}

# Plain cargo output: CI reads its closing `test result:` lines.
stage_native_tests() { cargo test --locked; }

# The seed sessions of the first lesson, replayed by the release runner and checked by the
# shared acceptance checker (../shared/acceptance, beside the checkout).
stage_transcripts() {
  cargo build --release --locked --bin kubeplay
  local shared
  shared=$(cd ../shared && pwd)
  python3 "$shared/acceptance/check" --runner "target/release/kubeplay run -" "$shared"/acceptance/seed/*.t
}

# The differential check: every golden transcript and seed session, replayed by
# `kubeplay run` and by the real kubectl 1.34.5 (.tools/kubectl, from setup.sh --test)
# against `kubeplay serve --clock on-demand`, one server per worker; any difference not in
# scripts/diff-kubectl.allow fails. Needs the release runner of the transcripts stage.
stage_kubectl_diff() {
  cargo build --release --locked --bin kubeplay
  local shared
  shared=$(cd ../shared && pwd)
  # -q: only what differs (with its diff) and the closing `N of M commands identical`.
  python3 scripts/diff-kubectl.py -q -v --matrix --kubectl .tools/kubectl tests/transcripts/*.txt "$shared"/acceptance/seed/*.t
}

# wasm-bindgen-test in headless Chromium through chromedriver (the runner is set in
# .cargo/config.toml; webdriver.json passes Chromium's flags).
stage_browser_tests() {
  CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
    cargo test --target wasm32-unknown-unknown --locked --test web
}

stage_release_build() { KUBEPLAY_SPLIT_REQUIRED=1 trunk build --release; }

stage_bundle_size() { scripts/bundle-size.sh dist; }

# Playwright (playwright-core) drives Debian's Chromium against dist/ on 127.0.0.1.
stage_e2e() { node --test --test-reporter=spec tests/e2e/*.test.mjs; }

# ---------------------------------------------------------------------------------------

# trunk must use the installed wasm-opt (npm's binaryen) and cargo's tools, never download.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

run_stage() {
  local name=$1 started=$SECONDS
  echo "[test] ---- $name"
  local rc=0
  # A subshell outside any `if`/`||`, so that `set -e` still stops a stage at its first
  # failing command.
  set +e
  (set -e; "stage_$name")
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    echo "[test] PASS $name ($((SECONDS - started))s)"
  else
    echo "[test] FAIL $name ($((SECONDS - started))s, exit $rc)"
    exit "$rc"
  fi
}

stage_setup() { scripts/setup.sh --test; }

selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${STAGES[@]}")
for name in "${selected[@]}"; do
  if ! declare -F "stage_$name" >/dev/null; then
    echo "[test] unknown stage: $name (stages: ${STAGES[*]})" >&2
    exit 2
  fi
done

run_stage setup
for name in "${selected[@]}"; do
  run_stage "$name"
done
echo "[test] all ${#selected[@]} stages passed in ${SECONDS}s"
