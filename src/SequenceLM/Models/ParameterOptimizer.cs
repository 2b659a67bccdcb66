using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// SGD (with momentum), Adam and AdamW written out with in-place tensor operations over the flat parameter and gradient
/// buffers (<see cref="FlatParameters"/>), following torch.optim's formulas. Their state is flat too, and seen per
/// parameter as named views (exp_avg.NAME and exp_avg_sq.NAME, or momentum.NAME) that checkpoints save and a resumed
/// run writes back. Weight decay applies to matrices and embeddings only (parameters of two or more dimensions,
/// as nanoGPT's parameter groups do) unless <see cref="OptimizerSettings.DecayAll"/> is set.
/// </summary>
internal sealed class ParameterOptimizer : IDisposable
{
    private OptimizerSettings _settings;
    private readonly List<Tensor> _buffers = new();                        // flat, shaped like FlatParameters.Weights
    private readonly List<(string Name, Tensor Tensor)> _state = new();    // their views per parameter, for checkpoints

    public ParameterOptimizer(in OptimizerSettings settings)
    {
        Validate(settings);
        _settings = settings;
    }

    public long Steps { get; set; }

    public IReadOnlyList<(string Name, Tensor Tensor)> State => _state;

    /// <summary>The same optimizer type keeps its state and step count; another type starts both afresh.</summary>
    public void Configure(in OptimizerSettings settings)
    {
        Validate(settings);
        if (settings.Type != _settings.Type)
        {
            Dispose();
            Steps = 0;
        }
        _settings = settings;
    }

    /// <summary>Creates the zero state (also before a resumed run writes the saved one): flat buffers, named per parameter.</summary>
    public void EnsureState(FlatParameters flat)
    {
        string[] prefixes = _settings.Type == 0 ? (_settings.Momentum > 0 ? new[] { "momentum." } : Array.Empty<string>())
                                                : new[] { "exp_avg.", "exp_avg_sq." };
        if (_buffers.Count == prefixes.Length) return;
        Dispose();
        using var _ = no_grad();
        foreach (var prefix in prefixes)
        {
            var (buffer, views) = flat.ZerosLike(prefix);
            _buffers.Add(buffer);
            _state.AddRange(views);
        }
    }

    /// <summary>One update of every parameter from its gradient, over the flat buffers: a handful of libtorch calls per step.</summary>
    public void Step(FlatParameters flat, double lr)
    {
        using var _ = no_grad();
        EnsureState(flat);
        Steps++;
        Tensor p = flat.Weights, grad = flat.Gradients;
        long decayed = _settings.DecayAll ? p.numel() : flat.DecayedLength;
        double wd = decayed > 0 ? _settings.WeightDecay : 0;
        if (wd != 0 && _settings.Type != 2) grad = grad.clone(); // L2 regularisation adds to a copy: the gradients stay as backward left them
        if (_settings.Type == 0)
        {
            if (wd != 0) grad.narrow(0, 0, decayed).add_(p.narrow(0, 0, decayed), wd);
            if (_settings.Momentum > 0)
            {
                // torch.optim.SGD starts the buffer as a copy of the first gradient; a zero buffer gives the same result.
                grad = _buffers[0].mul_(_settings.Momentum).add_(grad);
            }
            p.add_(grad, -lr);
            return;
        }
        if (wd != 0)
        {
            if (_settings.Type == 2) p.narrow(0, 0, decayed).mul_(1 - lr * wd);
            else grad.narrow(0, 0, decayed).add_(p.narrow(0, 0, decayed), wd);
        }
        Tensor expAvg = _buffers[0], expAvgSq = _buffers[1];
        double beta1 = _settings.Beta1, beta2 = _settings.Beta2;
        double biasCorrection1 = 1 - Math.Pow(beta1, Steps);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, Steps));
        expAvg.mul_(beta1).add_(grad, 1 - beta1);
        expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
        var denominator = expAvgSq.sqrt().div_(biasCorrection2Sqrt).add_(_settings.Eps);
        p.addcdiv_(expAvg, denominator, -lr / biasCorrection1);
    }

    private static void Validate(in OptimizerSettings c)
    {
        if (c.Type is < 0 or > 2)
            throw new ArgumentException($"optimizer type must be 0 (SGD), 1 (Adam) or 2 (AdamW), got {c.Type}");
        if (!(c.WeightDecay >= 0) || !float.IsFinite(c.WeightDecay)) throw new ArgumentException("optimizer weight_decay must be >= 0");
        if (c.Type == 0)
        {
            if (!(c.Momentum >= 0 && c.Momentum < 1)) throw new ArgumentException("optimizer momentum must be in [0, 1)");
            return;
        }
        if (!(c.Beta1 >= 0 && c.Beta1 < 1)) throw new ArgumentException("optimizer beta1 must be in [0, 1)");
        if (!(c.Beta2 >= 0 && c.Beta2 < 1)) throw new ArgumentException("optimizer beta2 must be in [0, 1)");
        if (!(c.Eps > 0) || !float.IsFinite(c.Eps)) throw new ArgumentException("optimizer eps must be > 0");
    }

    public void Dispose()
    {
        foreach (var (_, t) in _state) t.Dispose();
        foreach (var t in _buffers) t.Dispose();
        _state.Clear();
        _buffers.Clear();
    }
}
