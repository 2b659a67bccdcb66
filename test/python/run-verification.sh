#!/usr/bin/env bash
# Exports one trained model of each family from C# (PyTorchExportTests) and checks them against PyTorch modules
# holding the same weights (logits, two training steps, hidden-state gradients; tolerance 1e-4 relative).
# Needs Debian's python3-torch (/usr/bin/python3); without it, says so and exits 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "PyTorch check skipped: $python has no torch (apt-get install python3-torch)."
  exit 0
fi
export SEQUENCELM_VERIFY_DIR="$root/artifacts/verification"
rm -rf "$SEQUENCELM_VERIFY_DIR"
mkdir -p "$SEQUENCELM_VERIFY_DIR"
dotnet test "$root/test/SequenceLM.Tests/SequenceLM.Tests.csproj" -c "${CONFIGURATION:-Release}" --no-build -nologo \
  --filter "FullyQualifiedName~PyTorchExportTests" -v q
echo "PyTorch $("$python" -c 'import torch; print(torch.__version__)') against our exported models:"
"$python" "$root/test/python/verify_against_pytorch.py" "$SEQUENCELM_VERIFY_DIR"
