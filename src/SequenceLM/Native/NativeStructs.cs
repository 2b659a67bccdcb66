using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Native;

// Mirrors of the structs in native/include/sequencelm.h; field order and sizes must match it exactly.

internal enum NativeStatus
{
    Ok = 0,
    Error = 1,
    InvalidArgument = 2,
    DeviceUnavailable = 3,
    OutOfMemory = 4,
}

internal enum NativeFamily
{
    RnnTanh = 0,
    RnnRelu = 1,
    Gru = 2,
    Lstm = 3,
    Transformer = 4,
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeModelConfig
{
    public int Family;
    public int NumLayers;
    public long VocabSize;
    public long EmbeddingSize;
    public long HiddenSize;
    public int NumHeads;
    public int Positional;
    public long ContextLength;
    public long FfnSize;
    public float Dropout;
    public int TieWeights;
    public long IgnoreIndex;
    public ulong Seed;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeOptimizerConfig
{
    public int Type;
    public float Momentum;
    public float Beta1;
    public float Beta2;
    public float Eps;
    public float WeightDecay;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeStepOptions
{
    public float LearningRate;
    public float ClipNorm;
    public int CarryState;
    public ulong Seed;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeSampling
{
    public float Temperature;
    public int TopK;
    public float TopP;
    public ulong Seed;
}
