"""PyTorch reference for the SequenceLM benchmarks: the same models, optimizer and batches as our library.

Usage: /usr/bin/python3 reference.py SPEC.json   (SPEC and the int64 batch file are written by SequenceLM.Benchmarks)
Prints one JSON line with tokens/s and the peak resident memory of this process.

The models follow PyTorch's word_language_model example (embedding or one-hot -> dropout -> nn.RNN/GRU/LSTM
batch_first -> dropout -> linear) and nanoGPT (pre-norm blocks, GELU MLP, causal self-attention with qkv/proj,
learned positions), with Adam and gradient-norm clipping, written plainly as a PyTorch user would. Thread settings
are the best ones for this machine, as for our library: OpenBLAS pinned to one thread (OPENBLAS_NUM_THREADS=1, set by
the harness before Python starts) and torch.set_num_threads(cores).
"""
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test", "python"))
from verify_against_pytorch import BigramModel, MlpModel, WaveNetModel  # makemore's models, as test/python checks ours


class RNNModel(nn.Module):
    def __init__(self, family, vocab, embedding, hidden, layers, dropout, tie):
        super().__init__()
        self.vocab = vocab
        self.embedding = nn.Embedding(vocab, embedding) if embedding > 0 else None
        self.drop = nn.Dropout(dropout)
        cell = {"rnn_tanh": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[family]
        self.rnn = cell(embedding if embedding > 0 else vocab, hidden, layers,
                        dropout=dropout if layers > 1 else 0.0, batch_first=True)
        self.head = nn.Linear(hidden, vocab)
        if tie:
            self.head.weight = self.embedding.weight

    def forward(self, x, state=None):
        e = self.drop(self.embedding(x)) if self.embedding is not None else F.one_hot(x, self.vocab).float()
        out, state = self.rnn(e, state)
        return self.head(self.drop(out)), state


class CausalSelfAttention(nn.Module):
    def __init__(self, width, heads, context, dropout):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.attn_drop = nn.Dropout(dropout)
        self.register_buffer("mask", torch.tril(torch.ones(context, context)).view(1, 1, context, context))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = self.attn_drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, 4 * width)
        self.proj = nn.Linear(4 * width, width)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, width, heads, context, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads, context, dropout)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = MLP(width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class GPT(nn.Module):
    def __init__(self, vocab, width, layers, heads, context, dropout, tie):
        super().__init__()
        self.context = context
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(width, heads, context, dropout) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        if tie:
            self.head.weight = self.wte.weight
        # nanoGPT's initialisation (as our library's): N(0, 0.02), zero biases, residual projections / sqrt(2 layers)
        for name, p in self.named_parameters():
            if p.dim() == 1:
                if not name.startswith("ln") and ".ln" not in name:
                    nn.init.zeros_(p)
            else:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(".proj.weight") else 0.02
                nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, idx, last_only=False):
        T = idx.size(1)
        pos = torch.arange(T, dtype=torch.long, device=idx.device)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.blocks:
            x = block(x)
        x = self.ln_f(x)
        return self.head(x[:, [-1], :] if last_only else x)


class FixedContext(nn.Module):
    """makemore's bigram / MLP / WaveNet behind nanoGPT's generate interface (context, last_only)."""

    def __init__(self, s):
        super().__init__()
        self.context = s["context"]
        config = dict(vocab_size=s["vocab"], embedding_size=s["embedding"], hidden_size=s["hidden"], num_layers=s["layers"],
                      context_length=s["context"], dropout=s["dropout"])
        self.model = {"bigram": BigramModel, "mlp": MlpModel, "wavenet": WaveNetModel}[s["family"]](config)

    def forward(self, idx, last_only=False):
        logits = self.model(idx)
        return logits[:, [-1], :] if last_only else logits


RECURRENT = ("rnn_tanh", "gru", "lstm")


def make_model(s):
    if s["family"] in ("bigram", "mlp", "wavenet"):
        return FixedContext(s)
    if s["family"] == "transformer":
        return GPT(s["vocab"], s["hidden"], s["layers"], s["heads"], s["context"], s["dropout"], s["tie"])
    return RNNModel(s["family"], s["vocab"], s["embedding"], s["hidden"], s["layers"], s["dropout"], s["tie"])


def read_int64(f, n):
    return struct.unpack("<%dq" % n, f.read(8 * n))


def read_batches(path):
    with open(path, "rb") as f:
        (count,) = read_int64(f, 1)
        batches = []
        for _ in range(count):
            b, t = read_int64(f, 2)
            x = torch.tensor(read_int64(f, b * t), dtype=torch.long).view(b, t)
            y = torch.tensor(read_int64(f, b * t), dtype=torch.long).view(b, t)
            batches.append((x, y))
        return batches


def detach(state):
    if state is None:
        return None
    return tuple(h.detach() for h in state) if isinstance(state, tuple) else state.detach()


def train(s):
    batches = read_batches(s["data_file"])
    model = make_model(s)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=s["learning_rate"], betas=(0.9, 0.999), eps=1e-8)
    ignore = s["ignore_index"] if s["ignore_index"] >= 0 else -100
    recurrent = s["family"] in RECURRENT
    state = None
    losses = []
    tokens = positions = 0
    start = None
    for i, (x, y) in enumerate(batches):
        if i == s["warmup"]:
            start = time.perf_counter()
        torch.manual_seed(i)
        if not (recurrent and s["sequential"]):
            state = None
        optimizer.zero_grad()
        if recurrent:
            logits, state = model(x, state)
            state = detach(state)
        else:
            logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=ignore)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), s["clip"])
        optimizer.step()
        losses.append(loss.item())
        if i >= s["warmup"]:
            positions += y.numel()
            tokens += int((y != ignore).sum()) if s["ignore_index"] >= 0 else y.numel()
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, tokens=tokens, positions=positions, first_loss=losses[0], last_loss=losses[-1])


@torch.no_grad()
def generate_recurrent(model, prompts, count):
    # char-rnn's sample loop: prime with the prompt, then feed back one sampled token per step.
    logits, state = model(prompts)
    out = []
    for _ in range(count):
        probs = F.softmax(logits[:, -1, :] / 1.0, dim=-1)
        nxt = torch.multinomial(probs, num_samples=1)
        out.append(nxt)
        logits, state = model(nxt, state)
    return torch.cat(out, dim=1)


@torch.no_grad()
def generate_windowed(model, idx, count):
    # nanoGPT's generate (and makemore's): crop to the context, forward, sample from the last position (no KV cache).
    for _ in range(count):
        idx_cond = idx if idx.size(1) <= model.context else idx[:, -model.context:]
        logits = model(idx_cond, last_only=True)
        probs = F.softmax(logits[:, -1, :] / 1.0, dim=-1)
        idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
    return idx


def generate(s):
    with open(s["data_file"], "rb") as f:
        b, length = read_int64(f, 2)
        prompts = torch.tensor(read_int64(f, b * length), dtype=torch.long).view(b, length)
    torch.manual_seed(s["seed"])
    model = make_model(s)
    model.eval()
    run = generate_recurrent if s["family"] in RECURRENT else generate_windowed
    for _ in range(s["warmup"]):
        run(model, prompts, min(s["generate_tokens"], 50))
    start = time.perf_counter()
    for _ in range(s["steps"]):
        run(model, prompts, s["generate_tokens"])
    seconds = time.perf_counter() - start
    n = s["steps"] * s["generate_tokens"] * b
    return dict(seconds=seconds, tokens=n, positions=n)


def peak(s):
    n = s["matmul_size"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(s["steps"]):
        torch.mm(a, b)
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, gflops=2.0 * n ** 3 * s["steps"] / seconds / 1e9)


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    with open(sys.argv[1]) as f:
        s = json.load(f)
    torch.set_num_threads(s["threads"])
    result = {"train": train, "generate": generate, "peak": peak}[s["task"]](s)
    result.setdefault("tokens", 0)
    result.setdefault("positions", 0)
    result.update(name=s["name"], side="pytorch", threads=torch.get_num_threads(), torch_version=torch.__version__,
                  tokens_per_second=result["tokens"] / result["seconds"] if result["seconds"] > 0 else 0,
                  peak_rss_kb=peak_rss_kb(), note="OPENBLAS_NUM_THREADS=%s" % os.environ.get("OPENBLAS_NUM_THREADS", "unset")
                  if s["task"] == "peak" else "")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
