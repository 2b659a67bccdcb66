#!/usr/bin/env python3
"""Checks a SequenceLM model against an equivalent PyTorch module holding the same weights.

Usage: verify_against_pytorch.py FOLDER [FOLDER ...]   (each FOLDER, or each sub-folder of it, holds one case)

A case folder holds:
  config.json          the slm_model_config fields (family as "rnn_tanh", "rnn_relu", "gru", "lstm", "transformer",
                       "bigram", "mlp", "wavenet")
  weights.safetensors  the parameters (and batch norm's running statistics) under PyTorch names
  inputs.json          int lists [B][T];  targets.json likewise
  logits.bin           float32 [B, T, V] from slm_forward_logits
  loss.json            optional: {"first_step_loss", "lr", "optimizer", "clip_norm", ...} of the first training step(s)
  weights_after.safetensors   optional: the state after loss.json's "steps" training steps on the same batch
  hidden_gradient_norms.json  optional (recurrent): LanguageModelEngine.HiddenGradientNorms on the same batch

Prints the maximum relative errors; exits 1 when one is above the tolerance (1e-4).
Runs with OpenBLAS pinned to one thread and torch on all cores, like our engine's intra-op threads: with the same thread count
the results are usually bit-identical, while a different count changes reduction orders, which Adam amplifies for
parameters whose gradients are nearly zero (about 1e-3 relative after two steps). SLM_VERIFY_THREADS overrides it.
"""
import json
import math
import os
import struct
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy and torch load OpenBLAS

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TOLERANCE = 1e-4
DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, tensor in tensors.items():
        blob = tensor.detach().cpu().float().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)


class Head(nn.Module):
    """head.weight [V, H] (absent when tied) and head.bias [V] (absent without biases)."""

    def __init__(self, hidden, vocab, tied, bias=True):
        super().__init__()
        self.weight = None if tied else nn.Parameter(torch.empty(vocab, hidden))
        self.bias = nn.Parameter(torch.empty(vocab)) if bias else None

    def forward(self, x, tied_weight):
        return F.linear(x, tied_weight if self.weight is None else self.weight, self.bias)


class RecurrentModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        vocab, hidden, layers = c["vocab_size"], c["hidden_size"], c["num_layers"]
        self.vocab = vocab
        self.embedding = nn.Embedding(vocab, c["embedding_size"]) if c["embedding_size"] > 0 else None
        size = c["embedding_size"] if self.embedding is not None else vocab
        between = c["dropout"] if layers > 1 else 0.0
        family = c["family"]
        if family in ("rnn_tanh", "rnn_relu"):
            self.rnn = nn.RNN(size, hidden, layers, nonlinearity=family[4:], dropout=between, batch_first=True)
        elif family == "gru":
            self.rnn = nn.GRU(size, hidden, layers, dropout=between, batch_first=True)
        else:
            self.rnn = nn.LSTM(size, hidden, layers, dropout=between, batch_first=True)
        self.dropout = nn.Dropout(c["dropout"])
        self.head = Head(hidden, vocab, bool(c["tie_weights"]))

    def forward(self, tokens):
        if self.embedding is not None:
            x = self.dropout(self.embedding(tokens))
        else:
            x = F.one_hot(tokens, self.vocab).float()
        output, _ = self.rnn(x)
        return self.head(self.dropout(output), self.embedding.weight if self.embedding is not None else None)


def sinusoids(length, width):
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency[: width // 2])
    return table


class Norm(nn.Module):
    """LayerNorm with an optional bias (nanoGPT's; torch 1.13's nn.LayerNorm always has one)."""

    def __init__(self, width, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.bias = nn.Parameter(torch.zeros(width)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class Attention(nn.Module):
    def __init__(self, width, heads, dropout, bias):
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.qkv = nn.Linear(width, 3 * width, bias=bias)
        self.proj = nn.Linear(width, width, bias=bias)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in self.qkv(x).split(C, dim=2))
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.heads))
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        weights = F.dropout(scores.masked_fill(future, float("-inf")).softmax(-1), self.dropout, self.training)
        return self.proj((weights @ v).transpose(1, 2).contiguous().view(B, T, C))


class Mlp(nn.Module):
    def __init__(self, width, ffn, bias, gelu):
        super().__init__()
        self.fc = nn.Linear(width, ffn, bias=bias)
        self.proj = nn.Linear(ffn, width, bias=bias)
        self.gelu = gelu

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x), approximate=self.gelu))


class Block(nn.Module):
    def __init__(self, width, heads, ffn, dropout, bias, gelu):
        super().__init__()
        self.ln1 = Norm(width, bias)
        self.attn = Attention(width, heads, dropout, bias)
        self.ln2 = Norm(width, bias)
        self.mlp = Mlp(width, ffn, bias, gelu)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.dropout(self.attn(self.ln1(x)))
        return x + self.dropout(self.mlp(self.ln2(x)))


class TransformerModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        width, context = c["hidden_size"], c["context_length"]
        ffn = c["ffn_size"] or 4 * width
        self.wte = nn.Embedding(c["vocab_size"], width)
        self.sinusoidal = c["positional"] == 1
        if self.sinusoidal:
            self.register_buffer("position_table", sinusoids(context, width), persistent=False)
            self.token_scale = math.sqrt(width)
        else:
            self.wpe = nn.Embedding(context, width)
        self.dropout = nn.Dropout(c["dropout"])
        bias, gelu = bool(c.get("bias", 1)), c.get("gelu", "none")
        self.blocks = nn.ModuleList(Block(width, c["num_heads"], ffn, c["dropout"], bias, gelu) for _ in range(c["num_layers"]))
        self.ln_f = Norm(width, bias)
        self.head = Head(width, c["vocab_size"], bool(c["tie_weights"]), bias)

    def forward(self, tokens):
        T = tokens.shape[1]
        if self.sinusoidal:
            x = self.wte(tokens) * self.token_scale + self.position_table[:T]
        else:
            x = self.wte(tokens) + self.wpe(torch.arange(T))
        x = self.dropout(x)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x), self.wte.weight)


def context_windows(embedded, context):
    """[B, T, E] -> [B, T, C, E]: at each position the embeddings of the C tokens ending there, zeros before the start."""
    return F.pad(embedded, (0, 0, context - 1, 0)).unfold(1, context, 1).permute(0, 1, 3, 2)


class BigramModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.table = nn.Embedding(c["vocab_size"], c["vocab_size"])
        nn.init.zeros_(self.table.weight)  # uniform predictions at the start, as makemore's Bigram

    def forward(self, tokens):
        return self.table(tokens)


class EmbeddedContextModel(nn.Module):
    """wte -> context windows -> the family's hidden vector -> dropout -> head (MLP and WaveNet)."""

    def __init__(self, c):
        super().__init__()
        self.context = c["context_length"]
        self.wte = nn.Embedding(c["vocab_size"], c["embedding_size"])
        self.dropout = nn.Dropout(c["dropout"])
        self.head = Head(c["hidden_size"], c["vocab_size"], False)
        nn.init.kaiming_uniform_(self.head.weight, math.sqrt(5))  # nn.Linear's initialisation, scaled by 0.1 (makemore)
        nn.init.uniform_(self.head.bias, -1 / math.sqrt(c["hidden_size"]), 1 / math.sqrt(c["hidden_size"]))
        with torch.no_grad():
            self.head.weight.mul_(0.1)

    def forward(self, tokens):
        return self.head(self.dropout(self.hidden_vectors(context_windows(self.wte(tokens), self.context))), None)


class MlpModel(EmbeddedContextModel):
    def __init__(self, c):
        super().__init__(c)
        width, context = c["hidden_size"], c["context_length"]
        self.hidden = nn.ModuleList(
            nn.Linear(context * c["embedding_size"] if i == 0 else width, width) for i in range(c["num_layers"]))

    def hidden_vectors(self, windows):
        x = windows.flatten(2)
        for layer in self.hidden:
            x = torch.tanh(layer(x))
        return x


class BatchNorm(nn.Module):
    """nn.BatchNorm1d without num_batches_tracked (unused with momentum 0.1)."""

    def __init__(self, features):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(features))
        self.bias = nn.Parameter(torch.zeros(features))
        self.register_buffer("running_mean", torch.zeros(features))
        self.register_buffer("running_var", torch.ones(features))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, self.training, 0.1, 1e-5)


class WaveNetLevel(nn.Module):
    """FlattenConsecutive(2) -> linear without bias -> batch norm over all rows and positions -> tanh."""

    def __init__(self, inputs, width):
        super().__init__()
        self.fuse = nn.Linear(inputs, width, bias=False)
        self.norm = BatchNorm(width)

    def forward(self, x):
        n, pairs = x.shape[0], x.shape[1] // 2
        x = self.fuse(x.reshape(n, pairs, -1))
        return torch.tanh(self.norm(x.reshape(n * pairs, -1)).reshape(n, pairs, -1))


class WaveNetModel(EmbeddedContextModel):
    def __init__(self, c):
        super().__init__(c)
        embedding, width = c["embedding_size"], c["hidden_size"]
        self.levels = nn.ModuleList(WaveNetLevel(2 * (embedding if i == 0 else width), width) for i in range(c["num_layers"]))

    def hidden_vectors(self, windows):
        B, T = windows.shape[:2]
        x = windows.flatten(0, 1)
        for level in self.levels:
            x = level(x)
        return x.reshape(B, T, -1)


def build_model(config):
    return {"transformer": TransformerModel, "bigram": BigramModel, "mlp": MlpModel, "wavenet": WaveNetModel}.get(
        config["family"], RecurrentModel)(config)


def max_relative_error(actual, expected):
    """max |a - e| / max(|e|, 1e-3)-style error, relative to the scale of the expected values."""
    actual, expected = actual.double(), expected.double()
    scale = expected.abs().clamp_min(1e-3 * expected.abs().max().item() + 1e-12)
    return ((actual - expected).abs() / scale).max().item()


def norm_relative_error(actual, expected):
    """||a - e|| / ||e|| over a whole tensor. Used for weights after optimizer steps: some gradients are zero in exact
    arithmetic (an attention key bias cannot change the softmax), so both sides hold only rounding noise there, which
    Adam scales up to +-lr updates of arbitrary sign; an element-wise comparison of those entries measures noise."""
    actual, expected = actual.double(), expected.double()
    return ((actual - expected).norm() / expected.norm().clamp_min(1e-12)).item()


def comparable(name, actual, expected):
    """The parts of a parameter whose values after optimizer steps can be compared. The key third of an attention
    layer's qkv bias gets a zero gradient in exact arithmetic (adding one vector to every key adds the same q.b to all
    of a query's scores, which the softmax ignores), so after Adam it holds +-lr steps of rounding noise's sign on
    both sides; with zero-initialised biases that is the whole tensor's value."""
    if name.endswith("attn.qkv.bias"):
        width = expected.numel() // 3
        keep = torch.cat([torch.arange(width), torch.arange(2 * width, 3 * width)])
        return actual[keep], expected[keep]
    return actual, expected


def hidden_gradient_norms(model, config, inputs, targets):
    """||d(mean loss at the last step) / d(top-layer hidden state at step t)||, via the fused module run step by step
    with the top layer's state fed back explicitly."""
    x = model.embedding(inputs) if model.embedding is not None else F.one_hot(inputs, model.vocab).float()
    state, tops = None, []
    for t in range(inputs.shape[1]):
        _, state = model.rnn(x[:, t:t + 1], state)
        h = state[0] if isinstance(state, tuple) else state
        top = h[-1]
        h = torch.cat([h[:-1], top.unsqueeze(0)])
        state = (h, state[1]) if isinstance(state, tuple) else h
        tops.append(top)
    ignore = config["ignore_index"] if config["ignore_index"] >= 0 else -100
    loss = F.cross_entropy(model.head(tops[-1], model.embedding.weight if model.embedding is not None else None),
                           targets[:, -1], ignore_index=ignore)
    return torch.stack([g.norm() for g in torch.autograd.grad(loss, tops)]).double()


def make_optimizer(model, info):
    """torch.optim with nanoGPT's two parameter groups: matrices and embeddings decay, biases and norm gains do not
    (unless the case says decay_all)."""
    kind, lr, wd = info["optimizer"], info["lr"], info.get("weight_decay", 0.0)
    if info.get("decay_all", False):
        parameters = model.parameters()
    else:
        parameters = [{"params": [p for p in model.parameters() if p.dim() >= 2], "weight_decay": wd},
                      {"params": [p for p in model.parameters() if p.dim() < 2], "weight_decay": 0.0}]
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=info.get("momentum", 0.0), weight_decay=wd)
    betas = (info.get("beta1", 0.9), info.get("beta2", 0.999))
    optimizer = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
    return optimizer(parameters, lr=lr, betas=betas, eps=info.get("eps", 1e-8), weight_decay=wd)


def verify(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "inputs.json")) as f:
        inputs = torch.tensor(json.load(f), dtype=torch.long)
    with open(os.path.join(folder, "targets.json")) as f:
        targets = torch.tensor(json.load(f), dtype=torch.long)
    expected = torch.from_numpy(np.fromfile(os.path.join(folder, "logits.bin"), dtype=np.float32))
    torch.manual_seed(0)
    model = build_model(config)
    model.load_state_dict(read_safetensors(os.path.join(folder, "weights.safetensors")), strict=True)
    model.eval()
    with torch.no_grad():
        logits = model(inputs)
    errors = {"logits": max_relative_error(expected.view_as(logits), logits)}

    norms_path = os.path.join(folder, "hidden_gradient_norms.json")
    if os.path.exists(norms_path):
        with open(norms_path) as f:
            norms = torch.tensor(json.load(f), dtype=torch.float64)
        errors["hidden gradient norms"] = max_relative_error(norms, hidden_gradient_norms(model, config, inputs, targets))

    loss_path = os.path.join(folder, "loss.json")
    if os.path.exists(loss_path):
        with open(loss_path) as f:
            info = json.load(f)
        if config["dropout"] > 0:
            print(f"  note: dropout {config['dropout']} > 0, training-step numbers are not comparable")
        model.train()
        optimizer = make_optimizer(model, info)
        ignore = config["ignore_index"] if config["ignore_index"] >= 0 else -100
        for step in range(info.get("steps", 1)):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(inputs).flatten(0, 1), targets.flatten(), ignore_index=ignore)
            loss.backward()
            clip = info.get("clip_norm", 0.0)
            norm = (torch.nn.utils.clip_grad_norm_(model.parameters(), clip) if clip > 0 else
                    torch.norm(torch.stack([p.grad.norm() for p in model.parameters()])))
            name = "first" if step == 0 else "second"
            if f"{name}_step_loss" in info:
                errors[f"{name} step loss"] = abs(loss.item() - info[f"{name}_step_loss"]) / abs(loss.item())
            if step == 0 and "first_grad_norm" in info:
                errors["first grad norm"] = abs(norm.item() - info["first_grad_norm"]) / abs(norm.item())
            optimizer.step()
        after_path = os.path.join(folder, "weights_after.safetensors")
        if os.path.exists(after_path):
            after = read_safetensors(after_path)
            errors[f"weights after {info.get('steps', 1)} {info['optimizer']} steps"] = max(
                norm_relative_error(*comparable(name, after[name], p.detach())) for name, p in model.state_dict().items())
    ok = all(e < TOLERANCE for e in errors.values())
    print(f"{'ok  ' if ok else 'FAIL'} {folder} ({config['family']}): " +
          ", ".join(f"{k} {v:.2e}" for k, v in errors.items()))
    return ok


def case_folders(path):
    if os.path.exists(os.path.join(path, "config.json")):
        return [path]
    return sorted(os.path.join(path, d) for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)))


def main(arguments):
    if not arguments:
        print(__doc__)
        return 2
    torch.set_num_threads(int(os.environ.get("SLM_VERIFY_THREADS", os.cpu_count())))
    folders = [f for a in arguments for f in case_folders(a)]
    results = [verify(f) for f in folders]
    print(f"{sum(results)}/{len(results)} cases within {TOLERANCE:g}")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
