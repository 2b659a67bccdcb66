namespace Microsoft.ML.SequenceLM;

/// <summary>The two parts of <see cref="TextCatalog.SplitText"/> (deconstructible).</summary>
/// <param name="TrainSet">The training part.</param>
/// <param name="TestSet">The test part.</param>
public sealed record TextSplit(IDataView TrainSet, IDataView TestSet);

/// <summary>
/// Text loading on ML.NET's <c>ml.Data</c> that keeps the text exactly: ML.NET's <c>LoadFromTextFile</c> drops empty
/// lines and lines starting with <c>//</c> and splits at tabs, which a language model must not do.
/// </summary>
public static class TextCatalog
{
    /// <summary>
    /// Loads a text file as a view with one text column (default <c>"Text"</c>): by default the whole file is one row
    /// (a document); with <see cref="TextDocumentMode.LinePerRow"/> each line is a row. The file is opened only when a
    /// cursor moves. Invalid UTF-8 raises <see cref="InvalidTextEncodingException"/> naming the file and byte offset.
    /// </summary>
    public static IDataView LoadTextDocument(this DataOperationsCatalog catalog, string path, TextDocumentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TextDocumentOptions();
        Check.Defined(options.Mode, $"{nameof(TextDocumentOptions)}.{nameof(TextDocumentOptions.Mode)}");
        Check.NotEmpty(options.ColumnName);
        return new TextDocumentDataView(Path.GetFullPath(path), options);
    }

    /// <summary>
    /// Splits text into a training and a test part. A view with a single row (a whole document) is split inside the
    /// text: the first <c>1 - testFraction</c> of the characters train, the last <paramref name="testFraction"/> test.
    /// A view with several rows is split by rows, chosen by a seeded shuffle (order within each part is kept).
    /// (ML.NET's <c>TrainTestSplit</c> splits rows only.)
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog (<c>ml.Data</c>).</param>
    /// <param name="data">The data to split (split text before tokenizing).</param>
    /// <param name="testFraction">The fraction for the test part, in (0, 1).</param>
    /// <param name="seed">Seed of the row shuffle.</param>
    public static TextSplit SplitText(this DataOperationsCatalog catalog, IDataView data, double testFraction = 0.1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        Check.InRangeExclusive(testFraction, 0, 1, nameof(testFraction));
        var splitter = new TextSplitter(data, testFraction, seed);
        return new TextSplit(splitter.Part(test: false), splitter.Part(test: true));
    }
}
