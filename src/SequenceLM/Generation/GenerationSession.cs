using System.Runtime.InteropServices;
using Microsoft.ML.SequenceLM.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// The sampling loop for a batch of rows: primed with the prompts, then each <see cref="Next"/> yields the next tokens
/// of every row. Recurrent models carry their state token by token. Transformers keep a key/value cache while every
/// row's window has the same length: each new token then costs one position, not a pass over the whole window. When
/// the window is full it slides by a quarter of the context: the rows keep their last 3/4 * context tokens and the
/// cache is rebuilt from them (every token is sampled with at least 3/4 of the context before it, from a window that
/// starts at position 0, as in training). Rows of different lengths re-read each row's window every step instead,
/// until they reach the context. Fixed-context models (bigram, MLP, WaveNet) re-read the last ContextLength tokens of
/// each row every step: their window is a handful of tokens. A session keeps its model alive (the engine may be
/// disposed first); use one session from one thread at a time; sessions on one model may run in parallel.
/// </summary>
internal sealed class GenerationSession : IDisposable
{
    private readonly ModelCore _core;
    private readonly TokenSampler _sampler;
    private readonly long _vocab;
    private readonly float[] _logits;    // [batch, vocab]: the next-token logits of every row
    private readonly bool[] _finished;
    private long[]? _pending;            // sampled tokens not yet fed to the model
    private RecurrentState? _state;      // recurrent, stepped through libtorch
    private RecurrentCpuStep? _cpuStep;  // recurrent on the CPU: the state lives here instead
    private List<long>[]? _contexts;     // transformer: each row's window
    private readonly KeyValueCache _cache = new(); // transformer: keys/values of the windows when Length > 0
    private TransformerCpuStep? _transformerStep;  // transformer on the CPU: cached positions computed in C#
    private FixedContextCpuStep? _fixedStep;       // bigram, MLP, WaveNet on the CPU: every step in C#
    private bool _disposed;

    public int BatchSize { get; }

    /// <summary>
    /// Up to this many rows, CPU steps run in C# (matrix-vector products, memory-bound); above, through libtorch's matrix
    /// products (measured at 32 rows, load 6: char-LSTM 2x512 2,026 tokens/s in C#, 2,201 through libtorch).
    /// </summary>
    private const int CpuStepMaxBatch = 8;

    private GenerationSession(ModelCore core, int batch, TokenSampler sampler)
    {
        _core = core;
        BatchSize = batch;
        _sampler = sampler;
        _vocab = core.Settings.VocabSize;
        _logits = new float[batch * _vocab];
        _finished = new bool[batch];
    }

    public static GenerationSession Create(LanguageModelEngine model, IReadOnlyList<long[]> prompts, in SamplingSettings sampling,
        ReadOnlySpan<long> bannedTokens)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt row is needed.", nameof(prompts));
        var core = model.Core;
        long vocab = core.Settings.VocabSize;
        var banned = new bool[vocab];
        foreach (var token in bannedTokens)
        {
            if (token < 0 || token >= vocab) throw new ArgumentException($"banned token id {token} is outside the vocabulary [0, {vocab})");
            banned[token] = true;
        }
        if (banned.All(b => b)) throw new ArgumentException("every token of the vocabulary is banned");
        for (int r = 0; r < prompts.Count; r++)
        {
            if (prompts[r].Length == 0) throw new ArgumentException($"Prompt row {r} is empty; a row needs at least one token.");
            for (int i = 0; i < prompts[r].Length; i++)
                if (prompts[r][i] < 0 || prompts[r][i] >= vocab)
                    throw new ArgumentException(
                        $"prompts: token id {prompts[r][i]} at row {r}, position {i} is outside the vocabulary [0, {vocab})");
        }

        var settings = sampling;
        var session = model.WithSharedModel(() =>
        {
            core.AddReference();
            return new GenerationSession(core, prompts.Count, new TokenSampler(settings, banned));
        });
        try
        {
            session.Run("Priming the generator", () =>
            {
                var rows = prompts.Select(p => new List<long>(p)).ToArray();
                if (core.Net is RecurrentLanguageModel) session.PrimeRecurrent(rows);
                else
                {
                    session._transformerStep = core.Net is TransformerLanguageModel && prompts.Count <= CpuStepMaxBatch
                        ? TransformerCpuStep.TryCreate(core) : null;
                    session._fixedStep = prompts.Count <= CpuStepMaxBatch ? FixedContextCpuStep.TryCreate(core) : null;
                    session._contexts = rows;
                    foreach (var row in rows) Trim(row, session.Context);
                    session.RunContexts();
                }
            });
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Samples <paramref name="count"/> tokens per row into <paramref name="tokens"/> (step-major). Rows whose token
    /// equals <paramref name="stopToken"/> (when >= 0) are finished and then repeat it.
    /// </summary>
    public void Next(int count, long stopToken, Span<long> tokens)
    {
        if (count < 0) throw new ArgumentException($"count must be >= 0, got {count}");
        if (tokens.Length != count * BatchSize) throw new ArgumentException("tokens must hold count x batch entries.");
        if (stopToken >= _vocab) throw new ArgumentException($"stop_token {stopToken} is outside the vocabulary [0, {_vocab})");
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int step = 0; step < count; step++)
        {
            var output = tokens.Slice(step * BatchSize, BatchSize);
            if (_finished.All(f => f))
            {
                output.Fill(stopToken);
                continue;
            }
            if (_pending is not null && (_cpuStep is not null || _fixedStep is not null))
            {
                using (_core.Read()) Advance(); // no libtorch call: no scope or inference mode to set up
            }
            else if (_pending is not null) Run("Generating", Advance);
            for (int r = 0; r < BatchSize; r++)
            {
                output[r] = _finished[r] ? stopToken : _sampler.Sample(_logits.AsSpan(r * (int)_vocab, (int)_vocab));
                if (stopToken >= 0 && output[r] == stopToken) _finished[r] = true;
            }
            _pending = output.ToArray();
        }
    }

    public bool IsFinished(int row) => _finished[row];

    private long Context => _core.Settings.ContextLength;

    /// <summary>One model call: shared access, inference mode, and a dispose scope around it.</summary>
    private void Run(string operation, Action body)
    {
        using var access = _core.Read();
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        try
        {
            body();
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate(operation, e);
        }
    }

    private void PrimeRecurrent(List<long>[] prompts)
    {
        var net = (RecurrentLanguageModel)_core.Net;
        Tensor? h = null, c = null;
        foreach (var group in GroupByLength(prompts))
        {
            var (logits, _, state) = net.forward(Stack(prompts, group), null, null);
            StoreLastLogits(logits, group);
            var index = tensor(group.Select(r => (long)r).ToArray()).to(_core.Device);
            h ??= zeros(state.H.size(0), BatchSize, state.H.size(2), state.H.dtype, state.H.device);
            h.index_copy_(1, index, state.H);
            if (state.C is not null)
            {
                c ??= zeros_like(h);
                c.index_copy_(1, index, state.C);
            }
        }
        _state = new RecurrentState(h!, c).Keep();
        _cpuStep = BatchSize <= CpuStepMaxBatch ? RecurrentCpuStep.TryCreate(_core, _state) : null;
        if (_cpuStep is null) return;
        _state.Dispose();
        _state = null;
    }

    /// <summary>Feeds the pending tokens to the model and refreshes the next-token logits.</summary>
    private void Advance()
    {
        var pending = _pending!;
        _pending = null;
        if (_cpuStep is not null)
        {
            _cpuStep.Step(pending, _logits);
            return;
        }
        if (_core.Net is RecurrentLanguageModel net)
        {
            var (logits, state) = net.Step(tensor(pending).to(_core.Device), _state);
            _state!.Dispose();
            _state = state.Keep();
            StoreLogits(logits);
            return;
        }
        bool cached = _cache.Length > 0; // then every row holds exactly _cache.Length tokens
        bool full = false;
        for (int r = 0; r < BatchSize; r++)
        {
            _contexts![r].Add(pending[r]);
            full |= _contexts[r].Count > Context;
        }
        if (cached && !full && _transformerStep is not null)
        {
            _transformerStep.Step(pending, _cache, _logits);
            return;
        }
        if (cached && !full)
        {
            StoreLogits(((TransformerLanguageModel)_core.Net).forward(tensor(pending, new long[] { BatchSize, 1 }).to(_core.Device), _cache));
            return;
        }
        long keep = cached ? Math.Max(1, Context - Context / 4) : Context;
        foreach (var row in _contexts!)
            if (row.Count > keep && (cached || row.Count > Context)) Trim(row, keep);
        RunContexts();
    }

    /// <summary>
    /// Next-token logits of every row from its window; a Transformer builds its key/value cache when the rows allow it,
    /// a fixed-context model (bigram, MLP, WaveNet) reads its last ContextLength tokens each step.
    /// </summary>
    private void RunContexts()
    {
        var rows = _contexts!;
        _cache.Length = 0;
        if (_fixedStep is not null)
        {
            _fixedStep.Step(rows, _logits);
            return;
        }
        if (_core.Net is TransformerLanguageModel transformer && rows.All(r => r.Count == rows[0].Count))
        {
            StoreLogits(transformer.forward(Stack(rows, Enumerable.Range(0, BatchSize).ToArray()), _cache));
            return;
        }
        foreach (var group in GroupByLength(rows))
            StoreLastLogits(_core.Net.forward(Stack(rows, group), null).Logits, group);
    }

    private static void Trim(List<long> row, long keep)
    {
        if (row.Count > keep) row.RemoveRange(0, row.Count - (int)keep);
    }

    /// <summary>Row indices grouped by row length, so that each group runs as one batch.</summary>
    private static IEnumerable<int[]> GroupByLength(List<long>[] rows) =>
        Enumerable.Range(0, rows.Length).GroupBy(r => rows[r].Count).OrderBy(g => g.Key).Select(g => g.ToArray());

    private Tensor Stack(List<long>[] rows, int[] which)
    {
        int length = rows[which[0]].Count;
        var flat = new long[which.Length * length];
        for (int i = 0; i < which.Length; i++) rows[which[i]].CopyTo(flat, i * length);
        return tensor(flat, new long[] { which.Length, length }).to(_core.Device);
    }

    /// <summary>Copies the last position's logits of a group's rows into the [batch, vocab] buffer.</summary>
    private void StoreLastLogits(Tensor logits, int[] which)
    {
        var last = logits.select(1, -1).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        for (int i = 0; i < which.Length; i++)
            Array.Copy(last, i * _vocab, _logits, which[i] * _vocab, _vocab);
    }

    private void StoreLogits(Tensor logits) => // [batch, vocab] of all rows
        logits.to(ScalarType.Float32).cpu().contiguous().data<float>().CopyTo(_logits, 0);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using (_core.Read())
        {
            _state?.Dispose();
            _cache.Dispose();
        }
        _core.Release();
    }
}
