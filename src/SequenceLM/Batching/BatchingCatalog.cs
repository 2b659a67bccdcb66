namespace Microsoft.ML.SequenceLM;

/// <summary>Training windows on ML.NET's <c>ml.Transforms</c>.</summary>
public static class BatchingCatalog
{
    /// <summary>Cuts the key column into training windows (sequential, random or per-row); see <see cref="WindowOptions"/>.</summary>
    /// <param name="catalog">ML.NET's transforms catalog (<c>ml.Transforms</c>).</param>
    /// <param name="options">Mode, batch size, sequence length and padding.</param>
    /// <param name="inputColumnName">The key column to read (default <c>"Keys"</c>).</param>
    public static WindowingEstimator Window(this TransformsCatalog catalog, WindowOptions? options = null, string inputColumnName = "Keys")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(options, inputColumnName);
    }
}
