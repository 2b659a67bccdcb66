#!/usr/bin/env bash
# Packs Microsoft.ML.SequenceLM (managed assembly, XML docs, README, license; TorchSharp as a dependency) and the
# sequencelm command-line tool into artifacts/packages/, then lists what the library package holds.
# Usage: bash build/pack.sh [extra dotnet pack arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
mkdir -p artifacts/packages
projects=(src/SequenceLM/SequenceLM.csproj)
[[ -f src/SequenceLM.Cli/SequenceLM.Cli.csproj ]] && projects+=(src/SequenceLM.Cli/SequenceLM.Cli.csproj)
for project in "${projects[@]}"; do
  dotnet pack "$project" -c Release -nologo -v q -o artifacts/packages "$@"
done

package="artifacts/packages/Microsoft.ML.SequenceLM.$version.nupkg"
[[ -f "$package" ]] || { echo "error: $package was not produced" >&2; exit 1; }
# The package must hold the assembly, its XML docs, the readme and the license.
contents=$(unzip -Z1 "$package")
for entry in lib/net10.0/Microsoft.ML.SequenceLM.dll lib/net10.0/Microsoft.ML.SequenceLM.xml \
             README.md LICENSE; do
  grep -qx "$entry" <<<"$contents" || { echo "error: $package lacks $entry" >&2; exit 1; }
done
echo "Packed (version $version):"
ls -l artifacts/packages/*."$version".nupkg | awk '{printf "  %-70s %8.1f KB\n", $NF, $5/1024}'
