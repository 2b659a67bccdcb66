#!/usr/bin/env bash
# Prepares a Debian machine to build and run the project: installs the system packages that are missing (patchelf,
# g++ and python3, which the Debian 12 fix for TorchSharp needs; Open MPI for data-parallel training and its test), restores the NuGet packages (TorchSharp and its
# libtorch runtime come from there), then makes TorchSharp's binding load where the system's libstdc++ is too old
# (build/debian12/make-torchsharp-load.sh; it does nothing elsewhere). Idempotent.
# Usage: build/setup.sh [--with-python-torch]   (the option adds Debian's python3-torch, for the reference checks)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(patchelf g++ python3 openmpi-bin libopenmpi-dev)
[[ "${1:-}" == "--with-python-torch" || "${SEQUENCELM_PYTHON_TORCH:-}" == "1" ]] && packages+=(python3-torch)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"install ok installed"* ]] || missing+=("$p")
  done
fi
if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages: ${missing[*]}; this script needs apt-get (Debian/Ubuntu)." >&2
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
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore "$root/Microsoft.ML.SequenceLM.sln" -v q >/dev/null
bash "$root/build/debian12/make-torchsharp-load.sh"
