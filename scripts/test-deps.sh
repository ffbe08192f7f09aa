#!/usr/bin/env bash
# Installs the Debian packages the test suites use, when any is missing (instant otherwise).
# The one list of them: `npm test` and .ci/run both call this script.
#   dataset-fashion-mnist  the full Fashion-MNIST: the learning check, checksum and loader tests
#   python3-numpy          the .npz loader cross-checked against NumPy
#   python3-h5py           the Keras .h5 export read back the way Keras's loader reads it
#   chromium               the webview browser tests and the real-VS-Code (code-server) suite
#   ripgrep libkrb5-dev    what code-server needs (scripts/setup-code-server.sh)
#   clang lld              rebuild the fused step's wasm to check it equals the committed one
set -euo pipefail
PACKAGES=(dataset-fashion-mnist python3-numpy python3-h5py chromium ripgrep libkrb5-dev clang lld)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "test-deps: the tests need the Debian packages ${missing[*]}, and this machine has no apt-get; install their equivalents." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "test-deps: the tests need ${missing[*]}: run 'apt-get install ${missing[*]}' as root." >&2
    exit 1
  fi
  SUDO="sudo"
fi
echo "test-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
