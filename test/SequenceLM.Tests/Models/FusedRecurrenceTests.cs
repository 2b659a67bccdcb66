using Microsoft.ML.SequenceLM.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// The fused C# GRU / RNN layers (FusedRecurrence) give nn.GRU / nn.RNN's outputs, final states and the gradients of
/// a loss over both with respect to the input, the initial state and every parameter, on random inputs: one and
/// several layers, zero and carried initial state, dropout between layers (same random draws after the same seed).
/// </summary>
public sealed class FusedRecurrenceTests
{
    private const long Batch = 3, Steps = 6, Input = 7;
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(ModelFamily.Gru, 1, 5, false, 0.0)]
    [InlineData(ModelFamily.Gru, 3, 20, true, 0.0)]
    [InlineData(ModelFamily.Gru, 2, 40, true, 0.4)]
    [InlineData(ModelFamily.RnnTanh, 1, 9, true, 0.0)]
    [InlineData(ModelFamily.RnnTanh, 2, 40, false, 0.4)]
    [InlineData(ModelFamily.RnnRelu, 3, 17, true, 0.3)]
    public void OutputsAndEveryGradientMatchTheStockModule(ModelFamily family, int layers, long hidden, bool carried, double dropout)
    {
        lock (ModelCore.RandomGate) // both sides must see the same random draws, whatever other tests run meanwhile
            Compare(family, layers, hidden, carried, dropout);
    }

    private static void Compare(ModelFamily family, int layers, long hidden, bool carried, double dropout)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        nn.Module rnn = family switch
        {
            ModelFamily.Gru => nn.GRU(Input, hidden, layers, batchFirst: true, dropout: dropout),
            ModelFamily.RnnTanh => nn.RNN(Input, hidden, layers, nn.NonLinearities.Tanh, batchFirst: true, dropout: dropout),
            _ => nn.RNN(Input, hidden, layers, nn.NonLinearities.ReLU, batchFirst: true, dropout: dropout),
        };
        rnn.train();
        var x = randn(Batch, Steps, Input);
        var h0 = carried ? randn(layers, Batch, hidden) : null;
        var outputWeights = randn(Batch, Steps, hidden);
        var finalWeights = randn(layers, Batch, hidden);

        manual_seed(5);
        var stock = Gradients(rnn, x, h0, outputWeights, finalWeights, (xs, hs) => rnn switch
        {
            GRU gru => gru.forward(xs, hs),
            _ => ((RNN)rnn).forward(xs, hs),
        });
        manual_seed(5);
        var fused = Gradients(rnn, x, h0, outputWeights, finalWeights,
            (xs, hs) => FusedRecurrence.Layers(family, xs, hs, RecurrentCell.Layers(rnn), dropout, training: true));

        Assert.Equal(stock.Keys.Order(), fused.Keys.Order());
        foreach (var (name, expected) in stock)
        {
            double error = (fused[name] - expected).abs().max().item<float>() / Math.Max(expected.abs().max().item<float>(), 1e-6);
            Assert.True(error < Tolerance, $"{name}: relative error {error:E2}");
        }
    }

    // Outputs and gradients of sum(output * a) + sum(final * b), by name.
    private static Dictionary<string, Tensor> Gradients(nn.Module rnn, Tensor x, Tensor? h0, Tensor outputWeights, Tensor finalWeights,
        Func<Tensor, Tensor?, (Tensor Output, Tensor Final)> forward)
    {
        rnn.zero_grad();
        var xs = x.detach().requires_grad_(true);
        var hs = h0?.detach().requires_grad_(true);
        var (output, final) = forward(xs, hs);
        ((output * outputWeights).sum() + (final * finalWeights).sum()).backward();
        var result = new Dictionary<string, Tensor> { ["output"] = output.detach(), ["final"] = final.detach(), ["d input"] = xs.grad!.clone() };
        if (hs is not null) result["d h0"] = hs.grad!.clone();
        foreach (var (name, p) in rnn.named_parameters()) result["d " + name] = p.grad!.clone();
        return result;
    }
}
