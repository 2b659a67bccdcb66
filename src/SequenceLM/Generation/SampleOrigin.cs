namespace Microsoft.ML.SequenceLM;

/// <summary>Where a per-row sample (e.g. a generated name) stands against the data the model was trained on.</summary>
public enum SampleOrigin
{
    /// <summary>Not known: stream models, or a model whose training rows were not recorded.</summary>
    Unknown,
    /// <summary>The sample is one of the training rows (memorised).</summary>
    Training,
    /// <summary>The sample is one of the held-out validation rows (generalised to a real, unseen example).</summary>
    Validation,
    /// <summary>The sample is in neither split: a new sequence.</summary>
    New,
}
