using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// The MLP and WaveNet shape: wte [V, E] embeds the context windows [B, T, C, E], the family turns each window into a
/// hidden vector [B, T, H], then dropout and head [V, H] give the logits.
/// </summary>
internal abstract class EmbeddedContextLanguageModel : FixedContextLanguageModel
{
    private readonly Embedding wte;
    private readonly Dropout dropout;
    private readonly OutputHead head;

    protected EmbeddedContextLanguageModel(string name, in ModelSettings c) : base(name, c)
    {
        wte = nn.Embedding(c.VocabSize, c.EmbeddingSize);
        dropout = nn.Dropout(c.Dropout);
        head = new OutputHead(c.HiddenSize, c.VocabSize, tied: false);
        head.ScaleDown(0.1);
        register_module(nameof(wte), wte);
        register_module(nameof(dropout), dropout);
        register_module(nameof(head), head);
    }

    /// <summary>Context windows of embeddings [B, T, C, E] to hidden vectors [B, T, H].</summary>
    protected abstract Tensor Hidden(Tensor windows);

    protected sealed override Tensor Logits(Tensor tokens) =>
        head.forward(dropout.forward(Hidden(Windows(wte.forward(tokens)))), null);
}
