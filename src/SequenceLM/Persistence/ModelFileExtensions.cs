using System.Runtime.ExceptionServices;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

// In namespace Microsoft.ML, beside ML.NET's own catalogs, so that `ml.Model.` lists these without another using.
namespace Microsoft.ML;

/// <summary>Saving and loading ML.NET model zips with the guarantees of Microsoft.ML.SequenceLM.</summary>
public static class ModelFileExtensions
{
    /// <summary>
    /// Like <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>, which writes the file in
    /// place (a crash mid-save leaves a broken file), but atomic: the model goes to a temporary file beside
    /// <paramref name="path"/>, is flushed to disk, then renamed over it. Readers see the old model or the new one.
    /// </summary>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        AtomicFile.Write(path, stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>
    /// Like <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>, but every way the file can be
    /// unreadable comes out as one <see cref="ModelFormatException"/> whose <see cref="ModelFormatException.Reason"/>
    /// says why (not a zip, not an ML.NET model, damaged or truncated, written by a newer version), where ML.NET
    /// throws a mix of exceptions, and wraps those of our components in <see cref="System.Reflection.TargetInvocationException"/>.
    /// A missing file is still <see cref="FileNotFoundException"/>.
    /// </summary>
    public static ITransformer LoadLanguageModel(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        using var stream = File.OpenRead(path);
        return LoadLanguageModel(catalog, stream, out inputSchema, Path.GetFileName(path));
    }

    /// <inheritdoc cref="LoadLanguageModel(ModelOperationsCatalog, string, out DataViewSchema)"/>
    /// <param name="catalog">The catalog of the context that loads the model.</param>
    /// <param name="stream">A readable, seekable stream positioned at the start of the model.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    /// <param name="description">Names the model in messages (e.g. its file name).</param>
    public static ITransformer LoadLanguageModel(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema,
        string description = "the model")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("The stream must be seekable.", nameof(stream));
        long start = stream.Position;
        ModelZipCheck.ThrowUnlessReadableModelZip(stream, description);
        stream.Position = start;
        try
        {
            return catalog.Load(stream, out inputSchema);
        }
        catch (Exception e) when (MLNetLoadFailure.Translate(e, description) is { } typed)
        {
            // Keeps the stack trace of our loader's exception when it is the one found inside ML.NET's wrappers.
            ExceptionDispatchInfo.Throw(typed);
            throw;
        }
    }
}
