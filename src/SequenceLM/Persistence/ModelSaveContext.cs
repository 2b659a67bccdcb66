using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Where an <see cref="ISaveableTransformer"/> writes its state: named entries inside the model zip, namespaced under
/// the transform's own prefix (<c>transforms/{index}-{loaderId}/</c>). Sizes and SHA-256 hashes of every entry are
/// recorded in the manifest and verified on load.
/// </summary>
public sealed class ModelSaveContext
{
    private readonly ZipArchive _archive;
    private readonly List<ModelManifest.EntryRecord> _entries = new();
    private bool _writing;

    internal ModelSaveContext(ZipArchive archive, string entryPrefix)
    {
        _archive = archive;
        EntryPrefix = entryPrefix;
    }

    /// <summary>The prefix of this transform's entries in the archive.</summary>
    public string EntryPrefix { get; }

    internal List<ModelManifest.EntryRecord> Entries => _entries;

    /// <summary>Writes <paramref name="value"/> as a UTF-8 JSON entry.</summary>
    public void WriteJson<T>(string entryName, T value, JsonSerializerOptions? options = null) =>
        WriteBytes(entryName, JsonSerializer.SerializeToUtf8Bytes(value, options ?? DefaultJsonOptions));

    /// <summary>Writes <paramref name="text"/> as a UTF-8 entry.</summary>
    public void WriteText(string entryName, string text) => WriteBytes(entryName, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes an entry from bytes.</summary>
    /// <param name="entryName">Relative name: letters, digits, '.', '_', '-' and '/' separators (no '..').</param>
    /// <param name="content">The bytes.</param>
    /// <param name="compress">False stores the bytes uncompressed (faster for incompressible data such as weights).</param>
    public void WriteBytes(string entryName, ReadOnlySpan<byte> content, bool compress = true)
    {
        using var stream = CreateEntry(entryName, compress);
        stream.Write(content);
    }

    /// <summary>Writes an entry by copying <paramref name="content"/> from its current position to its end.</summary>
    public void WriteBytes(string entryName, Stream content, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = CreateEntry(entryName, compress);
        content.CopyTo(stream);
    }

    /// <summary>
    /// Opens a new entry for writing (for large data written in pieces). Dispose the stream before writing another entry.
    /// </summary>
    public Stream CreateEntry(string entryName, bool compress = true)
    {
        ValidateEntryName(entryName);
        if (_writing) throw new InvalidOperationException("Dispose the previous entry stream before creating another entry.");
        if (_entries.Any(e => e.Name == entryName)) throw new ArgumentException($"Entry '{entryName}' was already written by this transform.", nameof(entryName));
        var entry = _archive.CreateEntry(EntryPrefix + entryName, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        _writing = true;
        return new HashingWriteStream(entry.Open(), (size, hash) =>
        {
            _entries.Add(new ModelManifest.EntryRecord { Name = entryName, Size = size, Sha256 = Convert.ToHexStringLower(hash) });
            _writing = false;
        });
    }

    /// <summary>The JSON options used when none are given: enums as strings, camelCase-insensitive reading.</summary>
    public static JsonSerializerOptions DefaultJsonOptions { get; } = new()
    {
        WriteIndented = false,
        PropertyNameCaseInsensitive = true,
        MaxDepth = 32,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    internal static void ValidateEntryName(string entryName)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        bool ok = entryName.Length <= 200 && !entryName.StartsWith('/') && !entryName.EndsWith('/') &&
                  entryName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/') &&
                  entryName.Split('/').All(seg => seg.Length > 0 && seg != "." && seg != "..");
        if (!ok)
            throw new ArgumentException($"Entry name '{entryName}' is invalid: use up to 200 ASCII letters, digits, '.', '_', '-' and '/' separators, with no empty, '.' or '..' segments.", nameof(entryName));
    }

    /// <summary>A write-only stream that counts and hashes what passes through.</summary>
    private sealed class HashingWriteStream(Stream inner, Action<long, byte[]> onClose) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;
        private bool _closed;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !_closed;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _hash.AppendData(buffer);
            inner.Write(buffer);
            _length += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                inner.Dispose();
                onClose(_length, _hash.GetHashAndReset());
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
