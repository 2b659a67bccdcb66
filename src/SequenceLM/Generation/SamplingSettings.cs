namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>How a generation session picks each token.</summary>
internal struct SamplingSettings
{
    public float Temperature;  // <= 0: greedy
    public int TopK;           // <= 0: off
    public float TopP;         // >= 1 or <= 0: off
    public ulong Seed;
}
