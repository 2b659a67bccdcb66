using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// makemore's hierarchical model: the last C = 2^L embeddings fused pairwise level by level (FlattenConsecutive(2),
/// linear without bias, batch norm, tanh) until one vector of width H is left. Names: wte.weight,
/// levels.N.fuse.weight, levels.N.norm.{weight, bias, running_mean, running_var}, head.weight/bias.
/// </summary>
internal sealed class WaveNetLanguageModel : EmbeddedContextLanguageModel
{
    private readonly ModuleList<WaveNetLevel> levels;

    public WaveNetLanguageModel(in ModelSettings c) : base("wavenet", c)
    {
        int count = WaveNetLevels(c.ContextLength);
        var list = new WaveNetLevel[count];
        for (int i = 0; i < count; i++) list[i] = new WaveNetLevel(2 * (i == 0 ? c.EmbeddingSize : c.HiddenSize), c.HiddenSize);
        levels = new ModuleList<WaveNetLevel>(list);
        RegisterComponents();
    }

    /// <summary>log2 of a power-of-two context of at least 2, or -1.</summary>
    public static int WaveNetLevels(long context) =>
        context >= 2 && (context & (context - 1)) == 0 ? System.Numerics.BitOperations.Log2((ulong)context) : -1;

    /// <summary>Batch norm's running statistics are part of the model's state: saved, loaded, kept as best weights.</summary>
    public override bool BuffersAreState => true;

    protected override Tensor Hidden(Tensor windows)
    {
        long B = windows.size(0), T = windows.size(1);
        var x = windows.flatten(0, 1);
        foreach (var level in levels) x = level.forward(x);
        return x.reshape(B, T, -1);
    }
}

/// <summary>One WaveNet level: [N, L, D] to [N, L / 2, H] by FlattenConsecutive(2), fuse (linear, no bias), norm, tanh.</summary>
internal sealed class WaveNetLevel : nn.Module<Tensor, Tensor>
{
    private readonly Linear fuse;
    private readonly BatchNorm norm;

    public WaveNetLevel(long input, long hidden) : base("level")
    {
        fuse = nn.Linear(input, hidden, hasBias: false);
        norm = new BatchNorm(hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.size(0), pairs = x.size(1) / 2;
        var fused = fuse.forward(x.reshape(n, pairs, -1));
        return tanh(norm.forward(fused.reshape(n * pairs, -1)).reshape(n, pairs, -1));
    }
}
