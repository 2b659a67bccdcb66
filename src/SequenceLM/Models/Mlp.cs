using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>nanoGPT's MLP: fc, GELU (exact or tanh-approximate), proj.</summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly Linear proj;
    private readonly GELU.Approximate _gelu;

    public Mlp(long width, long ffn, bool bias, GeluApproximation gelu) : base("mlp")
    {
        fc = nn.Linear(width, ffn, hasBias: bias);
        proj = nn.Linear(ffn, width, hasBias: bias);
        _gelu = gelu == GeluApproximation.Tanh ? GELU.Approximate.tanh : GELU.Approximate.none;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => proj.forward(nn.functional.gelu(fc.forward(x), _gelu));
}
