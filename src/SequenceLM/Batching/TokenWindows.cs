namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Cuts token-id streams or rows into <see cref="TokenBatch"/>es without a pipeline: the building block behind the
/// windowing transform, usable directly by trainers. Arguments are validated when called; batches are produced lazily.
/// Passing a <see cref="Random"/> draws offsets and orders from it (a new draw per call, i.e. per epoch); null gives
/// a deterministic, unshuffled layout with offset 0.
/// </summary>
public static class TokenWindows
{
    /// <summary>
    /// Sequential windows (see <see cref="WindowMode.Sequential"/>): with offset <c>o</c> and
    /// <c>L = (N - o - 1) / BatchSize</c>, stream <c>b</c> is <c>tokens[o + b*L ..]</c>; batch <c>i</c> row <c>b</c>
    /// holds <c>tokens[o + b*L + i*T + t]</c> for <c>t &lt; T</c>, targets the following tokens; there are <c>L / T</c> batches.
    /// </summary>
    /// <exception cref="InvalidCorpusException">Fewer than BatchSize x SequenceLength + 1 tokens.</exception>
    public static IEnumerable<TokenBatch> Sequential(ReadOnlyMemory<long> tokens, int batchSize, int sequenceLength, Random? rand = null, bool randomOffset = true)
    {
        var options = new WindowOptions { Mode = WindowMode.Sequential, BatchSize = batchSize, SequenceLength = sequenceLength, RandomOffset = randomOffset };
        options.Validate();
        CheckLength(tokens.Length, options);
        int offset = DrawOffset(tokens.Length, options, rand);
        return SequentialCore(tokens, batchSize, sequenceLength, offset);
    }

    /// <summary>
    /// Random windows (see <see cref="WindowMode.Random"/>): with offset <c>o</c>, windows start at <c>o + k*T</c> for
    /// <c>k &lt; (N - o - 1) / T</c>; the starts are shuffled (when <paramref name="rand"/> is given) and grouped
    /// BatchSize at a time; leftover windows are dropped.
    /// </summary>
    /// <exception cref="InvalidCorpusException">Fewer than BatchSize x SequenceLength + 1 tokens.</exception>
    public static IEnumerable<TokenBatch> Random(ReadOnlyMemory<long> tokens, int batchSize, int sequenceLength, Random? rand = null, bool randomOffset = true)
    {
        var options = new WindowOptions { Mode = WindowMode.Random, BatchSize = batchSize, SequenceLength = sequenceLength, RandomOffset = randomOffset };
        options.Validate();
        CheckLength(tokens.Length, options);
        int offset = DrawOffset(tokens.Length, options, rand);
        int count = (tokens.Length - offset - 1) / sequenceLength;
        var starts = new int[count];
        for (int k = 0; k < count; k++) starts[k] = offset + k * sequenceLength;
        rand?.Shuffle(starts);
        return RandomCore(tokens, batchSize, sequenceLength, starts);
    }

    /// <summary>
    /// Per-row sequences (see <see cref="WindowMode.PerRow"/>): each row becomes <c>[begin] + row + [end]</c>, truncated
    /// to <c>maxLength + 1</c> keys; inputs drop the last key, targets the first; both are padded with
    /// <paramref name="paddingKey"/>, which is the batch's <see cref="TokenBatch.IgnoreIndex"/>.
    /// </summary>
    /// <exception cref="InvalidCorpusException">There are no rows.</exception>
    public static IEnumerable<TokenBatch> PerRow(IReadOnlyList<ReadOnlyMemory<long>> rows, int batchSize, int maxLength,
        long beginKey, long endKey, long paddingKey, PerRowPadding padding = PerRowPadding.LongestInBatch, Random? rand = null,
        bool shuffleRows = true, bool dropIncompleteBatch = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var options = new WindowOptions { Mode = WindowMode.PerRow, BatchSize = batchSize, SequenceLength = maxLength, Padding = padding };
        options.Validate();
        if (rows.Count == 0)
            throw new InvalidCorpusException("The corpus has no rows (0 sequences); per-row windowing needs at least one row. Check the file and the loader's SkipEmptyLines option.");
        if (dropIncompleteBatch && rows.Count < batchSize)
            throw new InvalidCorpusException($"The corpus has {rows.Count} rows but one batch needs {batchSize} rows with DropIncompleteBatch = true; lower BatchSize or set DropIncompleteBatch = false.", rows.Count, batchSize);
        var order = new int[rows.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (rand != null && shuffleRows) rand.Shuffle(order);
        return PerRowCore(rows, order, options, beginKey, endKey, paddingKey, dropIncompleteBatch);
    }

    /// <summary>Sequential or random windows over one token stream, as set by <paramref name="options"/>.</summary>
    public static IEnumerable<TokenBatch> Create(ReadOnlyMemory<long> tokens, WindowOptions options, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Mode switch
        {
            WindowMode.Sequential => Sequential(tokens, options.BatchSize, options.SequenceLength, rand, options.RandomOffset),
            WindowMode.Random => Random(tokens, options.BatchSize, options.SequenceLength, rand, options.RandomOffset),
            _ => throw new ArgumentException($"{options.Mode} windowing needs rows and a vocabulary; use the overload taking rows.", nameof(options)),
        };
    }

    /// <summary>
    /// Windows over rows of keys, in any mode: sequential and random modes concatenate the rows; per-row mode takes the
    /// reserved keys from <paramref name="vocabulary"/> (it must have <c>&lt;bos&gt;</c>, <c>&lt;eos&gt;</c> and <c>&lt;pad&gt;</c>).
    /// </summary>
    public static IEnumerable<TokenBatch> Create(IReadOnlyList<ReadOnlyMemory<long>> rows, Vocabulary? vocabulary, WindowOptions options, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode != WindowMode.PerRow) return Create(Concatenate(rows), options, rand);
        var (bos, eos, pad) = PerRowKeys(vocabulary);
        return PerRow(rows, options.BatchSize, options.SequenceLength, bos, eos, pad, options.Padding, rand, options.ShuffleRows, options.DropIncompleteBatch);
    }

    /// <summary>The (begin, end, padding) keys of a vocabulary, or a clear error naming what is missing.</summary>
    public static (long Begin, long End, long Padding) PerRowKeys(Vocabulary? vocabulary)
    {
        if (vocabulary?.BeginKey is long b && vocabulary.EndKey is long e && vocabulary.PaddingKey is long p) return (b, e, p);
        throw new InvalidOperationException(
            $"Per-row windowing needs a vocabulary with {Vocabulary.BeginToken}, {Vocabulary.EndToken} and {Vocabulary.PaddingToken}" +
            (vocabulary == null ? ", but the key column has no vocabulary (KeyValues annotation)." : $"; this one has {vocabulary.Count} tokens and lacks some of them.") +
            $" Build it with {nameof(VocabularyOptions)}.{nameof(VocabularyOptions.ForPerRowSequences)}() (AddBeginToken, AddEndToken and AddPaddingToken = true).");
    }

    /// <summary>Concatenates rows of keys into one stream.</summary>
    public static long[] Concatenate(IReadOnlyList<ReadOnlyMemory<long>> rows)
    {
        long total = 0;
        foreach (var r in rows) total += r.Length;
        var all = new long[total];
        int at = 0;
        foreach (var r in rows) { r.Span.CopyTo(all.AsSpan(at)); at += r.Length; }
        return all;
    }

    /// <summary>
    /// Reads the rows of a token column: a vector of keys (with missing keys as <c>&lt;unk&gt;</c>), or a vector of text
    /// encoded with <paramref name="vocabulary"/>.
    /// </summary>
    /// <exception cref="SchemaMismatchException">The column is missing or has another type.</exception>
    public static List<ReadOnlyMemory<long>> ReadRows(IDataView data, string columnName, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var col = data.Schema.RequireColumn(columnName, SchemaChecks.TokensOrKeysType, SchemaChecks.IsTokensOrKeys);
        if (SchemaChecks.IsKeyVector(col.Type)) return KeyVectors.ReadRows(data, col, vocabulary.UnknownKey);
        var rows = new List<ReadOnlyMemory<long>>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
        VBuffer<ReadOnlyMemory<char>> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(vocabulary.Encode(value.DenseValues().ToArray()));
        }
        return rows;
    }

    /// <summary>Reads a token column (see <see cref="ReadRows"/>) as one concatenated stream.</summary>
    public static long[] ReadTokenStream(IDataView data, string columnName, Vocabulary vocabulary) =>
        Concatenate(ReadRows(data, columnName, vocabulary));

    /// <summary>The number of batches sequential or random windowing yields for <paramref name="tokenCount"/> tokens at offset 0.</summary>
    public static int CountBatches(long tokenCount, WindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (tokenCount < 2) return 0;
        return options.Mode == WindowMode.Sequential
            ? (int)((tokenCount - 1) / options.BatchSize / options.SequenceLength)
            : (int)((tokenCount - 1) / options.SequenceLength / options.BatchSize);
    }

    private static void CheckLength(int tokenCount, WindowOptions options)
    {
        if (tokenCount == 0)
            throw new InvalidCorpusException($"The corpus is empty (0 tokens); {options.Mode} windowing needs at least {options.RequiredTokens} tokens. Check the input file and the tokenizer options.", 0, options.RequiredTokens);
        if (tokenCount < options.RequiredTokens)
            throw new InvalidCorpusException(
                $"The corpus has {tokenCount} tokens, but {options.Mode} windowing with BatchSize = {options.BatchSize} and SequenceLength = {options.SequenceLength} " +
                $"needs at least BatchSize x SequenceLength + 1 = {options.RequiredTokens} tokens. Use a smaller BatchSize or SequenceLength, or a larger corpus.",
                tokenCount, options.RequiredTokens);
    }

    private static int DrawOffset(int tokenCount, WindowOptions options, Random? rand)
    {
        if (rand == null || !options.RandomOffset) return 0;
        long maxOffset = Math.Min(options.SequenceLength - 1, tokenCount - options.RequiredTokens);
        return rand.Next((int)maxOffset + 1);
    }

    private static IEnumerable<TokenBatch> SequentialCore(ReadOnlyMemory<long> tokens, int batchSize, int steps, int offset)
    {
        int streamLength = (tokens.Length - offset - 1) / batchSize;
        int batches = streamLength / steps;
        for (int i = 0; i < batches; i++)
        {
            var x = new long[batchSize * steps];
            var y = new long[batchSize * steps];
            var span = tokens.Span;
            for (int b = 0; b < batchSize; b++)
            {
                int start = offset + b * streamLength + i * steps;
                span.Slice(start, steps).CopyTo(x.AsSpan(b * steps));
                span.Slice(start + 1, steps).CopyTo(y.AsSpan(b * steps));
            }
            yield return new TokenBatch(x, y, batchSize, steps, continuesPrevious: i > 0, index: i);
        }
    }

    private static IEnumerable<TokenBatch> RandomCore(ReadOnlyMemory<long> tokens, int batchSize, int steps, int[] starts)
    {
        int batches = starts.Length / batchSize;
        for (int i = 0; i < batches; i++)
        {
            var x = new long[batchSize * steps];
            var y = new long[batchSize * steps];
            var span = tokens.Span;
            for (int b = 0; b < batchSize; b++)
            {
                int start = starts[i * batchSize + b];
                span.Slice(start, steps).CopyTo(x.AsSpan(b * steps));
                span.Slice(start + 1, steps).CopyTo(y.AsSpan(b * steps));
            }
            yield return new TokenBatch(x, y, batchSize, steps, continuesPrevious: false, index: i);
        }
    }

    private static IEnumerable<TokenBatch> PerRowCore(IReadOnlyList<ReadOnlyMemory<long>> rows, int[] order, WindowOptions options,
        long bos, long eos, long pad, bool dropIncomplete)
    {
        int maxLen = options.SequenceLength;
        int index = 0;
        for (int first = 0; first < order.Length; first += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, order.Length - first);
            if (count < options.BatchSize && dropIncomplete) yield break;
            var lengths = new int[count];
            for (int r = 0; r < count; r++) lengths[r] = Math.Min(rows[order[first + r]].Length + 1, maxLen);
            int width = options.Padding == PerRowPadding.SequenceLength ? maxLen : lengths.Max();
            var x = new long[count * width];
            var y = new long[count * width];
            Array.Fill(x, pad);
            Array.Fill(y, pad);
            for (int r = 0; r < count; r++)
            {
                var row = rows[order[first + r]].Span;
                int n = lengths[r];
                // sequence s = [bos] + row + [eos]; input = s[0..n], target = s[1..n+1]
                x[r * width] = bos;
                for (int t = 1; t < n; t++) x[r * width + t] = row[t - 1];
                for (int t = 0; t < n; t++) y[r * width + t] = t < row.Length ? row[t] : eos;
            }
            yield return new TokenBatch(x, y, count, width, continuesPrevious: false, ignoreIndex: pad, index: index++, rowLengths: lengths);
        }
    }
}
