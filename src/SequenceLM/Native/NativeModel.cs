using System.Text;
using Microsoft.ML.SequenceLM.Native;

namespace Microsoft.ML.SequenceLM.Native;

/// <summary>Which named tensors of a native model to read or write.</summary>
internal enum TensorKind
{
    Parameters = 0,
    OptimizerState = 1,
}

/// <summary>
/// A libtorch model behind a SafeHandle. One native call per training step, evaluation batch or generated token;
/// token batches cross as pinned int64 buffers.
/// </summary>
internal sealed unsafe class NativeModel : IDisposable
{
    private readonly ModelHandle _handle;

    private NativeModel(ModelHandle handle) => _handle = handle;

    internal ModelHandle Handle => _handle;

    public static NativeModel Create(in NativeModelConfig config, string device)
    {
        NativeLibraryLoader.EnsureInitialized();
        NativeCall.Check(NativeMethods.ModelCreate(config, device, out var handle), "Creating the model");
        return new NativeModel(handle);
    }

    public string Device
    {
        get
        {
            var buffer = stackalloc byte[64];
            NativeCall.Check(NativeMethods.ModelDevice(_handle, buffer, 64), "Reading the model's device");
            return Encoding.UTF8.GetString(new ReadOnlySpan<byte>(buffer, 64).TrimEnd((byte)0));
        }
    }

    public long ParameterCount
    {
        get
        {
            NativeCall.Check(NativeMethods.ModelParameterCount(_handle, out var count), "Counting parameters");
            return count;
        }
    }

    public IReadOnlyList<NamedTensor> ReadTensors(TensorKind kind)
    {
        NativeCall.Check(NativeMethods.ModelTensorCount(_handle, (int)kind, out var count), "Listing tensors");
        var tensors = new List<NamedTensor>(count);
        for (int i = 0; i < count; i++)
        {
            var (name, shape) = TensorInfo(kind, i);
            var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
            fixed (float* p = data)
                NativeCall.Check(NativeMethods.ModelTensorRead(_handle, (int)kind, i, p, data.LongLength), $"Reading tensor {name}");
            tensors.Add(new NamedTensor(name, shape, data));
        }
        return tensors;
    }

    /// <summary>Writes tensors by name; every tensor of the model must be given, with its exact shape.</summary>
    public void WriteTensors(TensorKind kind, IReadOnlyCollection<NamedTensor> tensors)
    {
        NativeCall.Check(NativeMethods.ModelTensorCount(_handle, (int)kind, out var count), "Listing tensors");
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName[t.Name] = t;
        for (int i = 0; i < count; i++)
        {
            var (name, shape) = TensorInfo(kind, i);
            if (!byName.Remove(name, out var tensor))
                throw new InvalidDataException($"Tensor '{name}' is missing from the weights being loaded.");
            if (!shape.SequenceEqual(tensor.Shape))
                throw new InvalidDataException(
                    $"Tensor '{name}' has shape [{string.Join(",", tensor.Shape)}] but the model expects [{string.Join(",", shape)}].");
            fixed (float* p = tensor.Data)
                NativeCall.Check(NativeMethods.ModelTensorWrite(_handle, (int)kind, i, p, tensor.Data.LongLength), $"Writing tensor {name}");
        }
        if (byName.Count > 0 && kind == TensorKind.Parameters)
            throw new InvalidDataException($"The weights hold tensors the model does not have: {string.Join(", ", byName.Keys)}.");
    }

    private (string Name, long[] Shape) TensorInfo(TensorKind kind, int index)
    {
        var name = stackalloc byte[512];
        var shape = stackalloc long[8];
        NativeCall.Check(NativeMethods.ModelTensorInfo(_handle, (int)kind, index, name, 512, shape, 8, out var ndim), "Reading tensor info");
        var text = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 512).TrimEnd((byte)0));
        int nul = text.IndexOf('\0');
        if (nul >= 0) text = text[..nul];
        return (text, new ReadOnlySpan<long>(shape, ndim).ToArray());
    }

    public void SetOptimizer(in NativeOptimizerConfig config) =>
        NativeCall.Check(NativeMethods.ModelSetOptimizer(_handle, config), "Configuring the optimizer");

    public long OptimizerSteps
    {
        get
        {
            NativeCall.Check(NativeMethods.ModelOptimizerSteps(_handle, out var steps), "Reading optimizer steps");
            return steps;
        }
        set => NativeCall.Check(NativeMethods.ModelSetOptimizerSteps(_handle, value), "Setting optimizer steps");
    }

    public (float Loss, float GradNorm) TrainStep(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps,
        in NativeStepOptions options)
    {
        CheckBatch(inputs, targets, batch, steps);
        fixed (long* x = inputs)
        fixed (long* y = targets)
        {
            NativeCall.Check(NativeMethods.TrainStep(_handle, x, y, batch, steps, options, out var loss, out var norm), "Training step");
            return (loss, norm);
        }
    }

    /// <summary>Starts (true) or stops (false) keeping the weights of the last step whose loss was finite.</summary>
    public void KeepLastGoodWeights(bool keep) =>
        NativeCall.Check(NativeMethods.ModelLastGood(_handle, keep ? 1 : 0, out _), "Keeping the last good weights");

    /// <summary>Writes the kept weights back; false when no step had a finite loss since keeping started.</summary>
    public bool RestoreLastGoodWeights()
    {
        NativeCall.Check(NativeMethods.ModelLastGood(_handle, 2, out var restored), "Restoring the last good weights");
        return restored != 0;
    }

    /// <summary>The recurrent state training carries between windows (h, and c for LSTMs, each [layers, batch, hidden]), or null.</summary>
    public IReadOnlyList<NamedTensor>? ReadTrainingState(LanguageModelConfig config)
    {
        NativeCall.Check(NativeMethods.ModelTrainStateBatch(_handle, out var batch), "Reading the training state");
        if (batch == 0) return null;
        var shape = new long[] { config.NumberOfLayers, batch, config.HiddenSize };
        var h = new float[shape[0] * shape[1] * shape[2]];
        var c = config.Family == ModelFamily.Lstm ? new float[h.Length] : null;
        fixed (float* ph = h)
        fixed (float* pc = c)
            NativeCall.Check(NativeMethods.ModelTrainStateRead(_handle, ph, pc, h.Length), "Reading the training state");
        var state = new List<NamedTensor> { new("h", shape, h) };
        if (c != null) state.Add(new NamedTensor("c", shape, c));
        return state;
    }

    public void WriteTrainingState(IReadOnlyList<NamedTensor> state)
    {
        var h = state.FirstOrDefault(t => t.Name == "h") ?? throw new InvalidDataException("The training state has no 'h' tensor.");
        var c = state.FirstOrDefault(t => t.Name == "c");
        if (h.Shape.Length != 3) throw new InvalidDataException("The training state's 'h' must be [layers, batch, hidden].");
        fixed (float* ph = h.Data)
        fixed (float* pc = c?.Data)
            NativeCall.Check(NativeMethods.ModelTrainStateWrite(_handle, ph, pc, h.Shape[1], h.Data.LongLength), "Restoring the training state");
    }

    public void ResetState(bool training, bool evaluation) =>
        NativeCall.Check(NativeMethods.ResetState(_handle, (training ? 1 : 0) | (evaluation ? 2 : 0)), "Resetting state");

    public (double LossSum, long Tokens) EvaluateBatch(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps,
        bool carryState, Span<double> positionLoss = default, Span<long> positionCount = default)
    {
        CheckBatch(inputs, targets, batch, steps);
        if (!positionLoss.IsEmpty && (positionLoss.Length != steps || positionCount.Length != steps))
            throw new ArgumentException("Per-position buffers must have one entry per step.");
        fixed (long* x = inputs)
        fixed (long* y = targets)
        fixed (double* pl = positionLoss)
        fixed (long* pc = positionCount)
        {
            NativeCall.Check(NativeMethods.EvaluateBatch(_handle, x, y, batch, steps, carryState ? 1 : 0, out var sum, out var count,
                positionLoss.IsEmpty ? null : pl, positionLoss.IsEmpty ? null : pc), "Evaluating a batch");
            return (sum, count);
        }
    }

    public float[] ForwardLogits(ReadOnlySpan<long> inputs, int batch, int steps, long vocabSize)
    {
        if (inputs.Length != (long)batch * steps) throw new ArgumentException("inputs must hold batch x steps tokens.");
        var logits = new float[(long)batch * steps * vocabSize];
        fixed (long* x = inputs)
        fixed (float* l = logits)
            NativeCall.Check(NativeMethods.ForwardLogits(_handle, x, batch, steps, l), "Computing logits");
        return logits;
    }

    public float[] HiddenGradientNorms(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps)
    {
        CheckBatch(inputs, targets, batch, steps);
        var norms = new float[steps];
        fixed (long* x = inputs)
        fixed (long* y = targets)
        fixed (float* n = norms)
            NativeCall.Check(NativeMethods.HiddenGradientNorms(_handle, x, y, batch, steps, n), "Computing hidden-state gradients");
        return norms;
    }

    private static void CheckBatch(ReadOnlySpan<long> inputs, ReadOnlySpan<long> targets, int batch, int steps)
    {
        if (batch <= 0 || steps <= 0) throw new ArgumentOutOfRangeException(nameof(batch), "Batch and steps must be positive.");
        if (inputs.Length != (long)batch * steps || targets.Length != (long)batch * steps)
            throw new ArgumentException($"inputs and targets must each hold batch x steps = {batch * steps} tokens.");
    }

    public void Dispose() => _handle.Dispose();
}
