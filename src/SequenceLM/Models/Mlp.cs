using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>nanoGPT's MLP: fc, exact GELU, proj.</summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly Linear proj;

    public Mlp(long width, long ffn) : base("mlp")
    {
        fc = nn.Linear(width, ffn);
        proj = nn.Linear(ffn, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => proj.forward(nn.functional.gelu(fc.forward(x)));
}
