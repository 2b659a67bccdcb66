#!/usr/bin/env bash
# Makes TorchSharp's native binding load on systems whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12): the binding,
# built with GCC 13, references one symbol of that version, std::ios_base_library_init(). This builds a tiny library
# defining it, adds that library as a needed library of the restored binding, drops the symbol's version and flags the
# binding's GLIBCXX_3.4.32 requirement weak. It does nothing where libstdc++ already has the version (Ubuntu 24.04,
# Debian 13, ...) or where the binding is already patched. Run it after `dotnet restore` and before `dotnet build`.
# Usage: build/debian12/make-torchsharp-load.sh [torchsharp-version]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${1:-0.107.0}"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
binding="$packages/torchsharp/$version/runtimes/linux-x64/native/libLibTorchSharp.so"
symbol=_ZSt21ios_base_library_initv

[[ "$(uname -s)" == Linux ]] || exit 0
# awk reads to the end (no early exit): an early exit can kill ldconfig with SIGPIPE, which pipefail turns into a failure.
libstdcxx="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')"
if [[ -n "$libstdcxx" ]] && grep -aq 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  exit 0   # this system's libstdc++ has the version: nothing to do
fi
if [[ ! -f "$binding" ]]; then
  echo "error: $binding not found; run 'dotnet restore' first." >&2
  exit 1
fi
shim="$(dirname "$binding")/glibcxx-3.4.32-shim/libsequencelm_glibcxx_3_4_32.so"
if readelf -d "$binding" | grep -F "$shim" >/dev/null; then
  exit 0   # already patched
fi
for tool in g++ patchelf python3 readelf; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is needed to patch TorchSharp's binding for this libstdc++ (apt-get install g++ patchelf python3 binutils)." >&2; exit 1; }
done
mkdir -p "$(dirname "$shim")"
g++ -shared -fPIC -O2 -o "$shim" "$here/glibcxx_3_4_32_shim.cpp"
patchelf --add-needed "$shim" "$binding"
patchelf --clear-symbol-version "$symbol" "$binding"
python3 "$here/weaken_version_need.py" "$binding" GLIBCXX_3.4.32 >/dev/null
echo "TorchSharp $version: this system's libstdc++ lacks GLIBCXX_3.4.32 (Debian 12); patched the restored binding"
echo "  $binding to load: it now also needs $shim (defines std::ios_base_library_init), and its GLIBCXX_3.4.32 requirement is weak."
