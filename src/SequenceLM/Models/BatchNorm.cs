using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// torch.nn.BatchNorm1d over rows [N, C] (momentum 0.1, eps 1e-5): batch statistics in training, which update the
/// running ones; the running statistics in evaluation and generation. Its state is weight, bias, running_mean and
/// running_var (no num_batches_tracked: it only matters when momentum is None).
/// </summary>
internal sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;

    public BatchNorm(long features) : base("norm")
    {
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.batch_norm(x, running_mean, running_var, weight, bias, training, momentum: 0.1, eps: 1e-5);
}
