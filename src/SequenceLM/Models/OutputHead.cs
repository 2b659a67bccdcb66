using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// The output layer, hidden [.., H] to logits [.., V]: head.weight [V, H] and head.bias [V]. With tied weights there
/// is no head.weight: the embedding matrix is passed in instead (as in word_language_model and nanoGPT); without a
/// bias there is no head.bias.
/// </summary>
internal sealed class OutputHead : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter? weight;
    private readonly Parameter? bias;

    public OutputHead(long hidden, long vocab, bool tied, bool hasBias = true) : base("head")
    {
        weight = tied ? null : new Parameter(empty(vocab, hidden));
        bias = hasBias ? new Parameter(empty(vocab)) : null;
        using (no_grad())
        {
            // torch.nn.Linear's default initialisation
            if (weight is not null) nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
            double bound = 1 / Math.Sqrt(hidden);
            if (bias is not null) nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    /// <summary>Shrinks the initial weights (makemore uses 0.1), so that the first predictions are nearly uniform.</summary>
    public void ScaleDown(double factor)
    {
        using (no_grad()) weight?.mul_(factor);
    }

    public override Tensor forward(Tensor x, Tensor? tiedWeight) =>
        nn.functional.linear(x, weight ?? tiedWeight ?? throw new InvalidOperationException("A tied head needs the embedding matrix."), bias);
}
