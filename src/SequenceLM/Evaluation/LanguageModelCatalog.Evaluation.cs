using Microsoft.ML.SequenceLM.Evaluation;
using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

public sealed partial class LanguageModelCatalog
{
    /// <summary>
    /// Cross-entropy, perplexity, bits per token and bits per character of <paramref name="model"/> on <paramref name="data"/> (raw text
    /// rows, which go through the model's own tokenizer and vocabulary; unknown tokens count as &lt;unk&gt;).
    /// Stream models score the text as consecutive windows, recurrent ones carrying their state across windows;
    /// per-row models score each row as &lt;bos&gt; tokens &lt;eos&gt;.
    /// </summary>
    public LanguageModelMetrics Evaluate(ITransformer model, IDataView data, EvaluationOptions? options = null)
    {
        var parts = ModelParts.Of(model);
        var (source, carry) = EvaluationSource(parts, data, options ?? new EvaluationOptions());
        var (sum, tokens, characters) = CrossEntropyEvaluator.Run(parts.Model.Engine, source, carry, parts.Model.Vocabulary);
        if (tokens == 0) throw new InvalidCorpusException("The evaluation data holds no tokens to score.");
        return new LanguageModelMetrics(sum / tokens, tokens, characters);
    }

    /// <summary>
    /// The average loss at each position within a window (position 0 has the least context). For recurrent models
    /// in stateful mode the state is carried, so the curve shows what truncation costs; for Transformers it shows
    /// how loss falls with context.
    /// </summary>
    public double[] LossByPosition(ITransformer model, IDataView data, EvaluationOptions? options = null)
    {
        var parts = ModelParts.Of(model);
        var (source, carry) = EvaluationSource(parts, data, options ?? new EvaluationOptions());
        int steps = source switch
        {
            EvaluationWindows w => w.SequenceLength,
            WindowBatchSource b => b.Options.SequenceLength,
            _ => throw new InvalidOperationException(source.GetType().Name),
        };
        var loss = new double[steps];
        var count = new long[steps];
        CrossEntropyEvaluator.Run(parts.Model.Engine, source, carry, vocabulary: null, positionLoss: loss, positionCount: count);
        return loss.Select((l, t) => count[t] > 0 ? l / count[t] : double.NaN).ToArray();
    }

    /// <summary>
    /// Recurrent models: the norm of the gradient of the last step's loss with respect to the top layer's hidden state
    /// at each earlier step, averaged over up to <paramref name="windows"/> windows of <paramref name="steps"/> tokens
    /// (the vanishing-gradient picture: how far back the loss still reaches).
    /// </summary>
    public double[] HiddenStateGradientNorms(ITransformer model, IDataView data, int steps = 50, int windows = 8)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 2.");
        var parts = ModelParts.Of(model);
        if (!parts.Model.Config.IsRecurrent)
            throw new ArgumentException("Hidden-state gradients exist for recurrent models (RNN, GRU, LSTM) only.", nameof(model));
        var stream = TokenWindows.Concatenate(parts.ReadKeyRows(data));
        var norms = new double[steps];
        int used = 0;
        foreach (var batch in TokenWindows.Sequential(stream, 1, steps, rand: null))
        {
            var n = parts.Model.Engine.HiddenGradientNorms(batch.Inputs, batch.Targets, 1, steps);
            for (int t = 0; t < steps; t++) norms[t] += n[t];
            if (++used >= windows) break;
        }
        return norms.Select(v => v / used).ToArray();
    }

    private static (ITrainingBatchSource Source, bool Carry) EvaluationSource(ModelParts parts, IDataView data, EvaluationOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options.BatchSize), options.BatchSize, "BatchSize must be at least 1.");
        var lm = parts.Model;
        var rows = parts.ReadKeyRows(data);
        var windows = lm.TrainingWindows.Clone();
        int steps = options.SequenceLength ?? windows.SequenceLength;
        if (lm.Config.Family == ModelFamily.Transformer) steps = Math.Min(steps, lm.Config.ContextLength);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(options.SequenceLength), steps, "SequenceLength must be at least 1.");
        windows.SequenceLength = steps;
        if (windows.Mode == WindowMode.PerRow)
        {
            windows.BatchSize = options.BatchSize;
            return (new WindowBatchSource(rows, lm.Vocabulary, windows), false);
        }
        return (new EvaluationWindows(TokenWindows.Concatenate(rows), options.BatchSize, steps), lm.Config.IsRecurrent);
    }
}
