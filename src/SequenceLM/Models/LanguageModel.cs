using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// A language model as a TorchSharp module: tokens [B, T] (and optionally targets [B, T]) to logits [B, T, V] and the
/// mean cross-entropy over the targets that are not the ignore index.
/// </summary>
internal abstract class LanguageModel : nn.Module<Tensor, Tensor?, (Tensor Logits, Tensor? Loss)>
{
    private readonly long _ignoreIndex;

    protected LanguageModel(string name, in ModelSettings settings) : base(name)
    {
        _ignoreIndex = settings.IgnoreIndex >= 0 ? settings.IgnoreIndex : -100;
    }

    /// <summary>Cross-entropy of logits [B, T, V] against targets [B, T]: the mean, or one value per token (reduction None).</summary>
    public Tensor SequenceLoss(Tensor logits, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean) =>
        F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index: _ignoreIndex, reduction: reduction);

    protected (Tensor Logits, Tensor? Loss) WithLoss(Tensor logits, Tensor? targets) =>
        (logits, targets is null ? null : SequenceLoss(logits, targets));

    /// <summary>True when the module's buffers (batch norm's running statistics) belong to its saved state.</summary>
    public virtual bool BuffersAreState => false;

    public static LanguageModel Create(in ModelSettings settings) => settings.ModelFamily switch
    {
        ModelFamily.Transformer => new TransformerLanguageModel(settings),
        ModelFamily.Bigram => new BigramLanguageModel(settings),
        ModelFamily.Mlp => new MlpLanguageModel(settings),
        ModelFamily.WaveNet => new WaveNetLanguageModel(settings),
        _ => new RecurrentLanguageModel(settings),
    };
}
