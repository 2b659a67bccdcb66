namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A transformer that can be written into a model file. <see cref="LoaderId"/> names the loader registered with
/// <see cref="TransformerLoaders"/> (or via <see cref="TransformerLoaderAttribute"/>) that recreates it.
/// </summary>
public interface ISaveableTransformer : ITransformer
{
    /// <summary>The id of the loader that reads what <see cref="Save"/> writes, e.g. <c>"tokenize-chars"</c>.</summary>
    string LoaderId { get; }

    /// <summary>Writes the transformer's state as entries of <paramref name="context"/>.</summary>
    void Save(ModelSaveContext context);
}

/// <summary>
/// Marks a transformer class as loadable: the class must declare a static method <c>Load(ModelLoadContext)</c>
/// (any visibility) returning the transformer. Classes in this library and in loaded assemblies that reference it
/// are discovered on the first load; alternatively call <see cref="TransformerLoaders.Register"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TransformerLoaderAttribute : Attribute
{
    /// <summary>Declares the loader id.</summary>
    public TransformerLoaderAttribute(string loaderId) => LoaderId = loaderId;

    /// <summary>The loader id (must equal the transformer's <see cref="ISaveableTransformer.LoaderId"/>).</summary>
    public string LoaderId { get; }
}
