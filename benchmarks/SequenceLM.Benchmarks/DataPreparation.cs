namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// Turns a corpus into the int64 batches both sides read (so that both train on identical batches, and neither
/// side's timing includes tokenisation). File layout, little-endian int64:
/// train:    count, then per batch: B, T, inputs[B*T], targets[B*T]
/// generate: B, L, prompts[B*L]
/// </summary>
public static class DataPreparation
{
    public const long Pad = 0, Boundary = 1; // per-line vocabularies: 0 padding (ignored in the loss), 1 start/end of line

    public static BenchSpec Prepare(BenchSpec spec, string dataDirectory, string outputFile)
    {
        var text = File.ReadAllText(Path.Combine(dataDirectory, spec.Corpus));
        return spec.Tokens switch
        {
            "lines" => Lines(spec, text, outputFile),
            "words" => Stream(spec, Words(text), outputFile),
            _ => Stream(spec, Chars(text), outputFile),
        };
    }

    private static (long[] Ids, long Vocab) Chars(string text)
    {
        var vocab = text.Distinct().OrderBy(c => c).Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        return (text.Select(c => vocab[c]).ToArray(), vocab.Count);
    }

    // word_language_model's corpus: words split on white space, "<eos>" at each line end, ids in order of appearance.
    private static (long[] Ids, long Vocab) Words(string text)
    {
        var vocab = new Dictionary<string, long>(StringComparer.Ordinal);
        var ids = new List<long>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            foreach (var w in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("<eos>"))
            {
                if (!vocab.TryGetValue(w, out var id)) vocab[w] = id = vocab.Count;
                ids.Add(id);
            }
        }
        return (ids.ToArray(), vocab.Count);
    }

    // Consecutive windows of a stream split into B rows (batchify), wrapping around when the corpus is short.
    private static BenchSpec Stream(BenchSpec spec, (long[] Ids, long Vocab) corpus, string outputFile)
    {
        var (ids, vocab) = corpus;
        int b = spec.Batch;
        long rowLength = ids.Length / b;
        using var w = new BinaryWriter(File.Create(outputFile));
        if (spec.Task == "generate")
        {
            w.Write((long)b);
            w.Write((long)spec.PromptLength);
            for (int r = 0; r < b; r++)
                for (int t = 0; t < spec.PromptLength; t++) w.Write(ids[r * rowLength + t]);
            return spec with { Vocab = vocab };
        }
        spec = (spec with { Vocab = vocab }).WithBudgetedSteps();
        int t0 = spec.Sequence, count = spec.Warmup + spec.Steps;
        long windows = (rowLength - 1) / t0;
        w.Write((long)count);
        for (int i = 0; i < count; i++)
        {
            long start = i % windows * t0;
            w.Write((long)b);
            w.Write((long)t0);
            for (int r = 0; r < b; r++)
                for (int t = 0; t < t0; t++) w.Write(ids[r * rowLength + start + t]);
            for (int r = 0; r < b; r++)
                for (int t = 0; t < t0; t++) w.Write(ids[r * rowLength + start + t + 1]);
        }
        return spec;
    }

    // makemore: each line is "<boundary> c1 .. cn" -> "c1 .. cn <boundary>", rows padded to the batch's longest line.
    private static BenchSpec Lines(BenchSpec spec, string text, string outputFile)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chars = lines.SelectMany(l => l).Distinct().OrderBy(c => c).Select((c, i) => (c, i))
            .ToDictionary(p => p.c, p => (long)p.i + 2);
        long vocab = chars.Count + 2;
        var random = new Random(1234);
        random.Shuffle(lines);
        using var w = new BinaryWriter(File.Create(outputFile));
        int b = spec.Batch;
        if (spec.Task == "generate")
        {
            w.Write((long)b);
            w.Write(1L);
            for (int r = 0; r < b; r++) w.Write(Boundary);
            return spec with { Vocab = vocab };
        }
        int count = spec.Warmup + spec.Steps;
        w.Write((long)count);
        for (int i = 0; i < count; i++)
        {
            var rows = Enumerable.Range(0, b).Select(r => lines[(i * b + r) % lines.Length]).ToArray();
            int t = rows.Max(l => l.Length) + 1;
            w.Write((long)b);
            w.Write((long)t);
            foreach (var row in rows)
                for (int k = 0; k < t; k++) w.Write(k == 0 ? Boundary : k <= row.Length ? chars[row[k - 1]] : Pad);
            foreach (var row in rows)
                for (int k = 0; k < t; k++) w.Write(k < row.Length ? chars[row[k]] : k == row.Length ? Boundary : Pad);
        }
        return spec with { Vocab = vocab, Sequence = 0 };
    }

    public sealed record Batch(int Size, int Steps, long[] Inputs, long[] Targets)
    {
        /// <summary>Targets that carry loss: all but padding (ignoreIndex &lt; 0: all).</summary>
        public long LossTokens(long ignoreIndex) => ignoreIndex >= 0 ? Targets.Count(t => t != ignoreIndex) : Targets.Length;
    }

    public static List<Batch> ReadBatches(string file)
    {
        using var r = new BinaryReader(File.OpenRead(file));
        long count = r.ReadInt64();
        var batches = new List<Batch>();
        for (long i = 0; i < count; i++)
        {
            int b = (int)r.ReadInt64(), t = (int)r.ReadInt64();
            var x = new long[b * t];
            var y = new long[b * t];
            for (int k = 0; k < x.Length; k++) x[k] = r.ReadInt64();
            for (int k = 0; k < y.Length; k++) y[k] = r.ReadInt64();
            batches.Add(new Batch(b, t, x, y));
        }
        return batches;
    }

    public static long[][] ReadPrompts(string file)
    {
        using var r = new BinaryReader(File.OpenRead(file));
        int b = (int)r.ReadInt64(), l = (int)r.ReadInt64();
        var rows = new long[b][];
        for (int i = 0; i < b; i++)
        {
            rows[i] = new long[l];
            for (int k = 0; k < l; k++) rows[i][k] = r.ReadInt64();
        }
        return rows;
    }
}
