#!/usr/bin/env bash
# The 20-epoch character LSTM on anna.txt (the char-rnn notebook's configuration; about two hours of a quiet 2-core
# machine). Resumable: checkpoints, history and the log go to the run folder (default /work/runs/anna-lstm); run the
# same command again to continue, or, after the last epoch, only to rewrite the report: quality/results/anna-lstm.json
# and the learning-curve plots. It runs a copy of the build in the run folder, so rebuilding the repository meanwhile
# does not change the running program. Usage: bash quality/anna-lstm.sh [RUN_DIR]   (e.g. under nohup nice -n 19)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="${1:-/work/runs/anna-lstm}"
data="$(cd "$root/../shared/data" 2>/dev/null && pwd || echo /work/shared/data)"
dotnet build "$root/quality/SequenceLM.Quality" -c Release -nologo -v q >/dev/null
mkdir -p "$run"
rm -rf "$run/bin"
cp -a "$root/quality/SequenceLM.Quality/bin/Release/net10.0" "$run/bin"
exec dotnet "$run/bin/SequenceLM.Quality.dll" anna-lstm --data "$data" --run "$run" --results "$root/quality/results"
