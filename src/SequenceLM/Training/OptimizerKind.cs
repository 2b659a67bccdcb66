namespace Microsoft.ML.SequenceLM;

/// <summary>The optimisation algorithm of a trainer.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent (with optional momentum and L2 weight decay).</summary>
    Sgd,
    /// <summary>Adam; weight decay is added to the gradient (L2), as in torch.optim.Adam.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay, as in torch.optim.AdamW.</summary>
    AdamW,
}
