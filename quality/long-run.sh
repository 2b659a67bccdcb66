#!/usr/bin/env bash
# The long quality runs (never in CI): anna-lstm (20 epochs of the char-rnn notebook's LSTM, about 2.6 hours of a quiet
# 2-core machine), timemachine-rnn256 / timemachine-rnn512 (d2l's RNN recipes; timemachine-plot then draws both in one
# plot from their finished run folders) and ptb-analyses (RNN, GRU, Transformer on
# Penn Treebank). Resumable: checkpoints and progress logs go to the run folder (default /work/runs/<run>); run the same
# command again to continue, or, after the last epoch, only to rewrite the report in quality/results (<run>.json and the
# plots, SVG and PNG). It runs a copy of the build in the run folder, so rebuilding the repository meanwhile does not
# change the running program. Usage: bash quality/long-run.sh RUN [RUN_DIR] [--epochs N]   (e.g. under nohup nice -n 19)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
task="$1"; shift
run="/work/runs/$task"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then run="$1"; shift; fi
data="$(cd "$root/../shared/data" 2>/dev/null && pwd || echo /work/shared/data)"
dotnet build "$root/quality/SequenceLM.Quality" -c Release -nologo -v q >/dev/null
mkdir -p "$run"
rm -rf "$run/bin"
cp -a "$root/quality/SequenceLM.Quality/bin/Release/net10.0" "$run/bin"
exec dotnet "$run/bin/SequenceLM.Quality.dll" "$task" --data "$data" --run "$run" --results "$root/quality/results" "$@"
