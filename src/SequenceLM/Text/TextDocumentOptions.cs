using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>How <see cref="TextCatalog.LoadTextDocument"/> turns a file into rows.</summary>
public enum TextDocumentMode
{
    /// <summary>The whole file is one row (one document), read in one go when a cursor first needs it.</summary>
    WholeDocument,
    /// <summary>Each line is one row (line terminators removed), streamed line by line.</summary>
    LinePerRow,
}

/// <summary>Options of <see cref="TextCatalog.LoadTextDocument"/>.</summary>
public sealed class TextDocumentOptions
{
    /// <summary>Whole document (default) or one row per line.</summary>
    public TextDocumentMode Mode { get; set; } = TextDocumentMode.WholeDocument;

    /// <summary>
    /// The file's encoding. Null (default) means strict UTF-8: a byte-order mark is skipped and invalid bytes raise
    /// <see cref="InvalidTextEncodingException"/> naming the file and byte offset. An encoding with a replacement
    /// fallback (such as <see cref="Encoding.UTF8"/>) accepts invalid bytes instead.
    /// </summary>
    public Encoding? Encoding { get; set; }

    /// <summary>In <see cref="TextDocumentMode.LinePerRow"/> mode, skip lines that are empty or white space (default true).</summary>
    public bool SkipEmptyLines { get; set; } = true;

    /// <summary>The name of the text column (default <c>"Text"</c>).</summary>
    public string ColumnName { get; set; } = "Text";
}
