namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Fingerprints (64-bit FNV-1a of the keys) of the training and validation rows of a per-row model, so a generated
/// sample can be told apart as memorised, a held-out example, or new — the makemore-style report.
/// </summary>
internal sealed class RowRegistry
{
    private readonly HashSet<ulong> _training;
    private readonly HashSet<ulong> _validation;

    public RowRegistry(IEnumerable<ulong> training, IEnumerable<ulong> validation)
    {
        _training = new HashSet<ulong>(training);
        _validation = new HashSet<ulong>(validation);
    }

    public static RowRegistry From(IEnumerable<ReadOnlyMemory<long>> training, IEnumerable<ReadOnlyMemory<long>> validation) =>
        new(training.Select(r => Fingerprint(r.Span)), validation.Select(r => Fingerprint(r.Span)));

    public IReadOnlyCollection<ulong> Training => _training;
    public IReadOnlyCollection<ulong> Validation => _validation;

    public SampleOrigin Classify(ReadOnlySpan<long> keys)
    {
        var print = Fingerprint(keys);
        if (_training.Contains(print)) return SampleOrigin.Training;
        if (_validation.Contains(print)) return SampleOrigin.Validation;
        return SampleOrigin.New;
    }

    public static ulong Fingerprint(ReadOnlySpan<long> keys)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var key in keys)
        {
            hash ^= (ulong)key;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
