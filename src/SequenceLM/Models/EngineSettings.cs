namespace Microsoft.ML.SequenceLM.Models;

// The engine's inputs, one plain struct per call kind. Field names are those of the former native structs, so that
// code written against them only changes the type name.

/// <summary>Architecture and seed of a model to create (see <see cref="LanguageModelConfig.ToEngineSettings"/>).</summary>
internal struct ModelSettings
{
    public int Family;          // (int)ModelFamily
    public int NumLayers;       // MLP: hidden layers; WaveNet: log2(ContextLength) levels
    public long VocabSize;
    public long EmbeddingSize;  // recurrent: 0 means one-hot input; transformer: ignored (width = HiddenSize); MLP, WaveNet: per token
    public long HiddenSize;     // recurrent hidden size, or the transformer's width
    public int NumHeads;
    public int Positional;      // transformer: 0 learned, 1 sinusoidal (token embeddings then scaled by sqrt(width))
    public long ContextLength;  // transformer: longest window; bigram, MLP, WaveNet: tokens each prediction sees
    public long FfnSize;        // transformer: 0 means 4 x width
    public float Dropout;       // recurrent: between layers, after the embedding and before the head; transformer: residual and attention
    public int TieWeights;      // the output layer shares the embedding matrix (needs EmbeddingSize == HiddenSize)
    public bool NoBias;         // transformer: linear and LayerNorm layers (and the head) without biases, as nanoGPT's bias=False
    public int Initialization;  // transformer: (int)TransformerInitialization
    public int Gelu;            // transformer: (int)GeluApproximation
    public long IgnoreIndex;    // targets equal to it carry no loss (padding); negative: none
    public ulong Seed;          // initialisation seed

    public readonly ModelFamily ModelFamily => (ModelFamily)Family;
    public readonly bool IsRecurrent => ModelFamily is ModelFamily.RnnTanh or ModelFamily.RnnRelu or ModelFamily.Gru or ModelFamily.Lstm;
}

/// <summary>The optimizer: Type 0 SGD, 1 Adam, 2 AdamW.</summary>
internal struct OptimizerSettings
{
    public int Type;
    public float Momentum;     // SGD
    public float Beta1;
    public float Beta2;
    public float Eps;
    public float WeightDecay;  // SGD/Adam: L2 added to the gradient; AdamW: decoupled
    public bool DecayAll;      // false: only matrices and embeddings decay (2+ dimensions), not biases or norm gains
}

/// <summary>One training step's settings.</summary>
internal struct StepSettings
{
    public float LearningRate;
    public float ClipNorm;   // <= 0: no clipping
    public int CarryState;   // recurrent: start from the state the previous step left (detached), truncated BPTT
    public ulong Seed;       // seeds dropout for this step, so that a resumed run repeats an uninterrupted one
    public IGradientExchange? Exchange;  // data-parallel: averages loss and gradients over the processes before clipping
}
