#!/usr/bin/env bash
# Data-parallel scaling on this machine: tokens/s of `sequencelm train` as 1 process x all cores against N processes x
# (cores / N) threads (--processes N, the same global batch), and the all-reduce time per step, for the char-LSTM and
# nanoGPT-CPU configurations of docs/performance.md. The two sides of a configuration run back to back; --rounds repeats
# the pair. Prints a markdown table. Usage: bash benchmarks/data-parallel.sh [--processes N] [--rounds N]
# Environment: SEQUENCELM_DATA (default ../shared/data). Needs Open MPI (build/setup.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${SEQUENCELM_DATA:-$root/../shared/data}"
processes=2 rounds=1
while (($#)); do
  case "$1" in
    --processes) processes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--processes N] [--rounds N]" >&2; exit 2 ;;
  esac
done
out="$root/artifacts/benchmarks/cli"
dotnet build "$root/src/SequenceLM.Cli/SequenceLM.Cli.csproj" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | corpus | global batch | steps | report every | model options (docs/performance.md's configurations)
configurations=(
  "char-lstm-2x512 (anna)|anna.txt|128|12|4|--model lstm --embedding 0 --hidden 512 --layers 2 --seq 100 --dropout 0.5 --lr 0.001 --clip 5"
  "nanogpt-cpu 4x128 (chars)|timemachine.txt|12|150|30|--model transformer --layers 4 --heads 4 --width 128 --context 64 --seq 64 --dropout 0 --lr 0.001 --clip 1"
)

# Runs one side; prints "tokens/s all-reduce-ms": the mean of the progress windows after the first (warm-up), and rank 0's all-reduce time.
run_side() {
  local corpus="$1" batch="$2" steps="$3" every="$4" model="$5" procs="$6" log="$work/run.log"
  local extra=()
  ((procs > 1)) && extra=(--processes "$procs")
  # shellcheck disable=SC2086
  dotnet "$out/sequencelm.dll" train "$data/$corpus" $model --batch "$((batch / procs))" --max-steps "$steps" --report-every "$every" \
    --validation 0 --seed 1 --device cpu -o "$work/model.zip" "${extra[@]}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  local speed reduce
  speed="$(grep -oE 'step [0-9,]+ .* [0-9,]+ chars/s' "$log" | sed -E 's/.* ([0-9,]+) chars\/s/\1/; s/,//g' | tail -n +2 |
           awk '{ s += $1; n++ } END { if (n) printf "%.0f", s / n; else print "n/a" }')"
  reduce="$(grep -oE 'All-reduce of the gradients: [0-9.]+ ms' "$log" | grep -oE '[0-9.]+' || echo "-")"
  echo "$speed $reduce"
}

cores="$(nproc)"
echo "| configuration | global batch | round | 1 process x $cores threads tok/s | $processes processes x $((cores / processes > 0 ? cores / processes : 1)) thread(s) tok/s | ratio | all-reduce ms/step |"
echo "|---|--:|--:|--:|--:|--:|--:|"
for config in "${configurations[@]}"; do
  IFS='|' read -r name corpus batch steps every model <<<"$config"
  for ((round = 1; round <= rounds; round++)); do
    read -r one _ < <(run_side "$corpus" "$batch" "$steps" "$every" "$model" 1)
    read -r many reduce < <(run_side "$corpus" "$batch" "$steps" "$every" "$model" "$processes")
    ratio="$(awk -v a="$one" -v b="$many" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "n/a" }')"
    echo "| $name | $batch | $round | $one | $many | $ratio | $reduce |"
  done
done
