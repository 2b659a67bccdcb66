#!/usr/bin/env bash
# Sets up a fresh Debian machine (system packages, NuGet restore, the Debian 12 TorchSharp fix), builds, then trains a character-level GRU on the embedded default corpus and
# generates text. Arguments go to the samples program (e.g. "anna" or "--help").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash build/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/SequenceLM.Samples/SequenceLM.Samples.csproj -c Release --no-restore -nologo -v q
dotnet src/SequenceLM.Samples/bin/Release/net10.0/SequenceLM.Samples.dll "$@"
