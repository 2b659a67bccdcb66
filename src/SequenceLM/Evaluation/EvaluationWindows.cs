using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM.Evaluation;

/// <summary>
/// Cuts a token stream for evaluation so that every token but the first is scored exactly once: the text is split
/// into <c>B</c> contiguous streams read in windows of <c>T</c> (the last window of each stream may be shorter), and the
/// few tokens that do not divide evenly among the streams are scored first as a one-row batch, which, like the start of
/// every stream, has no earlier context.
/// </summary>
internal sealed class EvaluationWindows : ITrainingBatchSource
{
    private readonly long[] _stream;
    private readonly int _batch;
    private readonly int _steps;

    public EvaluationWindows(long[] stream, int batchSize, int sequenceLength)
    {
        if (stream.Length < 2) throw new InvalidCorpusException($"The evaluation text has {stream.Length} token(s); at least 2 are needed.", stream.Length, 2);
        _stream = stream;
        _steps = sequenceLength;
        _batch = (int)Math.Clamp((stream.Length - 1L) / sequenceLength, 1, batchSize); // each stream at least one full window
    }

    public bool IsSequential => true;

    public int SequenceLength => _steps;

    public IEnumerable<TokenBatch> Batches(Random? shuffle)
    {
        long predicted = _stream.Length - 1;
        long perStream = predicted / _batch;
        int head = (int)(predicted - perStream * _batch);
        if (head > 0)
            foreach (var window in Windows(start: 0, rows: 1, length: head)) yield return window;
        foreach (var window in Windows(start: head, rows: _batch, length: perStream)) yield return window;
    }

    /// <summary>Windows over <paramref name="rows"/> streams of <paramref name="length"/> predictions each, from <paramref name="start"/>.</summary>
    private IEnumerable<TokenBatch> Windows(long start, int rows, long length)
    {
        for (long at = 0; at < length; at += _steps)
        {
            int steps = (int)Math.Min(_steps, length - at);
            var inputs = new long[rows * steps];
            var targets = new long[rows * steps];
            for (int r = 0; r < rows; r++)
            {
                long from = start + r * length + at;
                Array.Copy(_stream, from, inputs, r * steps, steps);
                Array.Copy(_stream, from + 1, targets, r * steps, steps);
            }
            yield return new TokenBatch(inputs, targets, rows, steps, continuesPrevious: at > 0);
        }
    }
}
