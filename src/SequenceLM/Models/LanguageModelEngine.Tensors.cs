using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

// Named tensors in and out: parameters, optimizer state, and the recurrent state training carries between windows.
internal sealed partial class LanguageModelEngine
{
    private IReadOnlyList<(string Name, Tensor Tensor)> TensorsOf(TensorKind kind) => kind switch
    {
        TensorKind.Parameters => _core.State,
        TensorKind.OptimizerState => _optimizer?.State ?? Array.Empty<(string, Tensor)>(),
        _ => throw new ArgumentException($"tensor kind must be Parameters or OptimizerState, got {kind}"),
    };

    public IReadOnlyList<NamedTensor> ReadTensors(TensorKind kind)
    {
        using var access = _core.Read();
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        return TensorsOf(kind).Select(t => new NamedTensor(t.Name, t.Tensor.shape, ToArray(t.Tensor))).ToArray();
    }

    /// <summary>Writes tensors by name; every tensor of the model must be given, with its exact shape.</summary>
    public void WriteTensors(TensorKind kind, IReadOnlyCollection<NamedTensor> tensors)
    {
        using var access = _core.Write();
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName[t.Name] = t;
        using var _ = no_grad();
        foreach (var (name, target) in TensorsOf(kind))
        {
            if (!byName.Remove(name, out var source))
                throw new InvalidDataException($"Tensor '{name}' is missing from the weights being loaded.");
            if (!target.shape.SequenceEqual(source.Shape))
                throw new InvalidDataException(
                    $"Tensor '{name}' has shape [{string.Join(",", source.Shape)}] but the model expects [{string.Join(",", target.shape)}].");
            if (source.Data.LongLength != target.numel())
                throw new InvalidDataException($"Tensor '{name}' has {source.Data.LongLength} values for {target.numel()} elements.");
            target.copy_(tensor(source.Data, source.Shape));
        }
        if (byName.Count > 0 && kind == TensorKind.Parameters)
            throw new InvalidDataException($"The weights hold tensors the model does not have: {string.Join(", ", byName.Keys)}.");
    }

    /// <summary>The recurrent state training carries between windows (h, and c for LSTMs, each [layers, batch, hidden]), or null.</summary>
    public IReadOnlyList<NamedTensor>? ReadTrainingState()
    {
        using var access = _core.Read();
        ThrowIfDisposed();
        if (_trainState is not { } state) return null;
        using var scope = NewDisposeScope();
        var list = new List<NamedTensor> { new("h", state.H.shape, ToArray(state.H)) };
        if (state.C is { } c) list.Add(new NamedTensor("c", c.shape, ToArray(c)));
        return list;
    }

    public void WriteTrainingState(IReadOnlyList<NamedTensor> state)
    {
        var h = state.FirstOrDefault(t => t.Name == "h") ?? throw new InvalidDataException("The training state has no 'h' tensor.");
        var c = state.FirstOrDefault(t => t.Name == "c");
        if (!Settings.IsRecurrent) throw new ArgumentException("only recurrent models have a training state");
        long layers = Settings.NumLayers, hidden = Settings.HiddenSize;
        if (h.Shape.Length != 3 || h.Shape[0] != layers || h.Shape[2] != hidden || h.Shape[1] < 1 || h.Data.LongLength != h.ElementCount)
            throw new InvalidDataException($"The training state's 'h' must be [layers = {layers}, batch, hidden = {hidden}].");
        bool lstm = Settings.ModelFamily == ModelFamily.Lstm;
        if (lstm && (c is null || !c.Shape.SequenceEqual(h.Shape) || c.Data.LongLength != c.ElementCount))
            throw new InvalidDataException("An LSTM's training state needs a 'c' tensor shaped like 'h'.");
        using var access = _core.Write();
        ThrowIfDisposed();
        Tensor Load(NamedTensor t) => tensor(t.Data, t.Shape).to(_core.Device).DetachFromDisposeScope();
        _trainState?.Dispose();
        _trainState = new RecurrentState(Load(h), lstm ? Load(c!) : null);
    }

    public void ResetState(bool training, bool evaluation)
    {
        using var access = _core.Write();
        ThrowIfDisposed();
        if (training)
        {
            _trainState?.Dispose();
            _trainState = null;
        }
        if (evaluation)
        {
            _evalState?.Dispose();
            _evalState = null;
        }
    }

    private static float[] ToArray(Tensor t)
    {
        try
        {
            return t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }
        catch (ExternalException e)
        {
            throw TorchErrors.Translate("Reading a tensor", e);
        }
    }
}
