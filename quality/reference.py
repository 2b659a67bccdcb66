#!/usr/bin/env python3
"""PyTorch reference for the quality runs: the same data preparation, models and training loops as
quality/SequenceLM.Quality, in plain PyTorch (word_language_model / makemore / char-rnn style).

Usage: /usr/bin/python3 quality/reference.py <anna|names-FAMILY|ptb-gru|ptb-transformer> --data DIR
       (FAMILY: bigram, mlp, wavenet, rnn, gru, lstm, transformer)
       [--seconds N] [--steps N] [--threads N]
Prints one JSON line like the C# side.
"""
import argparse
import json
import math
import os
import random
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch loads OpenBLAS (see DESIGN.md)
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "python"))
from verify_against_pytorch import BigramModel, MlpModel, TransformerModel, WaveNetModel  # the same modules as ours, names included


class RecurrentLM(nn.Module):
    """Embedding (or one-hot) -> dropout -> stacked RNN/GRU/LSTM -> dropout -> linear head, with carried state."""

    def __init__(self, family, vocab, embedding, hidden, layers, dropout):
        super().__init__()
        self.vocab = vocab
        self.embedding = nn.Embedding(vocab, embedding) if embedding > 0 else None
        size = embedding if embedding > 0 else vocab
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[family]
        self.rnn = rnn(size, hidden, layers, dropout=dropout if layers > 1 else 0.0, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens, state=None):
        x = self.dropout(self.embedding(tokens)) if self.embedding is not None else F.one_hot(tokens, self.vocab).float()
        output, state = self.rnn(x, state)
        return self.head(self.dropout(output)), state


class Stateless(nn.Module):
    """A model without recurrent state behind RecurrentLM's (logits, state) interface."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tokens, state=None):
        return self.model(tokens), None


def names_model(family, vocab):
    """makemore-size: embedding 64, hidden 64 (MLP: context 3; WaveNet: context 8, three levels; Transformer: 2x4 heads)."""
    config = {"vocab_size": vocab, "embedding_size": 64, "hidden_size": 64, "dropout": 0.0, "num_layers": 1}
    if family in ("rnn", "gru", "lstm"):
        return RecurrentLM(family, vocab, 64, 64, 1, 0.0)
    if family == "bigram":
        return Stateless(BigramModel(config))
    if family == "mlp":
        return Stateless(MlpModel(dict(config, context_length=3)))
    if family == "wavenet":
        return Stateless(WaveNetModel(dict(config, context_length=8, num_layers=3)))
    model = TransformerModel(dict(config, context_length=32, ffn_size=0, positional=0, num_heads=4, num_layers=2, tie_weights=1))
    init_transformer(model, 2)
    return Stateless(model)


def detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def init_transformer(model, layers):
    """nanoGPT's initialisation, as ours: N(0, 0.02), zero biases, residual projections scaled."""
    for name, p in model.named_parameters():
        if p.dim() == 1:
            if "ln" not in name:
                nn.init.zeros_(p)
        else:
            nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * layers) if name.endswith(".proj.weight") else 0.02)


def sequential_batches(stream, batch, steps):
    """The corpus as `batch` parallel streams; window i of every stream forms batch i (stateful truncated BPTT)."""
    n = (len(stream) - 1) // batch
    x = stream[: n * batch].view(batch, n)
    y = stream[1 : n * batch + 1].view(batch, n)
    for i in range(0, n - steps + 1, steps):
        yield x[:, i : i + steps], y[:, i : i + steps]


def evaluate_stream(model, stream, batch, steps, stateful):
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for x, y in sequential_batches(stream, batch, steps):
            if stateful:
                logits, state = model(x, state)
            else:
                logits = model(x)
            total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum").item()
            count += y.numel()
    model.train()
    return total / count


def train_stream(model, train, valid, batch, steps, lr, clip, seconds, max_steps, every, stateful, weight_decay=0.0):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    valid_batch = max(1, min(batch, (len(valid) - 1) // steps))
    start, step, best, best_state, curve = time.time(), 0, float("inf"), None, []
    done = False
    while not done:
        state = None
        for x, y in sequential_batches(train, batch, steps):
            if stateful:
                logits, state = model(x, detach(state))
            else:
                logits = model(x)
            loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            step += 1
            out_of_time = time.time() - start >= seconds or (max_steps and step >= max_steps)
            if step % every == 0 or out_of_time:
                v = evaluate_stream(model, valid, valid_batch, steps, stateful)
                curve.append([step, round(time.time() - start, 1), round(v, 4)])
                if v < best:
                    best, best_state = v, {k: t.clone() for k, t in model.state_dict().items()}
            if out_of_time:
                done = True
                break
    model.load_state_dict(best_state)
    return {"steps": step, "train_seconds": round(time.time() - start, 1), "best_validation_loss": round(best, 4),
            "last_train_loss": round(loss.item(), 4), "curve": curve}


def anna(args):
    text = open(os.path.join(args.data, "anna.txt"), encoding="utf-8").read().replace("\r\n", "\n")
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    stream = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = round(len(stream) * 0.9)
    model = RecurrentLM("lstm", len(chars), 0, 512, 2, 0.5)
    result = train_stream(model, stream[:cut], stream[cut:], 128, 100, 1e-3, 5.0, args.seconds, args.steps, 25, True)
    result.update(parameters=sum(p.numel() for p in model.parameters()), vocabulary=len(chars))
    return result


def names(args, family):
    words = [w.strip() for w in open(os.path.join(args.data, "names.txt"), encoding="utf-8") if w.strip()]
    chars = sorted(set("".join(words)))
    pad, bos, eos = 0, 1, 2
    index = {c: i + 3 for i, c in enumerate(chars)}
    vocab = len(chars) + 3
    rows = [[index[c] for c in w] for w in words]
    random.Random(1).shuffle(rows)
    n_test = round(len(rows) * 0.1)
    test, train = rows[:n_test], rows[n_test:]

    def batch_of(group):
        T = max(len(r) for r in group) + 1
        x = torch.full((len(group), T), pad)
        y = torch.full((len(group), T), pad)
        for i, r in enumerate(group):
            x[i, : len(r) + 1] = torch.tensor([bos] + r)
            y[i, : len(r) + 1] = torch.tensor(r + [eos])
        return x, y

    def test_loss():
        model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(test), 256):
                x, y = batch_of(test[i : i + 256])
                logits, _ = model(x)
                total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=pad, reduction="sum").item()
                count += (y != pad).sum().item()
        model.train()
        return total / count

    model = names_model(family, vocab)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
    start, step, curve, order = time.time(), 0, [], list(range(len(train)))
    rng = random.Random(1)
    while step < args.steps:
        rng.shuffle(order)
        for i in range(0, len(order) - 31, 32):
            x, y = batch_of([train[j] for j in order[i : i + 32]])
            logits, _ = model(x)
            loss = F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=pad)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            step += 1
            if step % 500 == 0 or step == args.steps:
                curve.append([step, round(time.time() - start, 1), round(test_loss(), 4)])
            if step >= args.steps:
                break
    return {"steps": step, "train_seconds": round(time.time() - start, 1), "test_loss": curve[-1][2],
            "last_train_loss": round(loss.item(), 4), "curve": curve, "vocabulary": vocab,
            "parameters": sum(p.numel() for p in model.parameters())}


def ptb(args, family):
    def words(name):
        out = []
        for line in open(os.path.join(args.data, name), encoding="utf-8"):
            if line.strip():
                out += line.split() + ["<eos>"]
        return out

    train_words, test_words = words("ptb.valid.txt"), words("ptb.test.txt")
    vocab = ["<unk>"] + sorted(set(train_words) - {"<unk>"})
    index = {w: i for i, w in enumerate(vocab)}
    encode = lambda ws: torch.tensor([index.get(w, 0) for w in ws], dtype=torch.long)
    stream, test = encode(train_words), encode(test_words)
    cut = round(len(stream) * 0.9)
    if family == "gru":
        model = RecurrentLM("gru", len(vocab), 256, 256, 2, 0.3)
        stateful = True
    else:
        config = {"vocab_size": len(vocab), "hidden_size": 256, "context_length": 35, "ffn_size": 0, "positional": 0,
                  "dropout": 0.3, "num_heads": 4, "num_layers": 2, "tie_weights": 1}
        model = TransformerModel(config)
        init_transformer(model, 2)
        stateful = False
    result = train_stream(model, stream[:cut], stream[cut:], 20, 35, 1e-3, 0.5, args.seconds, args.steps, 100, stateful)
    result["test_perplexity"] = round(math.exp(evaluate_stream(model, test, 10, 35, stateful)), 2)
    result.update(parameters=sum(p.numel() for p in model.parameters()), vocabulary=len(vocab))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("task")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--steps", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    start = time.time()
    if args.task == "anna":
        result = anna(args)
    elif args.task.startswith("names-"):
        args.steps = args.steps or 3000
        result = names(args, args.task[6:])
    else:
        result = ptb(args, args.task[4:])
    result.update(side="pytorch", task=args.task, wall_seconds=round(time.time() - start, 1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
