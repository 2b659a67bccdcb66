namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Model operations: <c>ml.Model</c> — prediction engines, saving and loading. Other members may be declared in
/// other parts of this partial class.
/// </summary>
public sealed partial class ModelOperationsCatalog
{
    internal ModelOperationsCatalog(SequenceLMContext context) => Context = context;

    /// <summary>The context this catalog belongs to.</summary>
    internal SequenceLMContext Context { get; }

    /// <summary>Creates an engine that applies <paramref name="transformer"/> to single objects.</summary>
    /// <exception cref="SchemaMismatchException"><typeparamref name="TSrc"/> lacks a column the model needs, or <typeparamref name="TDst"/> has a member the output lacks.</exception>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer)
        where TSrc : class
        where TDst : class, new() => new(transformer);

    /// <summary>
    /// Saves a model (a transformer or a chain of them, each <see cref="ISaveableTransformer"/>) and its input schema
    /// to one zip file. The write is atomic: the file is written beside the target, flushed to disk, then moved over
    /// it, so a failure leaves any previous file intact.
    /// </summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, string filePath) => ModelArchive.SaveToFile(model, inputSchema, filePath);

    /// <summary>Saves a model and its input schema to a stream (see <see cref="Save(ITransformer, DataViewSchema?, string)"/>).</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream) => ModelArchive.Save(model, inputSchema, stream);

    /// <summary>
    /// Loads a model saved by <see cref="Save(ITransformer, DataViewSchema?, string)"/>. A saved chain is returned as a
    /// <see cref="TransformerChain{TLastTransformer}"/> whose type argument is the last transformer's type.
    /// </summary>
    /// <exception cref="ModelFormatException">Not a model file, damaged or truncated, written by a newer version, or an unknown transform; see <see cref="ModelFormatException.Reason"/>.</exception>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema) => ModelArchive.LoadFromFile(filePath, out inputSchema);

    /// <summary>Loads a model from a stream (see <see cref="Load(string, out DataViewSchema)"/>).</summary>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema) => ModelArchive.Load(stream, "stream", out inputSchema);
}
