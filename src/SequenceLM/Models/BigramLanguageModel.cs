using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// The neural bigram: table.weight [V, V] holds the next-token logits of each token (makemore's Bigram; zeros at the
/// start, i.e. uniform). The counting form writes log((counts + k) / row sum) into the same table.
/// </summary>
internal sealed class BigramLanguageModel : FixedContextLanguageModel
{
    private readonly Embedding table;

    public BigramLanguageModel(in ModelSettings c) : base("bigram", c)
    {
        table = nn.Embedding(c.VocabSize, c.VocabSize);
        using (no_grad()) table.weight!.zero_();
        RegisterComponents();
    }

    protected override Tensor Logits(Tensor tokens) => table.forward(tokens);
}
