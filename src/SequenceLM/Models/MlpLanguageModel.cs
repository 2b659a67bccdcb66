using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Bengio et al. (2003) as in makemore: the last C embeddings concatenated [C * E], then hidden layers (linear + tanh)
/// of width H. Parameter names: wte.weight, hidden.N.weight/bias, head.weight/bias.
/// </summary>
internal sealed class MlpLanguageModel : EmbeddedContextLanguageModel
{
    private readonly ModuleList<Linear> hidden;

    public MlpLanguageModel(in ModelSettings c) : base("mlp", c)
    {
        var layers = new Linear[c.NumLayers];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = nn.Linear(i == 0 ? c.ContextLength * c.EmbeddingSize : c.HiddenSize, c.HiddenSize);
        hidden = new ModuleList<Linear>(layers);
        RegisterComponents();
    }

    protected override Tensor Hidden(Tensor windows)
    {
        var x = windows.flatten(2);
        foreach (var layer in hidden) x = tanh(layer.forward(x));
        return x;
    }
}
