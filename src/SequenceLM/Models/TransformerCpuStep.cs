using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// One new position of a transformer (learned positions) on the CPU in C#, over the parameters' memory and the
/// key/value cache's own tensors: nanoGPT's block (LayerNorm, qkv, causal attention over the cached positions, proj,
/// LayerNorm, fc, GELU, proj; biases where the model has them) row by row, then ln_f and the head. The cache it appends to is the one the
/// libtorch path fills, so the two paths can alternate (a full window pass rebuilds it, this continues from it).
/// </summary>
internal sealed unsafe class TransformerCpuStep
{
    // Biases are null in a model built without them (TransformerOptions.Bias = false).
    private sealed record Layer(Tensor Ln1W, Tensor? Ln1B, Tensor QkvW, Tensor? QkvB, Tensor ProjW, Tensor? ProjB,
        Tensor Ln2W, Tensor? Ln2B, Tensor FcW, Tensor? FcB, Tensor MlpProjW, Tensor? MlpProjB);

    private readonly Layer[] _layers;
    private readonly Tensor _wte, _wpe, _lnFW, _headW;
    private readonly Tensor? _lnFB, _headB;
    private readonly bool _tanhGelu;
    private readonly int _width, _heads, _ffn, _vocab, _context;
    private readonly float[] _x, _normed, _qkv, _attended, _hidden, _scores;

    private TransformerCpuStep(Dictionary<string, Tensor> p, int layers, int heads, int context, bool tanhGelu)
    {
        _layers = Enumerable.Range(0, layers).Select(i =>
        {
            Tensor P(string name) => p[$"blocks.{i}.{name}"];
            Tensor? B(string name) => p.GetValueOrDefault($"blocks.{i}.{name}");
            return new Layer(P("ln1.weight"), B("ln1.bias"), P("attn.qkv.weight"), B("attn.qkv.bias"), P("attn.proj.weight"), B("attn.proj.bias"),
                P("ln2.weight"), B("ln2.bias"), P("mlp.fc.weight"), B("mlp.fc.bias"), P("mlp.proj.weight"), B("mlp.proj.bias"));
        }).ToArray();
        _wte = p["wte.weight"];
        _wpe = p["wpe.weight"];
        _lnFW = p["ln_f.weight"];
        _lnFB = p.GetValueOrDefault("ln_f.bias");
        _headW = p.GetValueOrDefault("head.weight") ?? _wte;
        _headB = p.GetValueOrDefault("head.bias");
        _tanhGelu = tanhGelu;
        _vocab = (int)_wte.size(0);
        _width = (int)_wte.size(1);
        _ffn = (int)_layers[0].FcW.size(0);
        _heads = heads;
        _context = context;
        _x = new float[_width];
        _normed = new float[_width];
        _qkv = new float[3 * _width];
        _attended = new float[_width];
        _hidden = new float[Math.Max(_ffn, _width)];
        _scores = new float[context];
    }

    /// <summary>A stepper for the model, or null where it is not on the CPU in float32 or has no learned positions.</summary>
    public static TransformerCpuStep? TryCreate(ModelCore core)
    {
        var p = core.Parameters.ToDictionary(x => x.Name, x => (Tensor)x.Parameter);
        if (!p.ContainsKey("wpe.weight") || !p.Values.All(TensorMemory.IsReadable)) return null;
        var s = core.Settings;
        return new TransformerCpuStep(p, s.NumLayers, (int)s.NumHeads, (int)s.ContextLength, s.Gelu == (int)GeluApproximation.Tanh);
    }

    /// <summary>
    /// Runs tokens [batch] at position cache.Length, appends their keys and values to the (allocated, float32) cache,
    /// and writes the next-token logits [batch, vocab]. Call under the model's read lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<long> tokens, KeyValueCache cache, Span<float> logits)
    {
        int position = (int)cache.Length;
        fixed (float* x = _x, normed = _normed, qkv = _qkv, attended = _attended, hidden = _hidden, output = logits)
        {
            for (int b = 0; b < tokens.Length; b++)
            {
                float* token = F(_wte) + tokens[b] * _width, place = F(_wpe) + (long)position * _width;
                for (int i = 0; i < _width; i++) x[i] = token[i] + place[i];
                for (int l = 0; l < _layers.Length; l++)
                {
                    var w = _layers[l];
                    VectorMath.LayerNorm(x, F(w.Ln1W), F(w.Ln1B), _width, normed);
                    VectorMath.MatVec(F(w.QkvW), F(w.QkvB), 3 * _width, _width, normed, 1, qkv);
                    Attend(cache.Layers[l], b, position, qkv, attended);
                    VectorMath.MatVec(F(w.ProjW), F(w.ProjB), _width, _width, attended, 1, hidden);
                    for (int i = 0; i < _width; i++) x[i] += hidden[i];
                    VectorMath.LayerNorm(x, F(w.Ln2W), F(w.Ln2B), _width, normed);
                    VectorMath.MatVec(F(w.FcW), F(w.FcB), _ffn, _width, normed, 1, hidden);
                    if (_tanhGelu) VectorMath.GeluTanh(hidden, _ffn);
                    else VectorMath.Gelu(hidden, _ffn);
                    VectorMath.MatVec(F(w.MlpProjW), F(w.MlpProjB), _width, _ffn, hidden, 1, attended);
                    for (int i = 0; i < _width; i++) x[i] += attended[i];
                }
                VectorMath.LayerNorm(x, F(_lnFW), F(_lnFB), _width, normed);
                VectorMath.MatVec(F(_headW), F(_headB), _vocab, _width, normed, 1, output + (long)b * _vocab);
            }
        }
        cache.Length = position + 1;
    }

    /// <summary>Stores row b's key and value at the position, then its queries attend to positions 0 .. position.</summary>
    private void Attend(KeyValueCache.Layer layer, int b, int position, float* qkv, float* y)
    {
        int size = _width / _heads;
        float scale = 1f / MathF.Sqrt(size);
        fixed (float* scores = _scores)
        {
            for (int h = 0; h < _heads; h++)
            {
                long head = ((long)b * _heads + h) * _context * size;
                float* keys = F(layer.Keys) + head, values = F(layer.Values) + head;
                new Span<float>(qkv + _width + h * size, size).CopyTo(new Span<float>(keys + (long)position * size, size));
                new Span<float>(qkv + 2 * _width + h * size, size).CopyTo(new Span<float>(values + (long)position * size, size));
                float* q = qkv + h * size;
                float max = float.NegativeInfinity, total = 0;
                for (int j = 0; j <= position; j++) max = MathF.Max(max, scores[j] = VectorMath.Dot(q, keys + (long)j * size, size) * scale);
                for (int j = 0; j <= position; j++) total += scores[j] = MathF.Exp(scores[j] - max);
                float* yh = y + h * size;
                new Span<float>(yh, size).Clear();
                for (int j = 0; j <= position; j++)
                {
                    float weight = scores[j] / total;
                    float* v = values + (long)j * size;
                    for (int i = 0; i < size; i++) yh[i] += weight * v[i];
                }
            }
        }
    }

    private static float* F(Tensor? t) => t is null ? null : TensorMemory.Floats(t);
}
