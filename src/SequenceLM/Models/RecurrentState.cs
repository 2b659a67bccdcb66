using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>A recurrent model's state between calls: h (and c, LSTMs only), each [layers, batch, hidden].</summary>
internal sealed class RecurrentState(Tensor h, Tensor? c) : IDisposable
{
    public Tensor H { get; } = h;
    public Tensor? C { get; } = c;

    public long Batch => H.size(1);

    /// <summary>The same values, cut from the graph that produced them (truncated backpropagation through time).</summary>
    public RecurrentState detach() => new(H.detach(), C?.detach());

    /// <summary>Keeps the tensors beyond the current dispose scope; the owner disposes them.</summary>
    public RecurrentState Keep()
    {
        H.DetachFromDisposeScope();
        C?.DetachFromDisposeScope();
        return this;
    }

    public void Dispose()
    {
        H.Dispose();
        C?.Dispose();
    }
}
