#!/usr/bin/env bash
# Builds the folder to upload to any static host: dist/ (index.html, the wasm, its JS glue,
# the CSS, lessons/, embed.js, kubectl-help.txt, schema-descriptions.txt,
# blog-example.html). Every URL in it is relative (Trunk.toml's public_url), so the folder
# works at a domain's root or under any path: https://USER.github.io/REPO/,
# https://example.com/blog/play/.
#   scripts/publish.sh
# Installs what is missing first, Chromium included: the release build is split into a
# first load and a lazy module by loading the page in it (scripts/split-wasm.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
KUBEPLAY_SPLIT_REQUIRED=1 trunk build --release
scripts/bundle-size.sh dist
echo "[publish] upload the folder $PWD/dist/ as it is; embed with <script src=\"https://…/embed.js\" data-lesson=\"…\"></script>"
