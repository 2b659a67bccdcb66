using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// A language model on its device, with what training it needs (optimizer, carried recurrent state, last good
/// weights). Token batches come in as int64 spans [batch, steps]; every call runs inside its own dispose scope and reads
/// back only what it returns. Thread-safe: reads share the model, training and writes have it alone.
/// </summary>
internal sealed partial class LanguageModelEngine : IDisposable
{
    private readonly ModelCore _core;
    private volatile bool _disposed;

    private LanguageModelEngine(ModelCore core) => _core = core;

    internal ModelCore Core => _core;

    private ModelSettings Settings => _core.Settings;

    public static LanguageModelEngine Create(in ModelSettings settings, string device)
    {
        TorchRuntime.EnsureLoaded();
        Validate(settings);
        var target = DeviceChoice.Resolve(device);
        try
        {
            LanguageModel net;
            lock (ModelCore.RandomGate)
            {
                // Initialised on the CPU, so that a seed gives the same weights on any device.
                manual_seed((long)settings.Seed);
                net = LanguageModel.Create(settings);
            }
            net.to(target);
            net.eval();
            // The weights live as long as the engine, whatever dispose scope the caller may be in.
            foreach (var (_, p) in net.named_parameters()) p.DetachFromDisposeScope();
            foreach (var (_, b) in net.named_buffers()) b.DetachFromDisposeScope();
            return new LanguageModelEngine(new ModelCore(net, target, settings));
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Creating the model", e);
        }
    }

    public string Device => DeviceChoice.Name(_core.Device);

    public long ParameterCount => WithSharedModel(() => _core.Parameters.Sum(p => p.Parameter.numel()));

    /// <summary>Checks a token buffer (ids in [0, vocab), or the ignore index where allowed) and puts it on the device.</summary>
    private Tensor TokenTensor(ReadOnlySpan<long> tokens, int batch, int steps, string what, bool allowIgnore = false)
    {
        long vocab = Settings.VocabSize, ignore = Settings.IgnoreIndex;
        for (int i = 0; i < tokens.Length; i++)
        {
            long t = tokens[i];
            if ((t < 0 || t >= vocab) && !(allowIgnore && ignore >= 0 && t == ignore))
                throw new ArgumentException($"{what}: token id {t} at row {i / steps}, position {i % steps} is outside the vocabulary [0, {vocab})");
        }
        return tensor(tokens.ToArray(), new long[] { batch, steps }).to(_core.Device);
    }

    private static void CheckBatch(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps)
    {
        if (batch <= 0 || steps <= 0) throw new ArgumentOutOfRangeException(nameof(batch), "Batch and steps must be positive.");
        if (inputs.Length != (long)batch * steps || targets.Length != (long)batch * steps)
            throw new ArgumentException($"inputs and targets must each hold batch x steps = {batch * steps} tokens.");
    }

    /// <summary>Runs <paramref name="body"/> with shared access to a model that is not disposed (generation sessions start here).</summary>
    internal T WithSharedModel<T>(Func<T> body)
    {
        using var access = _core.Read();
        ThrowIfDisposed();
        return body();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void Validate(in ModelSettings c)
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException("model config: " + message);
        }
        Require(c.Family is >= 0 and <= 7,
            $"family must be 0 (rnn_tanh), 1 (rnn_relu), 2 (gru), 3 (lstm), 4 (transformer), 5 (bigram), 6 (mlp) or 7 (wavenet), got {c.Family}");
        Require(c.VocabSize >= 2, $"vocab_size must be >= 2, got {c.VocabSize}");
        Require(c.HiddenSize >= 1, $"hidden_size must be >= 1, got {c.HiddenSize}");
        Require(c.NumLayers >= 1, $"num_layers must be >= 1, got {c.NumLayers}");
        Require(c.Dropout >= 0 && c.Dropout < 1, $"dropout must be in [0, 1), got {c.Dropout}");
        switch (c.ModelFamily)
        {
            case ModelFamily.Transformer:
                Require(c.NumHeads >= 1, $"num_heads must be >= 1, got {c.NumHeads}");
                Require(c.HiddenSize % c.NumHeads == 0, $"num_heads ({c.NumHeads}) must divide hidden_size ({c.HiddenSize})");
                Require(c.Positional is 0 or 1, $"positional must be 0 (learned) or 1 (sinusoidal), got {c.Positional}");
                Require(c.ContextLength >= 1, $"context_length must be >= 1, got {c.ContextLength}");
                Require(c.FfnSize >= 0, $"ffn_size must be >= 0 (0 means 4 x hidden_size), got {c.FfnSize}");
                break;
            case ModelFamily.Bigram:
                Require(c.ContextLength == 1, $"a bigram's context_length is 1, got {c.ContextLength}");
                break;
            case ModelFamily.Mlp:
                Require(c.ContextLength >= 1, $"context_length must be >= 1, got {c.ContextLength}");
                Require(c.EmbeddingSize >= 1, $"embedding_size must be >= 1, got {c.EmbeddingSize}");
                break;
            case ModelFamily.WaveNet:
                Require(WaveNetLanguageModel.WaveNetLevels(c.ContextLength) == c.NumLayers,
                    $"context_length must be 2^num_layers, got {c.ContextLength} for {c.NumLayers} levels");
                Require(c.EmbeddingSize >= 1, $"embedding_size must be >= 1, got {c.EmbeddingSize}");
                break;
            default:
                Require(c.EmbeddingSize >= 0, $"embedding_size must be >= 0 (0 means one-hot input), got {c.EmbeddingSize}");
                if (c.TieWeights != 0)
                    Require(c.EmbeddingSize == c.HiddenSize,
                        $"tie_weights needs embedding_size == hidden_size, got embedding_size {c.EmbeddingSize} and hidden_size {c.HiddenSize}");
                break;
        }
    }

    /// <summary>Frees the model once no generation session uses it any more; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        using (_core.Write())
        {
            if (_disposed) return;
            _disposed = true;
            _optimizer?.Dispose();
            _flat?.Dispose();
            _trainState?.Dispose();
            _evalState?.Dispose();
            DisposeLastGood();
        }
        _core.Release();
    }
}
