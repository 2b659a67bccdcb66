#!/usr/bin/env bash
# Chars vs words vs learned BPE vs GPT-2 at equal wall time and the same network: trains one GRU per tokenization
# with the CLI for the same --time, scores each on held-out text in bits per character (sequencelm eval) and prints a
# sample. anna.txt: trained on its first 90% of lines, scored on the last 10%; PTB: trained on ptb.valid.txt, scored
# on the first 1,000 lines of ptb.test.txt.
# Usage: bash quality/tokenizations.sh [SECONDS (default 120)] [OUT_DIR (default artifacts/tokenizations)] [CORPORA (default "anna ptb")]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-120}"
out="${2:-$root/artifacts/tokenizations}"
corpora="${3:-anna ptb}"
data="$(cd "$root/../shared/data" && pwd)"
mkdir -p "$out"
# Its own copy of the CLI, so that rebuilding the repository meanwhile does not change the running tool.
[[ -f "$out/cli/sequencelm.dll" ]] || dotnet build "$root/src/SequenceLM.Cli" -c Release -o "$out/cli" -nologo -v q >/dev/null
cli=(dotnet "$out/cli/sequencelm.dll")

lines=$(wc -l < "$data/anna.txt")
head -n $((lines * 9 / 10)) "$data/anna.txt" > "$out/anna.train.txt"
tail -n +$((lines * 9 / 10 + 1)) "$data/anna.txt" > "$out/anna.test.txt"
cp "$data/ptb.valid.txt" "$out/ptb.train.txt"
head -n 1000 "$data/ptb.test.txt" > "$out/ptb.test.txt"

declare -A tokens=([char]=300 [word]=60 [bpe:2000]=100 [gpt2]=80)
for corpus in $corpora; do
  for level in char word bpe:2000 gpt2; do
    name="$corpus-${level/:/}"
    "${cli[@]}" train "$out/$corpus.train.txt" --level "$level" --model gru --embedding 128 --hidden 256 --layers 2 \
      --seq 64 --batch 32 --time "${seconds}s" --seed 1 -o "$out/$name.zip" > "$out/$name.train.log" 2>&1
    "${cli[@]}" eval "$out/$name.zip" "$out/$corpus.test.txt" > "$out/$name.eval.txt" 2>&1
    "${cli[@]}" sample "$out/$name.zip" --max-tokens "${tokens[$level]}" --temperature 0.8 --seed 1 > "$out/$name.sample.txt" 2>&1
    echo "== $name: $(grep -E '^Trained' "$out/$name.train.log" | head -1)"
    cat "$out/$name.eval.txt"
    echo "-- sample:"; cat "$out/$name.sample.txt"; echo
  done
done
