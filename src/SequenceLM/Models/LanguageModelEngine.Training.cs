using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

// One optimisation step per call: forward, cross-entropy, backward, global gradient norm and clipping, update; and the
// last good weights that a non-finite loss falls back to.
internal sealed partial class LanguageModelEngine
{
    private ParameterOptimizer? _optimizer;
    private FlatParameters? _flat; // made on the first SetOptimizer: models only generating keep no gradient buffer
    private RecurrentState? _trainState;
    private bool _keepLastGood;
    private Tensor[]? _lastGood;  // the weights the last finite-loss step was computed with

    /// <summary>The same optimizer type again keeps the state and step count; another type starts both afresh.</summary>
    public void SetOptimizer(in OptimizerSettings settings)
    {
        using var access = _core.Write();
        ThrowIfDisposed();
        _flat ??= new FlatParameters(_core.Parameters);
        if (_optimizer is null) _optimizer = new ParameterOptimizer(settings);
        else _optimizer.Configure(settings);
    }

    /// <summary>Updates applied so far. Setting it above 0 creates the (zero) state, so that a resumed run can write the saved one.</summary>
    public long OptimizerSteps
    {
        get
        {
            using var access = _core.Read();
            ThrowIfDisposed();
            return _optimizer?.Steps ?? 0;
        }
        set
        {
            using var access = _core.Write();
            ThrowIfDisposed();
            if (value < 0) throw new ArgumentException($"optimizer steps must be >= 0, got {value}");
            var optimizer = _optimizer ?? throw new ArgumentException("no optimizer: call SetOptimizer before setting its steps");
            optimizer.Steps = value;
            if (value > 0) optimizer.EnsureState(_flat!);
        }
    }

    /// <summary>
    /// One optimisation step on a batch. A non-finite loss or gradient norm leaves the weights untouched and is returned
    /// as is. GradNorm is the global L2 norm of the gradients before clipping.
    /// </summary>
    public (float Loss, float GradNorm) TrainStep(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps,
        in StepSettings options)
    {
        CheckBatch(inputs, targets, batch, steps);
        using var access = _core.Write();
        ThrowIfDisposed();
        var optimizer = _optimizer ?? throw new ArgumentException("no optimizer: call SetOptimizer before training");
        if (!float.IsFinite(options.LearningRate) || options.LearningRate < 0)
            throw new ArgumentException($"learning_rate must be finite and >= 0, got {options.LearningRate}");
        using var scope = NewDisposeScope();
        using var serial = SmallStepThreads.For(_flat!.Weights.numel() * inputs.Length, _core.Device);
        var x = TokenTensor(inputs, batch, steps, "inputs");
        var y = TokenTensor(targets, batch, steps, "targets", allowIgnore: true);
        var net = _core.Net;
        try
        {
            net.train();
            ZeroGradients();
            bool carry = options.CarryState != 0 && net is RecurrentLanguageModel;
            if (carry && _trainState is { } previous && previous.Batch != batch) ResetTrainState();
            Tensor loss;
            if (Settings.Dropout > 0)
            {
                lock (ModelCore.RandomGate)
                {
                    // Dropout is the only draw: seeded for this step alone, so that a resumed run repeats an uninterrupted one.
                    manual_seed((long)(options.Seed & long.MaxValue));
                    loss = Forward(x, y, carry);
                }
            }
            else
            {
                loss = Forward(x, y, carry);
            }
            loss.backward();

            using var _ = no_grad();
            var gradients = new[] { _flat!.Gradients };
            var stepLoss = options.Exchange is { } exchange
                ? AverageOverProcesses(exchange, gradients, loss.detach(), ScoredTargets(targets))
                : loss.detach();
            var total = GradientNorm.Total(gradients);
            if (options.ClipNorm > 0) GradientNorm.Clip(gradients, total, options.ClipNorm);
            var host = stack(new[] { stepLoss, total }).cpu().data<float>().ToArray(); // the one read-back per step
            float lossValue = host[0], normValue = host[1];
            if (!float.IsFinite(lossValue) || !float.IsFinite(normValue))
            {
                ZeroGradients();
                return (lossValue, normValue);
            }
            if (_keepLastGood) KeepCurrentWeights(); // these weights gave a finite loss and gradient: keep them before updating
            optimizer.Step(_flat!, options.LearningRate);
            return (lossValue, normValue);
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Training step", e);
        }
        finally
        {
            net.eval();
        }
    }

    /// <summary>
    /// Data-parallel: each process's mean loss and gradients weighted by its scored targets, summed over the processes
    /// in one flat buffer, divided by the total. Every process gets the gradients one process would get from the union
    /// of the batches, and the same loss.
    /// </summary>
    private static unsafe Tensor AverageOverProcesses(IGradientExchange exchange, Tensor[] gradients, Tensor loss, long scored)
    {
        var device = loss.device;
        var parts = gradients.Select(g => g.reshape(-1)).Append(loss.reshape(1)).Append(ones(1, device: device)).ToArray();
        var weighted = cat(parts).mul(scored);
        var flat = cat(new[] { weighted, zeros(exchange.ControlLength, device: device) }).to(ScalarType.Float32).cpu().contiguous();
        long length = flat.numel();
        if (length > int.MaxValue) throw new NotSupportedException($"Data-parallel training supports up to {int.MaxValue} parameters.");
        var buffer = new Span<float>(TensorMemory.Floats(flat), (int)length);
        exchange.Sum(buffer);
        int control = exchange.ControlLength;
        float totalWeight = buffer[^(control + 1)], lossSum = buffer[^(control + 2)];
        var averaged = flat.narrow(0, 0, length - control - 2).div_(totalWeight).to(device);
        long at = 0;
        foreach (var g in gradients)
        {
            g.copy_(averaged.narrow(0, at, g.numel()).view_as(g));
            at += g.numel();
        }
        return tensor(lossSum / totalWeight, device: device);
    }

    /// <summary>The targets that carry loss: all of them, less padding.</summary>
    private long ScoredTargets(ReadOnlySpan<long> targets)
    {
        long ignore = Settings.IgnoreIndex;
        if (ignore < 0) return targets.Length;
        long scored = 0;
        foreach (var t in targets) if (t != ignore) scored++;
        return scored;
    }

    /// <summary>The forward pass and loss; a carried recurrent state enters and leaves it here (truncated BPTT).</summary>
    private Tensor Forward(Tensor x, Tensor y, bool carry)
    {
        if (!carry) return _core.Net.forward(x, y).Loss!;
        var (_, loss, state) = ((RecurrentLanguageModel)_core.Net).forward(x, y, _trainState);
        _trainState?.Dispose();
        _trainState = state.detach().Keep(); // the next window starts from these values, not through this graph
        return loss!;
    }

    private void ResetTrainState()
    {
        _trainState?.Dispose();
        _trainState = null;
    }

    private void ZeroGradients() => _flat!.Gradients.zero_();

    /// <summary>Starts (true) or stops (false) keeping the weights of the last step whose loss was finite.</summary>
    public void KeepLastGoodWeights(bool keep)
    {
        using var access = _core.Write();
        ThrowIfDisposed();
        _keepLastGood = keep;
        DisposeLastGood();
    }

    /// <summary>Writes the kept weights back; false when no step had a finite loss since keeping started.</summary>
    public bool RestoreLastGoodWeights()
    {
        using var access = _core.Write();
        ThrowIfDisposed();
        if (_lastGood is null) return false;
        using var _ = no_grad();
        var weights = WeightTensors();
        for (int i = 0; i < _lastGood.Length; i++) weights[i].copy_(_lastGood[i]);
        return true;
    }

    private void KeepCurrentWeights()
    {
        var weights = WeightTensors();
        if (_lastGood is null)
        {
            _lastGood = weights.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
            return;
        }
        for (int i = 0; i < _lastGood.Length; i++) _lastGood[i].copy_(weights[i]);
    }

    /// <summary>What the weights are: the flat parameter buffer, then the buffers that are state (batch norm's running statistics).</summary>
    private Tensor[] WeightTensors() =>
        _core.State.Skip(_core.Parameters.Count).Select(b => b.Tensor).Prepend(_flat!.Weights).ToArray();

    private void DisposeLastGood()
    {
        if (_lastGood is null) return;
        foreach (var t in _lastGood) t.Dispose();
        _lastGood = null;
    }
}
