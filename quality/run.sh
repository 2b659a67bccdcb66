#!/usr/bin/env bash
# Runs a quality task with our library and with the PyTorch reference AT THE SAME TIME, one core and one thread each
# (taskset), so both see the same machine, for the same wall-clock budget (or step count), and prints both JSON lines.
# Usage: bash quality/run.sh <anna|names-FAMILY|ptb-gru|ptb-transformer> [--seconds N] [--steps N]
# (FAMILY: bigram, mlp, wavenet, rnn, gru, lstm, transformer)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
task="$1"; shift
data="$(cd "$root/../shared/data" && pwd)"
dotnet build "$root/quality/SequenceLM.Quality" -c Release -nologo -v q >/dev/null
export OPENBLAS_NUM_THREADS=1
taskset -c 0 dotnet "$root/quality/SequenceLM.Quality/bin/Release/net10.0/SequenceLM.Quality.dll" "$task" --data "$data" --threads 1 "$@" &
ours=$!
taskset -c 1 /usr/bin/python3 "$root/quality/reference.py" "$task" --data "$data" --threads 1 "$@" &
theirs=$!
wait $ours
wait $theirs
