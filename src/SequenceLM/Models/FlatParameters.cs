using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Every parameter of a model as a view into one flat weight buffer, and its gradient as a view into one flat gradient
/// buffer, so that a training step's per-parameter work (zeroing, the gradient norm, clipping, the optimizer update,
/// keeping the last good weights) is one libtorch call over the buffer instead of one per parameter: a small model's
/// step would otherwise spend much of its time crossing into libtorch. Backward accumulates into the gradient views in
/// place, as long as they stay defined: zero them, never set them to null. Matrices and embeddings (the parameters that
/// weight decay applies to) come first in the buffers, so that they are one segment, <c>[0, DecayedLength)</c>.
/// </summary>
internal sealed class FlatParameters : IDisposable
{
    public FlatParameters(IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        Parameters = parameters;
        var first = parameters.Count > 0 ? parameters[0].Parameter : throw new ArgumentException("a model without parameters cannot be trained");
        var ordered = parameters.OrderBy(p => p.Parameter.dim() >= 2 ? 0 : 1).ToArray(); // stable: named order within each segment
        long total = ordered.Sum(p => p.Parameter.numel());
        using var _ = no_grad();
        using var scope = NewDisposeScope(); // frees the intermediate narrows now: each would hold a whole buffer until finalised
        Weights = empty(total, first.dtype, first.device).DetachFromDisposeScope();
        Gradients = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        long offset = 0;
        foreach (var (name, p) in ordered)
        {
            if (p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index)
                throw new ArgumentException($"parameter '{name}' is {p.dtype} on {p.device}; the others are {first.dtype} on {first.device}");
            long n = p.numel();
            if (p.dim() >= 2) DecayedLength = offset + n;
            using var weights = Weights.narrow(0, offset, n).view(p.shape);
            weights.copy_(p);
            p.set_(weights);
            using var gradient = Gradients.narrow(0, offset, n).view(p.shape);
            p.grad = gradient;
            Offsets[name] = offset;
            offset += n;
        }
    }

    /// <summary>named_parameters() in order, each now a view into <see cref="Weights"/>.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    public Tensor Weights { get; }

    public Tensor Gradients { get; }

    /// <summary>The values of the matrices and embeddings, which lead both buffers.</summary>
    public long DecayedLength { get; }

    /// <summary>Where each parameter starts in the buffers, by name.</summary>
    public Dictionary<string, long> Offsets { get; } = new(StringComparer.Ordinal);

    /// <summary>A buffer shaped like <see cref="Weights"/> (optimizer state), and a view of it per parameter, named <paramref name="prefix"/> + parameter name.</summary>
    public (Tensor Buffer, (string Name, Tensor View)[] Views) ZerosLike(string prefix)
    {
        using var scope = NewDisposeScope();
        var buffer = zeros_like(Weights).DetachFromDisposeScope();
        var views = Parameters.Select(p => (prefix + p.Name, buffer.narrow(0, Offsets[p.Name], p.Parameter.numel()).view(p.Parameter.shape)
            .DetachFromDisposeScope())).ToArray();
        return (buffer, views);
    }

    public void Dispose()
    {
        Weights.Dispose();
        Gradients.Dispose();
    }
}
