using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>The global L2 norm of the gradients, and clipping to a maximum norm (torch.nn.utils.clip_grad_norm_).</summary>
internal static class GradientNorm
{
    private const long Row = 4096;

    /// <summary>
    /// The norm over every gradient, as a float scalar tensor (no read-back). Float norms of 4096-value rows, combined
    /// in double: one float reduction over millions of values drifts by 1e-4 relative, a double copy costs a copy.
    /// </summary>
    public static Tensor Total(IEnumerable<Tensor> gradients)
    {
        Tensor? squares = null;
        foreach (var g in gradients)
        {
            var flat = g.reshape(-1);
            long n = flat.numel(), full = n / Row * Row;
            if (full > 0) Add(flat.narrow(0, 0, full).view(-1, Row).norm(1, false, 2).to(ScalarType.Float64).square().sum());
            if (n > full) Add(flat.narrow(0, full, n - full).norm().to(ScalarType.Float64).square());
        }
        return (squares ?? zeros(1, ScalarType.Float64).sum()).sqrt().to(ScalarType.Float32);

        void Add(Tensor value) => squares = squares is null ? value : squares + value;
    }

    /// <summary>Scales every gradient by min(1, maxNorm / (total + 1e-6)), without reading the norm back.</summary>
    public static void Clip(IEnumerable<Tensor> gradients, Tensor total, double maxNorm)
    {
        var coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clamp_max(1.0);
        foreach (var g in gradients) g.mul_(coefficient);
    }
}
