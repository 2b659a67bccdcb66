namespace Microsoft.ML.SequenceLM.Native;

/// <summary>
/// Native sampling loop state for a batch of rows: primed with the prompts, then one native call yields the next
/// token of every row (or several tokens at once when no managed stop check is needed in between).
/// </summary>
internal sealed unsafe class NativeGenerator : IDisposable
{
    private readonly GeneratorHandle _handle;
    private readonly byte[] _finished;

    public int BatchSize { get; }

    private NativeGenerator(GeneratorHandle handle, int batch)
    {
        _handle = handle;
        BatchSize = batch;
        _finished = new byte[batch];
    }

    public static NativeGenerator Create(NativeModel model, IReadOnlyList<long[]> prompts, in NativeSampling sampling,
        ReadOnlySpan<long> bannedTokens)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt row is needed.", nameof(prompts));
        var lengths = new long[prompts.Count];
        var flat = new long[prompts.Sum(p => (long)p.Length)];
        long offset = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Length == 0) throw new ArgumentException($"Prompt row {i} is empty; a row needs at least one token.");
            lengths[i] = prompts[i].Length;
            prompts[i].CopyTo(flat, offset);
            offset += prompts[i].Length;
        }
        fixed (long* p = flat)
        fixed (long* l = lengths)
        fixed (long* b = bannedTokens)
        {
            NativeCall.Check(NativeMethods.GeneratorCreate(model.Handle, p, l, prompts.Count, sampling, b, bannedTokens.Length,
                out var handle), "Priming the generator");
            return new NativeGenerator(handle, prompts.Count);
        }
    }

    /// <summary>Samples <paramref name="count"/> tokens per row into <paramref name="tokens"/> (step-major).</summary>
    public void Next(int count, long stopToken, Span<long> tokens)
    {
        if (tokens.Length != count * BatchSize) throw new ArgumentException("tokens must hold count x batch entries.");
        fixed (long* t = tokens)
        fixed (byte* f = _finished)
            NativeCall.Check(NativeMethods.GeneratorNext(_handle, count, stopToken, t, f), "Generating");
    }

    public bool IsFinished(int row) => _finished[row] != 0;

    public void Dispose() => _handle.Dispose();
}
