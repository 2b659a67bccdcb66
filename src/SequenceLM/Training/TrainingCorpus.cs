namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// The keys a trainer learns from: the vocabulary, the training and validation splits, and how they are windowed.
/// Built from windowed data, from a key column, or (short form) from a token column with default vocabulary options.
/// </summary>
internal sealed class TrainingCorpus
{
    public required Vocabulary Vocabulary { get; init; }
    public required WindowBatchSource Train { get; init; }
    public ITrainingBatchSource? Validation { get; init; }
    public required WindowOptions Windows { get; init; }
    /// <summary>The column a prediction row carries into the model: tokens (text) or keys.</summary>
    public required string PredictionColumnName { get; init; }
    /// <summary>Per-row mode: fingerprints of the training and validation rows (for the seen/new sample report).</summary>
    public RowRegistry? Rows { get; init; }

    // processes: those of a data-parallel run; validation (on rank 0 alone) cuts batches of all their rows.
    public static TrainingCorpus Create(IDataView input, LanguageModelTrainerOptions options, Vocabulary? fixedVocabulary, int seed,
        int processes = 1)
    {
        var (vocabulary, rows, windows, column) = input is WindowedData windowed
            ? FromWindows(windowed, fixedVocabulary)
            : FromColumn(input, options, fixedVocabulary);
        if (options.MaximumTrainingTokens > 0) rows = FirstTokens(rows, options.MaximumTrainingTokens);

        IReadOnlyList<ReadOnlyMemory<long>> trainRows = rows, validationRows = Array.Empty<ReadOnlyMemory<long>>();
        if (options.ValidationData != null)
            validationRows = ReadValidation(options.ValidationData, column, vocabulary);
        else if (options.ValidationFraction > 0)
            (trainRows, validationRows) = Split(rows, options.ValidationFraction, windows.Mode, seed);

        var train = new WindowBatchSource(trainRows, vocabulary, windows);
        ITrainingBatchSource? validation = null;
        if (validationRows.Count > 0)
        {
            // Validation scores every token, as Evaluate does: per-row sequences, or the stream in consecutive windows.
            var validationWindows = windows.Clone();
            validationWindows.BatchSize = windows.BatchSize * processes;
            validation = windows.Mode == WindowMode.PerRow
                ? new WindowBatchSource(validationRows, vocabulary, validationWindows)
                : new Evaluation.EvaluationWindows(TokenWindows.Concatenate(validationRows), validationWindows.BatchSize, windows.SequenceLength);
        }
        return new TrainingCorpus
        {
            Vocabulary = vocabulary,
            Train = train,
            Validation = validation,
            Windows = windows,
            PredictionColumnName = column,
            Rows = windows.Mode == WindowMode.PerRow ? RowRegistry.From(trainRows, validationRows) : null,
        };
    }

    private static (Vocabulary, IReadOnlyList<ReadOnlyMemory<long>>, WindowOptions, string) FromWindows(WindowedData windowed, Vocabulary? fixedVocabulary)
    {
        var vocabulary = windowed.Vocabulary;
        if (fixedVocabulary != null && !SameTokens(fixedVocabulary, vocabulary))
            throw new ArgumentException(
                "The windowed data uses another vocabulary than the model being trained further. Map the tokens with the model's vocabulary: " +
                "ml.Transforms.MapTokensToKeys(model.Vocabulary).");
        return (vocabulary, windowed.GetTokenRows(), windowed.Options, windowed.KeyColumnName);
    }

    private static (Vocabulary, IReadOnlyList<ReadOnlyMemory<long>>, WindowOptions, string) FromColumn(IDataView input, LanguageModelTrainerOptions options,
        Vocabulary? fixedVocabulary)
    {
        var column = input.Schema.RequireColumn(options.InputColumnName, "Vector<Text> (tokens) or Vector<Key> (keys with a vocabulary)",
            SchemaChecks.IsTokensOrKeys);
        var mode = options.WindowMode ?? (options is RecurrentOptions ? WindowMode.Sequential : WindowMode.Random);
        Vocabulary vocabulary;
        if (SchemaChecks.IsTextVector(column.Type))
        {
            vocabulary = fixedVocabulary ?? Vocabulary.Build(input, column.Name, VocabularyOptionsFor(mode, options));
        }
        else
        {
            vocabulary = column.GetVocabulary() ?? fixedVocabulary ?? throw Mismatch(column.Name, input.Schema,
                $"Column '{column.Name}' holds keys without a vocabulary. Produce it with MapTokensToKeys, or give the trainer the token column.");
        }
        var rows = TokenWindows.ReadRows(input, column.Name, vocabulary);
        var windows = new WindowOptions
        {
            Mode = mode,
            BatchSize = options.BatchSize,
            SequenceLength = options.SequenceLength,
        };
        windows.Validate();
        return (vocabulary, rows, windows, column.Name);
    }

    private static VocabularyOptions VocabularyOptionsFor(WindowMode mode, LanguageModelTrainerOptions options)
    {
        var vocabulary = mode == WindowMode.PerRow ? VocabularyOptions.ForPerRowSequences() : new VocabularyOptions();
        vocabulary.MinimumCount = options.MinimumTokenCount;
        vocabulary.MaximumSize = options.MaximumVocabularySize;
        return vocabulary;
    }

    private static IReadOnlyList<ReadOnlyMemory<long>> ReadValidation(IDataView validation, string column, Vocabulary vocabulary)
    {
        if (validation is WindowedData windowed) return windowed.GetTokenRows();
        if (validation.Schema.GetColumnOrNull(column) == null)
            throw Mismatch(column, validation.Schema,
                $"ValidationData has no column '{column}' (it has: {string.Join(", ", validation.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}). " +
                "Pass it through the same preceding transforms as the training data, e.g. tokenizer.Fit(train).Transform(validation).");
        return TokenWindows.ReadRows(validation, column, vocabulary);
    }

    private static IReadOnlyList<ReadOnlyMemory<long>> FirstTokens(IReadOnlyList<ReadOnlyMemory<long>> rows, long count)
    {
        var kept = new List<ReadOnlyMemory<long>>();
        foreach (var row in rows)
        {
            if (count <= 0) break;
            kept.Add(row.Length <= count ? row : row[..(int)count]);
            count -= row.Length;
        }
        return kept;
    }

    /// <summary>Streams split contiguously (the last fraction validates); per-row data splits rows after a seeded shuffle.</summary>
    private static (IReadOnlyList<ReadOnlyMemory<long>>, IReadOnlyList<ReadOnlyMemory<long>>) Split(
        IReadOnlyList<ReadOnlyMemory<long>> rows, float fraction, WindowMode mode, int seed)
    {
        if (mode == WindowMode.PerRow)
        {
            var order = Enumerable.Range(0, rows.Count).ToArray();
            new Random(seed).Shuffle(order);
            int validationCount = (int)Math.Round(rows.Count * (double)fraction);
            if (validationCount == 0 || validationCount == rows.Count) return (rows, Array.Empty<ReadOnlyMemory<long>>());
            return (order.Skip(validationCount).Select(i => rows[i]).ToArray(), order.Take(validationCount).Select(i => rows[i]).ToArray());
        }
        var stream = TokenWindows.Concatenate(rows);
        int cut = (int)Math.Round(stream.Length * (1 - (double)fraction));
        return (new ReadOnlyMemory<long>[] { stream.AsMemory(0, cut) }, new ReadOnlyMemory<long>[] { stream.AsMemory(cut) });
    }

    private static SchemaMismatchException Mismatch(string column, DataViewSchema schema, string message) =>
        new(column, "Vector<Key> with a vocabulary, or Vector<Text>", schema.GetColumnOrNull(column)?.Type.ToString(), schema.Describe(), message);

    internal static bool SameTokens(Vocabulary a, Vocabulary b) => a.Count == b.Count && a.Tokens.SequenceEqual(b.Tokens);
}
