#!/usr/bin/env python3
"""Scores the weights of our finished anna-lstm run in PyTorch, two ways: as the char-rnn notebook scores its validation
text (its get_batches: whole batches of 128 x 100 only, the last target column of the last window wrapping round to
the rows' first characters) and as our trainer does (every validation character once). Shows that the two figures
differ by what is scored, not by the model or the arithmetic.

Usage: /usr/bin/python3 quality/anna_notebook_measure.py [RUN_DIR] [--data DIR]   (RUN_DIR: /work/runs/anna-lstm)
Prints one JSON line.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "test", "python"))
sys.path.insert(0, here)
from reference import RecurrentLM  # noqa: E402
from verify_against_pytorch import read_safetensors  # noqa: E402

ROWS, STEPS = 128, 100


def load(run):
    checkpoints = os.path.join(run, "checkpoints")
    folder = os.path.join(checkpoints, open(os.path.join(checkpoints, "latest")).read().strip())
    tokens = json.load(open(os.path.join(folder, "preprocessing.bin")))["tokens"]
    model = RecurrentLM("lstm", len(tokens), 0, 512, 2, 0.5)
    model.load_state_dict(read_safetensors(os.path.join(folder, "weights.safetensors")), strict=True)
    return model.eval(), {t: i for i, t in enumerate(tokens)}


def notebook_loss(model, val, wrap):
    """The notebook's loop: the mean of the batch losses over whole batches, the state carried along each row."""
    arr = val[: len(val) // (ROWS * STEPS) * ROWS * STEPS].view(ROWS, -1)
    following = val[arr.shape[1]:: arr.shape[1]][:ROWS]  # the character after each row: the correct last targets
    losses, state = [], None
    for k in range(0, arr.shape[1], STEPS):
        x = arr[:, k: k + STEPS]
        y = torch.empty_like(x)
        y[:, :-1] = x[:, 1:]
        last = k + STEPS >= arr.shape[1]
        y[:, -1] = (arr[:, 0] if wrap else following) if last else arr[:, k + STEPS]
        logits, state = model(x, state)
        losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item())
    return sum(losses) / len(losses), arr.numel()


def every_character_loss(model, val):
    """Our EvaluationWindows: leftover predictions first as one row, then 128 equal streams in windows of 100."""
    predictions = len(val) - 1
    length = predictions // ROWS
    head = predictions - length * ROWS
    total, count = 0.0, 0
    for start, rows, span in ([(0, 1, head)] if head else []) + [(head, ROWS, length)]:
        state = None
        for at in range(0, span, STEPS):
            steps = min(STEPS, span - at)
            begin = [start + r * span + at for r in range(rows)]
            x = torch.stack([val[b: b + steps] for b in begin])
            y = torch.stack([val[b + 1: b + steps + 1] for b in begin])
            logits, state = model(x, state)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    return total / count, count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run", nargs="?", default="/work/runs/anna-lstm")
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    args = parser.parse_args()
    model, index = load(args.run)
    text = open(os.path.join(args.data, "anna.txt"), encoding="utf-8").read()  # text mode: "\r\n" becomes "\n"
    encoded = torch.tensor([index.get(c, 0) for c in text])
    with torch.no_grad():
        notebook_val = encoded[int(len(encoded) * 0.9):]  # the notebook's cut
        exact, scored = notebook_loss(model, notebook_val, wrap=True)
        corrected, _ = notebook_loss(model, notebook_val, wrap=False)
        ours, all_scored = every_character_loss(model, encoded[round(len(encoded) * 0.9):])  # the trainer's cut
        tail = notebook_val[scored:]
        tail_loss = F.cross_entropy(model(tail[:-1].unsqueeze(0))[0][0], tail[1:]).item()
    print(json.dumps({
        "notebook_measure": round(exact, 4), "notebook_measure_correct_last_targets": round(corrected, 4),
        "notebook_scored_characters": scored, "every_character": round(ours, 4), "every_character_scored": all_scored,
        "unscored_tail_characters": len(tail), "unscored_tail_loss": round(tail_loss, 4),
    }))


if __name__ == "__main__":
    main()
