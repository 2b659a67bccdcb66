using Microsoft.ML.Runtime;

namespace Microsoft.ML.SequenceLM;

/// <summary>Entry point of the library on ML.NET's <see cref="MLContext"/>: <c>ml.LanguageModels()</c>.</summary>
public static class MLContextExtensions
{
    /// <summary>
    /// Language models on this context: <see cref="LanguageModelCatalog.Trainers"/>, generation and evaluation.
    /// Trainers draw their seeds from the context (deterministic for <c>new MLContext(seed: n)</c>) and honour
    /// <see cref="MLContext.GpuDeviceId"/> and <see cref="MLContext.FallbackToCpu"/>.
    /// </summary>
    public static LanguageModelCatalog LanguageModels(this MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return new LanguageModelCatalog(ml);
    }
}

/// <summary>
/// Language models: <c>ml.LanguageModels()</c>. Trainers are under <see cref="Trainers"/>; generation and
/// evaluation members are declared in the Generation and Evaluation parts of this partial class.
/// </summary>
public sealed partial class LanguageModelCatalog
{
    internal LanguageModelCatalog(MLContext context)
    {
        Context = context;
        Trainers = new LanguageModelTrainerCatalog(this);
    }

    /// <summary>The ML.NET context this catalog belongs to.</summary>
    internal MLContext Context { get; }

    /// <summary>The language-model trainers (RNN, GRU, LSTM, Transformer).</summary>
    public LanguageModelTrainerCatalog Trainers { get; }

    /// <summary>Draws a seed from the context's random source (deterministic for a seeded context).</summary>
    internal int NextSeed() => ((IHostEnvironment)Context).Register(nameof(LanguageModelCatalog)).Rand.Next();
}
