using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

// Evaluation: summed losses, raw logits, and the hidden-state gradient diagnostic of recurrent models.
internal sealed partial class LanguageModelEngine
{
    private RecurrentState? _evalState;

    /// <summary>
    /// The summed loss and count of the non-ignored targets of this batch. positionLoss / positionCount (empty, or one
    /// entry per step) accumulate per position within the window.
    /// </summary>
    public (double LossSum, long Tokens) EvaluateBatch(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps,
        bool carryState, Span<double> positionLoss = default, Span<long> positionCount = default)
    {
        CheckBatch(inputs, targets, batch, steps);
        if (!positionLoss.IsEmpty && (positionLoss.Length != steps || positionCount.Length != steps))
            throw new ArgumentException("Per-position buffers must have one entry per step.");
        bool carry = carryState && Settings.IsRecurrent;
        // Carrying state writes the model's evaluation state, so only that case needs the model alone.
        using var access = carry ? _core.Write() : _core.Read();
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        try
        {
            var x = TokenTensor(inputs, batch, steps, "inputs");
            var y = TokenTensor(targets, batch, steps, "targets", allowIgnore: true);
            Tensor logits;
            if (carry)
            {
                if (_evalState is { } previous && previous.Batch != batch)
                {
                    previous.Dispose();
                    _evalState = null;
                }
                var (l, _, state) = ((RecurrentLanguageModel)_core.Net).forward(x, null, _evalState);
                _evalState?.Dispose();
                _evalState = state.Keep();
                logits = l;
            }
            else
            {
                logits = _core.Net.forward(x, null).Logits;
            }
            var losses = _core.Net.SequenceLoss(logits, y, nn.Reduction.None).view(batch, steps);
            var counted = Settings.IgnoreIndex >= 0 ? y.ne(Settings.IgnoreIndex) : ones_like(y, ScalarType.Bool);
            var lossByPosition = losses.to(ScalarType.Float64).sum(0L).cpu().data<double>().ToArray();
            var countByPosition = counted.sum(0L, type: ScalarType.Int64).cpu().data<long>().ToArray();
            double sum = 0;
            long count = 0;
            for (int t = 0; t < steps; t++)
            {
                sum += lossByPosition[t];
                count += countByPosition[t];
                if (positionLoss.IsEmpty) continue;
                positionLoss[t] += lossByPosition[t];
                positionCount[t] += countByPosition[t];
            }
            return (sum, count);
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Evaluating a batch", e);
        }
    }

    /// <summary>Logits [batch, steps, vocab] of a fresh (zero-state) forward pass, in evaluation mode.</summary>
    public float[] ForwardLogits(ReadOnlySpan<long> inputs, int batch, int steps, long vocabSize)
    {
        if (inputs.Length != (long)batch * steps) throw new ArgumentException("inputs must hold batch x steps tokens.");
        if (vocabSize != Settings.VocabSize) throw new ArgumentException($"the model's vocabulary has {Settings.VocabSize} tokens, not {vocabSize}");
        using var access = _core.Read();
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        try
        {
            var x = TokenTensor(inputs, batch, steps, "inputs");
            return _core.Net.forward(x, null).Logits.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Computing logits", e);
        }
    }

    /// <summary>
    /// Recurrent models: norms[t] = L2 norm over [batch, hidden] of dL/dh_t, where h_t is the top layer's hidden state
    /// after step t and L the mean cross-entropy of the last step's predictions, which h_t reaches through the recurrence.
    /// </summary>
    public float[] HiddenGradientNorms(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps)
    {
        CheckBatch(inputs, targets, batch, steps);
        using var access = _core.Read();
        ThrowIfDisposed();
        if (_core.Net is not RecurrentLanguageModel net)
            throw new ArgumentException("hidden gradient norms exist for recurrent models only, not for transformers");
        using var scope = NewDisposeScope();
        using var _ = enable_grad();
        try
        {
            var x = TokenTensor(inputs, batch, steps, "inputs");
            var y = TokenTensor(targets, batch, steps, "targets", allowIgnore: true);
            var tops = net.TopStates(net.Embed(x));
            var loss = net.SequenceLoss(net.Logits(tops[^1]).unsqueeze(1), y.narrow(1, steps - 1, 1));
            var gradients = autograd.grad(new[] { loss }, tops.ToArray(), allow_unused: true);
            var norms = gradients.Select(g => g is null ? zeros(1, device: loss.device).sum() : g.norm()).ToArray();
            return stack(norms).to(ScalarType.Float32).cpu().data<float>().ToArray();
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Computing hidden-state gradients", e);
        }
    }
}
