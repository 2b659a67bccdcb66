using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Generation steps of a recurrent model on the CPU in C#, over the parameters' own memory: per token and layer two
/// matrix-vector products and the cell formula (<see cref="RecurrentCell"/>), then the head, with the state and every
/// intermediate in preallocated arrays. A libtorch call costs microseconds, and a step through TorchSharp makes dozens
/// of them; at small batches the products themselves are memory-bound, so C# loses nothing there. The input
/// projection of a one-hot model is a column of W_ih, read directly.
/// </summary>
internal sealed unsafe class RecurrentCpuStep
{
    private readonly ModelCore _core;
    private readonly ModelFamily _family;
    private readonly int _layers, _hidden, _gates, _vocab, _embedding, _batch;
    private readonly Tensor[] _weightIh, _weightHh, _biasIh, _biasHh; // per layer
    private readonly Tensor? _table;                                    // embedding [V, E]; null: one-hot input
    private readonly Tensor _headWeight, _headBias;
    private readonly float[] _h, _c;   // [layers, batch, hidden]
    private readonly float[] _gi, _gh; // [batch, gates x hidden]
    private readonly float[] _x;       // [batch, embedding]: embedded tokens

    private RecurrentCpuStep(ModelCore core, Dictionary<string, Tensor> p, RecurrentState state)
    {
        _core = core;
        _family = core.Settings.ModelFamily;
        _gates = _family switch { ModelFamily.Lstm => 4, ModelFamily.Gru => 3, _ => 1 };
        _layers = (int)state.H.size(0);
        _batch = (int)state.H.size(1);
        _hidden = (int)state.H.size(2);
        _vocab = (int)core.Settings.VocabSize;
        _weightIh = Layers("weight_ih");
        _weightHh = Layers("weight_hh");
        _biasIh = Layers("bias_ih");
        _biasHh = Layers("bias_hh");
        _table = p.GetValueOrDefault("embedding.weight");
        _embedding = _table is null ? 0 : (int)_table.size(1);
        _headWeight = p.GetValueOrDefault("head.weight") ?? _table!;
        _headBias = p["head.bias"];
        _h = state.H.contiguous().data<float>().ToArray();
        _c = state.C?.contiguous().data<float>().ToArray() ?? new float[_h.Length];
        _gi = new float[_batch * _gates * _hidden];
        _gh = new float[_gi.Length];
        _x = new float[_batch * Math.Max(_embedding, 1)];

        Tensor[] Layers(string name) => Enumerable.Range(0, _layers).Select(l => p[$"rnn.{name}_l{l}"]).ToArray();
    }

    /// <summary>A stepper continuing from <paramref name="state"/>, or null where the model is not on the CPU in float32.</summary>
    public static RecurrentCpuStep? TryCreate(ModelCore core, RecurrentState state)
    {
        var p = core.Parameters.ToDictionary(x => x.Name, x => (Tensor)x.Parameter);
        bool readable = p.Values.All(TensorMemory.IsReadable) && state.H.dtype == ScalarType.Float32;
        return readable ? new RecurrentCpuStep(core, p, state) : null;
    }

    /// <summary>Feeds one token per row and writes the next-token logits [batch, vocab]. Call under the model's read lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        int gh = _gates * _hidden, rows = _batch * _hidden;
        fixed (float* h = _h, c = _c, gi = _gi, g = _gh, x = _x, output = logits)
        {
            for (int l = 0; l < _layers; l++)
            {
                float* wih = TensorMemory.Floats(_weightIh[l]), bih = TensorMemory.Floats(_biasIh[l]);
                float* hl = h + (long)l * rows;
                if (l > 0) VectorMath.MatVec(wih, bih, gh, _hidden, hl - rows, _batch, gi);
                else if (_table is null) OneHotProjection(wih, bih, tokens, gi);
                else
                {
                    Embed(tokens, x);
                    VectorMath.MatVec(wih, bih, gh, _embedding, x, _batch, gi);
                }
                VectorMath.MatVec(TensorMemory.Floats(_weightHh[l]), TensorMemory.Floats(_biasHh[l]), gh, _hidden, hl, _batch, g);
                for (int b = 0; b < _batch; b++)
                    RecurrentCell.Step(_family, _gi.AsSpan(b * gh, gh), _gh.AsSpan(b * gh, gh),
                        _h.AsSpan(l * rows + b * _hidden, _hidden), _c.AsSpan(l * rows + b * _hidden, _hidden));
            }
            VectorMath.MatVec(TensorMemory.Floats(_headWeight), TensorMemory.Floats(_headBias), _vocab, _hidden,
                h + (long)(_layers - 1) * rows, _batch, output);
        }
    }

    // W_ih [gates x H, V] times a one-hot vector is column `token` of W_ih.
    private void OneHotProjection(float* wih, float* bih, ReadOnlySpan<long> tokens, float* gi)
    {
        int gh = _gates * _hidden;
        for (int b = 0; b < _batch; b++)
        {
            float* column = wih + tokens[b];
            float* row = gi + (long)b * gh;
            for (int j = 0; j < gh; j++) row[j] = column[(long)j * _vocab] + bih[j];
        }
    }

    private void Embed(ReadOnlySpan<long> tokens, float* x)
    {
        float* table = TensorMemory.Floats(_table!);
        for (int b = 0; b < _batch; b++)
            new ReadOnlySpan<float>(table + tokens[b] * _embedding, _embedding).CopyTo(new Span<float>(x + (long)b * _embedding, _embedding));
    }
}
