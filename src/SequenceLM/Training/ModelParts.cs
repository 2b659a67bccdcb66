namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// Splits a fitted pipeline into the language model and the transforms before it that prepare its input
/// (tokenizer, key mapping; training-only transforms such as windowing are left out).
/// </summary>
internal sealed class ModelParts
{
    private ModelParts(LanguageModelTransformer model, ITransformer[] preprocessing)
    {
        Model = model;
        Preprocessing = preprocessing;
    }

    public LanguageModelTransformer Model { get; }
    public ITransformer[] Preprocessing { get; }

    public static ModelParts Of(ITransformer pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var steps = Flatten(pipeline).ToList();
        int at = steps.FindLastIndex(t => t is LanguageModelTransformer);
        if (at < 0)
            throw new ArgumentException(
                $"The model has no language model in it (it holds: {string.Join(", ", steps.Select(s => s.GetType().Name))}). " +
                "Pass the transformer a trainer such as ml.LanguageModels().Trainers.Gru(...) produced, or a chain ending with it.", nameof(pipeline));
        var preprocessing = steps.Take(at).Where(t => t is not WindowingTransformer).ToArray();
        return new ModelParts((LanguageModelTransformer)steps[at], preprocessing);
    }

    /// <summary>Applies the preprocessing transforms to <paramref name="data"/> (lazily).</summary>
    public IDataView Prepare(IDataView data)
    {
        foreach (var step in Preprocessing) data = step.Transform(data);
        return data;
    }

    /// <summary>The keys of each row of <paramref name="data"/> (raw text goes through the preprocessing first).</summary>
    public List<ReadOnlyMemory<long>> ReadKeyRows(IDataView data)
    {
        var prepared = data.Schema.GetColumnOrNull(Model.InputColumnName) != null ? data : Prepare(data);
        return TokenWindows.ReadRows(prepared, Model.InputColumnName, Model.Vocabulary);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { t };
}
