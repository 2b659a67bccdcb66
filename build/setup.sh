#!/usr/bin/env bash
# Installs the system packages the project needs on a Debian machine: libtorch (the tensor engine), an optimised
# BLAS, CMake and a C++ compiler. Idempotent: returns at once when everything is present.
# Usage: build/setup.sh [--with-python-torch]   (the option adds Debian's python3-torch, for reference checks)
set -euo pipefail

packages=(libtorch-dev libopenblas0-pthread cmake g++)
[[ "${1:-}" == "--with-python-torch" || "${SEQUENCELM_PYTHON_TORCH:-}" == "1" ]] && packages+=(python3-torch)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing system packages: ${missing[*]}; this script needs apt-get (Debian/Ubuntu)." >&2
  echo "       Install libtorch 1.13+ (C++ headers, libraries and CMake config), OpenBLAS, CMake and g++ by hand." >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: missing system packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
