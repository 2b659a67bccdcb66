using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A text file as a view with one text column: the whole file as one row, or one row per line. Nothing is read until
/// a cursor moves. Whole-document mode reads the file once and keeps the text; line mode streams lines per cursor.
/// </summary>
internal sealed class TextDocumentDataView : IDataView
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly string _path;
    private readonly TextDocumentOptions _options;
    private readonly Encoding _encoding;
    private readonly Lazy<string> _document;

    public TextDocumentDataView(string path, TextDocumentOptions options)
    {
        _path = path;
        _options = options;
        _encoding = options.Encoding ?? StrictUtf8;
        _document = new Lazy<string>(ReadDocument, LazyThreadSafetyMode.PublicationOnly);
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(options.ColumnName, TextDataViewType.Instance);
        Schema = schema.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _options.Mode == TextDocumentMode.WholeDocument ? 1 : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        bool active = DelegateCursor.ActiveMask(Schema, columnsNeeded)[0];
        ReadOnlyMemory<char> current = default;
        var getters = new Delegate?[] { active ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = current) : null };

        if (_options.Mode == TextDocumentMode.WholeDocument)
        {
            bool done = false;
            return new DelegateCursor(Schema, () =>
            {
                if (done) return false;
                done = true;
                current = _document.Value.AsMemory();
                return true;
            }, getters);
        }

        StreamReader? reader = null;
        return new DelegateCursor(Schema, () =>
        {
            reader ??= OpenReader();
            while (true)
            {
                string? line;
                try { line = reader.ReadLine(); }
                catch (DecoderFallbackException e) { throw EncodingError(e); }
                if (line == null) return false;
                if (_options.SkipEmptyLines && string.IsNullOrWhiteSpace(line)) continue;
                current = line.AsMemory();
                return true;
            }
        }, getters, () => reader?.Dispose());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private StreamReader OpenReader()
    {
        if (!File.Exists(_path)) throw new FileNotFoundException($"Text file '{_path}' does not exist.", _path);
        return new StreamReader(_path, _encoding, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
    }

    private string ReadDocument()
    {
        using var reader = OpenReader();
        try { return reader.ReadToEnd(); }
        catch (DecoderFallbackException e) { throw EncodingError(e); }
    }

    private InvalidTextEncodingException EncodingError(DecoderFallbackException e)
    {
        long offset = _encoding is UTF8Encoding ? FindInvalidUtf8Offset(_path) : -1;
        return new InvalidTextEncodingException(_path, offset, _encoding is UTF8Encoding ? "UTF-8" : _encoding.WebName, e);
    }

    /// <summary>Returns the byte offset of the first invalid UTF-8 sequence in the file, or -1 when the file is valid.</summary>
    internal static long FindInvalidUtf8Offset(string path)
    {
        using var stream = File.OpenRead(path);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        char[] chars = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            long consumedTotal = 0;
            int carry = 0;
            while (true)
            {
                int read = stream.Read(buffer, carry, (1 << 16) - carry);
                int available = carry + read;
                bool final = read == 0;
                var src = buffer.AsSpan(0, available);
                while (true)
                {
                    var status = Utf8.ToUtf16(src, chars.AsSpan(0, 1 << 16), out int bytesRead, out _, replaceInvalidSequences: false, isFinalBlock: final);
                    consumedTotal += bytesRead;
                    src = src[bytesRead..];
                    if (status == OperationStatus.InvalidData) return consumedTotal;
                    if (status == OperationStatus.DestinationTooSmall) continue;
                    break; // Done or NeedMoreData
                }
                if (final) return -1;
                carry = src.Length;
                src.CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
