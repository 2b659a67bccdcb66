using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Keys and values of every transformer layer for the positions seen so far (generation): per layer [B, heads,
/// context, head size], filled up to <see cref="Length"/>.
/// </summary>
internal sealed class KeyValueCache : IDisposable
{
    public sealed record Layer(Tensor Keys, Tensor Values);

    private readonly List<Layer> _layers = new();

    public long Length { get; set; }
    public long Batch => _layers.Count == 0 ? 0 : _layers[0].Keys.size(0);
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Empties the cache and allocates it for <paramref name="batch"/> rows (outside any dispose scope).</summary>
    public void Reset(long batch, int layers, long heads, long context, long headSize, Tensor like)
    {
        Dispose();
        for (int i = 0; i < layers; i++)
            _layers.Add(new Layer(Allocate(), Allocate()));
        Tensor Allocate() => empty(new[] { batch, heads, context, headSize }, like.dtype, like.device).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Keys.Dispose();
            layer.Values.Dispose();
        }
        _layers.Clear();
        Length = 0;
    }
}
