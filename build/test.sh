#!/usr/bin/env bash
# Sets up a fresh Debian machine (system packages, NuGet restore, the Debian 12 TorchSharp fix), builds everything and
# runs the tests, then, where Debian's python3-torch is installed, checks our models against PyTorch.
# Usage: bash build/test.sh [extra dotnet test arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash build/setup.sh --with-python-torch
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Microsoft.ML.SequenceLM.sln -c Release --no-restore -nologo -v q
summary="$(mktemp)"
set -o pipefail
dotnet test test/SequenceLM.Tests/SequenceLM.Tests.csproj -c Release --no-build -nologo "$@" | tee "$summary"
bash test/python/run-verification.sh
# One plain closing line for the whole run: "tests: N passed, N failed".
line="$(grep -E 'Passed!|Failed!' "$summary" | tail -n 1)"
passed="$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")"
failed="$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$line")"
rm -f "$summary"
echo "tests: ${passed} passed, ${failed} failed"
