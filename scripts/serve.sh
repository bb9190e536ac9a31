#!/usr/bin/env bash
# Serves the playground on http://127.0.0.1:8080, rebuilding on every change.
# Installs whatever is missing first. Extra arguments go to trunk (e.g. --release).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# trunk must find wasm-opt (npm's binaryen) and the cargo-installed tools, never download.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
