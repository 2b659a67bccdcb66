namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>What <c>sequencelm eval</c> reports.</summary>
internal sealed record EvaluationMetrics(double CrossEntropy, long TokenCount, long UnknownTokenCount, string Method)
{
    /// <summary>exp(cross-entropy).</summary>
    public double Perplexity => Math.Exp(CrossEntropy);

    /// <summary>Cross-entropy in bits: nats / ln 2.</summary>
    public double BitsPerToken => CrossEntropy / Math.Log(2);
}

/// <summary>
/// Cross-entropy of a saved model on a text, computed from the library's public surface only
/// (<see cref="LanguageModelTransformer.ComputeLogits"/>): the library has no public evaluation API yet.
/// <para>
/// When <c>ml.LanguageModels.Evaluate(ITransformer model, IDataView data)</c> (returning CrossEntropy, Perplexity,
/// BitsPerToken, TokenCount) is on main, <see cref="Evaluate"/> should call it instead: it carries recurrent state
/// across the whole text in native code, which this approximation cannot do from outside the library.
/// </para>
/// How it scores every token but the first:
/// <list type="bullet">
/// <item>Lines models: each line is <c>&lt;bos&gt; tokens &lt;eos&gt;</c>; every token and the <c>&lt;eos&gt;</c> are scored
/// (exact, as in training).</item>
/// <item>Stream models: overlapping windows of <c>T</c> tokens; each window after the first scores only its last
/// <c>T - W</c> positions, so every scored token sees at least <c>W</c> tokens of context. Transformers: T = context
/// length, W = T / 2. Recurrent models: T = 512, W = 128 (their state is rebuilt from W tokens rather than carried from
/// the start of the text, so the figure can be slightly higher than a stateful evaluation).</item>
/// </list>
/// </summary>
internal static class ModelEvaluation
{
    private const long LogitBudget = 16L << 20;   // floats per native call (64 MB)

    public static EvaluationMetrics Evaluate(SequenceLMContext ml, ModelFile file, IDataView data)
    {
        var lm = file.LanguageModel;
        foreach (var t in file.Preprocessing) data = t.Transform(data);
        var (rows, unknown) = ReadKeys(data, lm.InputColumnName, lm.Vocabulary);
        var accumulator = new Accumulator(lm);
        string method;
        if (file.IsPerLine)
        {
            EvaluateRows(lm, rows, accumulator);
            method = "one sequence per line, <eos> scored";
        }
        else
        {
            var stream = rows.SelectMany(r => r).ToArray();
            int window = lm.Config.IsRecurrent ? 512 : lm.Config.ContextLength;
            int warmup = lm.Config.IsRecurrent ? 128 : window / 2;
            EvaluateStream(lm, stream, window, warmup, accumulator);
            method = $"windows of {window} tokens, scored after {warmup} tokens of context (approximation; see docs/cli.md)";
        }
        if (accumulator.Tokens == 0)
            throw new CliException($"the evaluation text has no token to score (it needs at least 2 tokens{(file.IsPerLine ? " or one non-empty line" : "")}).");
        return new EvaluationMetrics(accumulator.LossSum / accumulator.Tokens, accumulator.Tokens, unknown, method);
    }

    private static (List<long[]> Rows, long Unknown) ReadKeys(IDataView data, string column, Vocabulary vocabulary)
    {
        var col = data.Schema.GetColumnOrNull(column)
                  ?? throw new CliException($"the model's preprocessing does not produce its input column '{column}'.");
        if (col.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return (TokenWindows.ReadRows(data, column, vocabulary).Select(r => r.ToArray()).ToList(), 0);
        var rows = new List<long[]>();
        long unknown = 0;
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<ReadOnlyMemory<ReadOnlyMemory<char>>>(col);
        ReadOnlyMemory<ReadOnlyMemory<char>> tokens = default;
        while (cursor.MoveNext())
        {
            getter(ref tokens);
            var keys = new List<long>(tokens.Length);
            foreach (var token in tokens.Span)
            {
                if (vocabulary.TryGetKey(token.Span, out var key)) keys.Add(key);
                else
                {
                    unknown++;
                    if (vocabulary.UnknownKey is { } unk) keys.Add(unk);   // without <unk> the token cannot be scored: left out
                }
            }
            rows.Add(keys.ToArray());
        }
        return (rows, unknown);
    }

    private static void EvaluateRows(LanguageModelTransformer lm, List<long[]> rows, Accumulator acc)
    {
        var v = lm.Vocabulary;
        long bos = v.BeginKey ?? throw new CliException("the model is a lines model but its vocabulary has no <bos> token.");
        long eos = v.EndKey ?? throw new CliException("the model is a lines model but its vocabulary has no <eos> token.");
        long pad = v.PaddingKey ?? eos;
        int limit = lm.Config.IsRecurrent ? int.MaxValue - 1 : lm.Config.ContextLength;
        // Sequences <bos> row <eos>, truncated to the model's context; sorted by length so batches pad little.
        var sequences = rows.Where(r => r.Length > 0)
            .Select(r => r.Prepend(bos).Append(eos).Take(limit + 1).ToArray())
            .OrderBy(s => s.Length).ToList();
        int at = 0;
        while (at < sequences.Count)
        {
            int steps = sequences[Math.Min(sequences.Count - 1, at + 63)].Length - 1;
            int batch = (int)Math.Clamp(LogitBudget / ((long)steps * v.Count), 1, Math.Min(64, sequences.Count - at));
            steps = sequences[at + batch - 1].Length - 1;
            var inputs = new long[batch * steps];
            var targets = new long[batch * steps];
            Array.Fill(inputs, pad);
            Array.Fill(targets, -1);
            for (int b = 0; b < batch; b++)
            {
                var s = sequences[at + b];
                for (int t = 0; t < s.Length - 1; t++)
                {
                    inputs[b * steps + t] = s[t];
                    targets[b * steps + t] = s[t + 1];
                }
            }
            acc.Add(lm.ComputeLogits(inputs, batch, steps), targets, batch, steps, firstScored: 0);
            at += batch;
        }
    }

    private static void EvaluateStream(LanguageModelTransformer lm, long[] stream, int window, int warmup, Accumulator acc)
    {
        int targetsTotal = stream.Length - 1;
        if (targetsTotal <= 0) return;
        if (targetsTotal <= window)
        {
            Score(lm, stream, start: 0, steps: targetsTotal, firstScored: 0, acc);
            return;
        }
        int stride = window - warmup;
        // Window k reads inputs [k*stride, k*stride + window) and scores from position warmup on (all positions for k = 0).
        var full = new List<int>();
        int start = 0;
        for (; start + window <= targetsTotal; start += stride) full.Add(start);
        int batch = (int)Math.Clamp(LogitBudget / ((long)window * lm.Vocabulary.Count), 1, 64);
        for (int i = 0; i < full.Count; i += batch)
        {
            int n = Math.Min(batch, full.Count - i);
            var inputs = new long[n * window];
            var targets = new long[n * window];
            for (int b = 0; b < n; b++)
            {
                int s = full[i + b];
                Array.Copy(stream, s, inputs, b * window, window);
                Array.Copy(stream, s + 1, targets, b * window, window);
                if (s > 0) Array.Fill(targets, -1, b * window, warmup);   // context only
            }
            acc.Add(lm.ComputeLogits(inputs, n, window), targets, n, window, firstScored: 0);
        }
        // The tail: targets after the last full window's end, read with `warmup` tokens of context before them.
        int scoredUpTo = full[^1] + window;              // targets (stream indices) scored so far: 1 .. scoredUpTo
        if (scoredUpTo < targetsTotal + 0)
        {
            int from = Math.Max(0, scoredUpTo - warmup);
            Score(lm, stream, from, targetsTotal - from, firstScored: scoredUpTo - from, acc);
        }
    }

    private static void Score(LanguageModelTransformer lm, long[] stream, int start, int steps, int firstScored, Accumulator acc)
    {
        var inputs = stream.AsSpan(start, steps).ToArray();
        var targets = stream.AsSpan(start + 1, steps).ToArray();
        acc.Add(lm.ComputeLogits(inputs, 1, steps), targets, 1, steps, firstScored);
    }

    /// <summary>Sums -log softmax(logits)[target] over positions whose target is not -1.</summary>
    private sealed class Accumulator(LanguageModelTransformer lm)
    {
        private readonly int _vocabulary = lm.Config.VocabularySize;
        public double LossSum { get; private set; }
        public long Tokens { get; private set; }

        public void Add(float[] logits, long[] targets, int batch, int steps, int firstScored)
        {
            for (int b = 0; b < batch; b++)
            for (int t = firstScored; t < steps; t++)
            {
                long target = targets[b * steps + t];
                if (target < 0) continue;
                var row = logits.AsSpan((b * steps + t) * _vocabulary, _vocabulary);
                float max = float.NegativeInfinity;
                foreach (var x in row) if (x > max) max = x;
                double sum = 0;
                foreach (var x in row) sum += Math.Exp(x - max);
                LossSum += max + Math.Log(sum) - row[(int)target];
                Tokens++;
            }
        }
    }
}
