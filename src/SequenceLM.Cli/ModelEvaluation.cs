namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>What <c>sequencelm eval</c> reports.</summary>
internal sealed record EvaluationMetrics(LanguageModelMetrics Metrics, long UnknownTokenCount, string Method)
{
    public double CrossEntropy => Metrics.CrossEntropy;
    public long TokenCount => Metrics.TokenCount;
    public double Perplexity => Metrics.Perplexity;
    public double BitsPerToken => Metrics.BitsPerToken;
    public double BitsPerCharacter => Metrics.BitsPerCharacter;
}

/// <summary>Cross-entropy of a saved model on a text, through <see cref="LanguageModelCatalog.Evaluate"/>.</summary>
internal static class ModelEvaluation
{
    public static EvaluationMetrics Evaluate(MLContext ml, ModelFile file, IDataView data)
    {
        var lm = file.LanguageModel;
        var options = new EvaluationOptions { BatchSize = file.IsPerLine ? 64 : 10 };
        LanguageModelMetrics metrics;
        try
        {
            metrics = ml.LanguageModels().Evaluate(file.Model, data, options);
        }
        catch (InvalidCorpusException e)
        {
            throw new CliException(e.Message);
        }
        int steps = lm.Config.Family != ModelFamily.Transformer ? lm.TrainingWindows.SequenceLength : Math.Min(lm.TrainingWindows.SequenceLength, lm.Config.ContextLength);
        string method = file.IsPerLine
            ? "one sequence per line, <eos> scored"
            : lm.Config.IsRecurrent
                ? $"{options.BatchSize} streams in windows of {steps} tokens, state carried across windows"
                : $"{options.BatchSize} streams in windows of {steps} tokens";
        return new EvaluationMetrics(metrics, CountUnknown(file, data), method);
    }

    /// <summary>Tokens of the text the vocabulary does not know (scored as &lt;unk&gt;; subwords it lacks are spelled with bytes instead).</summary>
    private static long CountUnknown(ModelFile file, IDataView data)
    {
        if (file.LanguageModel.Vocabulary.IsByteLevel) return 0;
        foreach (var t in file.Preprocessing) data = t.Transform(data);
        var column = data.Schema.GetColumnOrNull(file.LanguageModel.InputColumnName);
        if (column is not { Type: VectorDataViewType { ItemType: TextDataViewType } } col) return 0;
        long unknown = 0;
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
        VBuffer<ReadOnlyMemory<char>> tokens = default;
        while (cursor.MoveNext())
        {
            getter(ref tokens);
            foreach (var token in tokens.DenseValues())
                if (!file.LanguageModel.Vocabulary.Contains(token.Span)) unknown++;
        }
        return unknown;
    }
}
