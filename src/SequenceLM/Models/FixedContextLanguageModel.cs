using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// A model whose prediction at each position depends on that token and the ContextLength - 1 before it only (the
/// n-gram rungs of the ladder: Bigram, MLP, WaveNet). It still maps tokens [B, T] to logits [B, T, V], so that it
/// trains on the same windows as the recurrent and Transformer models; positions before the start of a window see zero
/// embeddings. Generation feeds it back the last ContextLength tokens.
/// </summary>
internal abstract class FixedContextLanguageModel : LanguageModel
{
    protected FixedContextLanguageModel(string name, in ModelSettings settings) : base(name, settings)
    {
        ContextLength = settings.ContextLength;
    }

    public long ContextLength { get; }

    public override (Tensor Logits, Tensor? Loss) forward(Tensor tokens, Tensor? targets) => WithLoss(Logits(tokens), targets);

    /// <summary>Tokens [B, T] to logits [B, T, V].</summary>
    protected abstract Tensor Logits(Tensor tokens);

    /// <summary>
    /// Embeddings [B, T, E] to context windows [B, T, C, E]: at each position the embeddings of the C tokens ending
    /// there, oldest first, zeros before the start.
    /// </summary>
    protected Tensor Windows(Tensor embedded) =>
        F.pad(embedded, new long[] { 0, 0, ContextLength - 1, 0 }).unfold(1, ContextLength, 1).permute(0, 1, 3, 2);
}
