namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Sums one training step's flat buffer over the processes of a data-parallel run, in one collective call. The buffer
/// is <c>[gradients × w, loss × w, w, control…]</c>, <c>w</c> being the process's scored targets; the exchange writes
/// its <see cref="ControlLength"/> control values (stop requests) into the tail before summing and reads them after.
/// </summary>
internal interface IGradientExchange
{
    int ControlLength { get; }

    void Sum(Span<float> buffer);
}
