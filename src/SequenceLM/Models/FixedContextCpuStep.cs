using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Generation steps of the fixed-context rungs of the ladder (Bigram, MLP, WaveNet) on the CPU in C#, over the
/// model's own memory: each row's last ContextLength tokens to its next-token logits, as the model's last position
/// computes them in evaluation (zero embeddings before the start of a row, dropout off, batch norm on its running
/// statistics). A pass through TorchSharp costs dozens of libtorch calls of microseconds each for a few thousand
/// multiply-adds; here a step is a handful of matrix-vector products in preallocated arrays.
/// </summary>
internal sealed unsafe class FixedContextCpuStep
{
    private const float BatchNormEps = 1e-5f; // BatchNorm's eps

    private readonly ModelFamily _family;
    private readonly int _context, _vocab, _embedding, _hidden;
    private readonly Tensor? _table, _wte;                      // bigram table [V, V]; embeddings [V, E]
    private readonly Tensor[] _weights, _biases;                // MLP: hidden.N; WaveNet: levels.N.fuse (no bias)
    private readonly Tensor[] _gains, _shifts, _means, _variances; // WaveNet: levels.N.norm
    private readonly Tensor? _headWeight, _headBias;
    private readonly float[] _x, _y;            // one row's activations, ping-ponged between layers

    private FixedContextCpuStep(ModelCore core, Dictionary<string, Tensor> p)
    {
        var s = core.Settings;
        _family = s.ModelFamily;
        _context = (int)s.ContextLength;
        _vocab = (int)s.VocabSize;
        _embedding = (int)s.EmbeddingSize;
        _hidden = (int)s.HiddenSize;
        int layers = _family switch
        {
            ModelFamily.WaveNet => WaveNetLanguageModel.WaveNetLevels(s.ContextLength),
            ModelFamily.Mlp => s.NumLayers,
            _ => 0,
        };
        string prefix = _family == ModelFamily.WaveNet ? "levels" : "hidden";
        Tensor[] Each(string name) => Enumerable.Range(0, layers).Select(l => p[$"{prefix}.{l}.{name}"]).ToArray();
        _table = p.GetValueOrDefault("table.weight");
        _wte = p.GetValueOrDefault("wte.weight");
        _headWeight = p.GetValueOrDefault("head.weight");
        _headBias = p.GetValueOrDefault("head.bias");
        bool wavenet = _family == ModelFamily.WaveNet;
        _weights = Each(wavenet ? "fuse.weight" : "weight");
        _biases = wavenet ? [] : Each("bias");
        _gains = wavenet ? Each("norm.weight") : [];
        _shifts = wavenet ? Each("norm.bias") : [];
        _means = wavenet ? Each("norm.running_mean") : [];
        _variances = wavenet ? Each("norm.running_var") : [];
        int widest = Math.Max(_context * Math.Max(_embedding, 1), _context * _hidden);
        _x = new float[widest];
        _y = new float[widest];
    }

    /// <summary>A stepper for a Bigram, MLP or WaveNet model on the CPU in float32, else null.</summary>
    public static FixedContextCpuStep? TryCreate(ModelCore core)
    {
        if (core.Net is not FixedContextLanguageModel) return null;
        var p = core.State.ToDictionary(x => x.Name, x => x.Tensor);
        return p.Values.All(TensorMemory.IsReadable) ? new FixedContextCpuStep(core, p) : null;
    }

    /// <summary>Writes the next-token logits [rows, vocab] of each row's context. Call under the model's read lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(IReadOnlyList<List<long>> rows, Span<float> logits)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var output = logits.Slice(r * _vocab, _vocab);
            if (_family == ModelFamily.Bigram)
            {
                new ReadOnlySpan<float>(F(_table) + row[^1] * _vocab, _vocab).CopyTo(output);
                continue;
            }
            fixed (float* x = _x, y = _y, o = output)
            {
                float* h = _family == ModelFamily.WaveNet ? WaveNet(row, x, y) : Mlp(row, x, y);
                VectorMath.MatVec(F(_headWeight), F(_headBias), _vocab, _hidden, h, 1, o);
            }
        }
    }

    // The last C embeddings, oldest first, zeros for positions before the start of the row: [C, E] in x.
    private void Embed(List<long> row, float* x)
    {
        float* table = F(_wte);
        int missing = Math.Max(0, _context - row.Count);
        new Span<float>(x, missing * _embedding).Clear();
        for (int i = missing; i < _context; i++)
            new ReadOnlySpan<float>(table + row[row.Count - _context + i] * _embedding, _embedding)
                .CopyTo(new Span<float>(x + (long)i * _embedding, _embedding));
    }

    private float* Mlp(List<long> row, float* x, float* y)
    {
        Embed(row, x);
        int width = _context * _embedding;
        for (int l = 0; l < _weights.Length; l++)
        {
            VectorMath.MatVec(F(_weights[l]), F(_biases[l]), _hidden, width, x, 1, y);
            TensorPrimitives.Tanh(new ReadOnlySpan<float>(y, _hidden), new Span<float>(y, _hidden));
            var next = y;
            y = x;
            x = next;
            width = _hidden;
        }
        return x;
    }

    // Each level fuses consecutive pairs: [n, D] read as [n / 2, 2D], times fuse.weight [H, 2D], batch norm, tanh.
    private float* WaveNet(List<long> row, float* x, float* y)
    {
        Embed(row, x);
        int n = _context, width = _embedding;
        for (int l = 0; l < _weights.Length; l++)
        {
            n /= 2;
            width *= 2;
            VectorMath.MatVec(F(_weights[l]), null, _hidden, width, x, n, y);
            float* gain = F(_gains[l]), shift = F(_shifts[l]), mean = F(_means[l]), variance = F(_variances[l]);
            for (int i = 0; i < n; i++)
            {
                float* v = y + (long)i * _hidden;
                for (int j = 0; j < _hidden; j++)
                    v[j] = MathF.Tanh((v[j] - mean[j]) / MathF.Sqrt(variance[j] + BatchNormEps) * gain[j] + shift[j]);
            }
            var next = y;
            y = x;
            x = next;
            width = _hidden;
        }
        return x;
    }

    private static float* F(Tensor? t) => t is null ? null : TensorMemory.Floats(t);
}
