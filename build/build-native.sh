#!/usr/bin/env bash
# Configures and builds the C++ layer over libtorch (native/) into the given folder.
# Usage: build/build-native.sh <build-dir> [Release|Debug]   Extra CMake arguments: SEQUENCELM_CMAKE_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts/native}"
config="${2:-Release}"
if ! command -v cmake >/dev/null 2>&1 || [[ ! -d /usr/include/torch && -z "${Torch_DIR:-}" && -z "${CMAKE_PREFIX_PATH:-}" ]]; then
  echo "error: libtorch or CMake is missing. Run: bash build/setup.sh" >&2
  exit 1
fi
mkdir -p "$out"
cmake -S "$root/native" -B "$out" -DCMAKE_BUILD_TYPE="$config" ${SEQUENCELM_CMAKE_ARGS:-} >"$out/configure.log" 2>&1 \
  || { cat "$out/configure.log" >&2; echo "error: CMake could not configure native/ (log above)" >&2; exit 1; }
cmake --build "$out" --parallel "$(nproc)"
