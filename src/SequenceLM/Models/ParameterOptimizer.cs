using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// SGD (with momentum), Adam and AdamW written out with in-place tensor operations, following torch.optim's formulas,
/// with their state as named tensors (exp_avg.NAME and exp_avg_sq.NAME, or momentum.NAME) that checkpoints save and a
/// resumed run writes back. Weight decay applies to matrices and embeddings only (parameters of two or more dimensions,
/// as nanoGPT's parameter groups do) unless <see cref="OptimizerSettings.DecayAll"/> is set.
/// </summary>
internal sealed class ParameterOptimizer : IDisposable
{
    private OptimizerSettings _settings;
    private readonly List<(string Name, Tensor Tensor)> _state = new();

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

    /// <summary>Creates the zero state tensors (also before a resumed run writes the saved ones).</summary>
    public void EnsureState(IReadOnlyList<(string Name, Parameter Parameter)> parameters)
    {
        string[] prefixes = _settings.Type == 0 ? (_settings.Momentum > 0 ? new[] { "momentum." } : Array.Empty<string>())
                                                : new[] { "exp_avg.", "exp_avg_sq." };
        if (_state.Count == prefixes.Length * parameters.Count) return;
        Dispose();
        using var _ = no_grad();
        foreach (var (name, p) in parameters)
            foreach (var prefix in prefixes)
                _state.Add((prefix + name, zeros_like(p).DetachFromDisposeScope()));
    }

    /// <summary>One update of every parameter from its gradient.</summary>
    public void Step(IReadOnlyList<(string Name, Parameter Parameter)> parameters, double lr)
    {
        using var _ = no_grad();
        EnsureState(parameters);
        Steps++;
        int perParameter = _state.Count / Math.Max(1, parameters.Count);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Parameter;
            var grad = p.grad;
            if (grad is null) continue;
            double wd = _settings.DecayAll || p.dim() >= 2 ? _settings.WeightDecay : 0;
            if (_settings.Type == 0)
            {
                var d_p = wd != 0 ? grad.add(p, wd) : grad;
                if (_settings.Momentum > 0)
                {
                    // torch.optim.SGD starts the buffer as a copy of the first gradient; a zero buffer gives the same result.
                    var buffer = _state[i].Tensor;
                    buffer.mul_(_settings.Momentum).add_(d_p);
                    d_p = buffer;
                }
                p.add_(d_p, -lr);
                continue;
            }
            if (wd != 0)
            {
                if (_settings.Type == 2) p.mul_(1 - lr * wd);
                else grad = grad.add(p, wd);
            }
            var expAvg = _state[perParameter * i].Tensor;
            var expAvgSq = _state[perParameter * i + 1].Tensor;
            double beta1 = _settings.Beta1, beta2 = _settings.Beta2;
            double biasCorrection1 = 1 - Math.Pow(beta1, Steps);
            double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, Steps));
            expAvg.mul_(beta1).add_(grad, 1 - beta1);
            expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            var denominator = expAvgSq.sqrt().div_(biasCorrection2Sqrt).add_(_settings.Eps);
            p.addcdiv_(expAvg, denominator, -lr / biasCorrection1);
        }
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
        _state.Clear();
    }
}
