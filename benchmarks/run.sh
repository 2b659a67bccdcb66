#!/usr/bin/env bash
# Trains and generates with SequenceLM, stock TorchSharp and the PyTorch reference (benchmarks/pytorch/reference.py) on identical
# configurations, prints one table, writes it as markdown and JSON. Usage: bash benchmarks/run.sh [--quick] [--only TEXT] [--markdown FILE] [--json FILE]
#   or: bash benchmarks/run.sh --scaling [--quick] [--only TEXT] [--json FILE]   (how cost grows: training tokens/s and
#       GFLOP/s of the LSTM at hidden 64-1024 and the transformer at width 64-512, ours and stock TorchSharp; writes FILE,
#       default artifacts/benchmarks/scaling.json, and beside it scaling-tokens.svg and scaling-gflops.svg (+ .png))
#   or: bash benchmarks/run.sh bpe FILE [SIZE]   (time to learn byte-level BPE of SIZE tokens, default 2000, from FILE)
#   --quick   tiny configurations, seconds (CI)
#   --only    run the configurations whose name contains TEXT (e.g. --scaling --only lstm-256)
# Environment: SEQUENCELM_BENCH_PYTHON (default /usr/bin/python3, needs torch; without it the PyTorch column says
# "PyTorch reference unavailable"), SEQUENCELM_DATA (default ../shared/data), SEQUENCELM_BENCH_NO_BUILD=1 (reuse the build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/benchmarks/SequenceLM.Benchmarks/SequenceLM.Benchmarks.csproj"
out="$root/benchmarks/SequenceLM.Benchmarks/bin/Release/net10.0"
# Built with the solution's own settings (no -o): after the solution build this is a no-op. A build with other global
# properties recompiles the library into its obj/, and while tests run from bin/ folders that must never happen.
if [[ "${SEQUENCELM_BENCH_NO_BUILD:-0}" != 1 || ! -f "$out/SequenceLM.Benchmarks.dll" ]]; then
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
exec dotnet "$out/SequenceLM.Benchmarks.dll" "$@"
