#!/usr/bin/env python3
"""PyTorch reference for native/tests/benchmark_step.cpp: one training step of a char LSTM 2x512, sequence 100,
batch 128, vocabulary 83 (embedding 64), Adam, clipping at 5. OpenBLAS on one thread, torch on all cores."""
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)
vocab, batch, steps = 83, 128, 100
embedding, lstm, head = nn.Embedding(vocab, 64), nn.LSTM(64, 512, 2, batch_first=True), nn.Linear(512, vocab)
parameters = [*embedding.parameters(), *lstm.parameters(), *head.parameters()]
optimizer = torch.optim.Adam(parameters, lr=2e-3)
x, y = torch.randint(0, vocab, (batch, steps)), torch.randint(0, vocab, (batch, steps))
times = []
for i in range(7):
    start = time.perf_counter()
    optimizer.zero_grad()
    output, _ = lstm(embedding(x))
    loss = F.cross_entropy(head(output).flatten(0, 1), y.flatten())
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, 5.0)
    optimizer.step()
    loss.item()
    times.append(time.perf_counter() - start)
    print(f"step {i}: {times[-1]:.3f} s (loss {loss.item():.3f})")
print(f"pytorch: {sum(times[2:]) / 5:.3f} s per step (mean of 5 after 2 warm-up), {torch.get_num_threads()} threads")
