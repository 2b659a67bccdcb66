using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// What a transformer loader reads from: the entries its transformer wrote through <see cref="ModelSaveContext"/>.
/// Entries are found by name among those the manifest lists for this transform; every read is bounded by a maximum
/// size and verified against the size and SHA-256 recorded at save time. Problems raise
/// <see cref="ModelFormatException"/>.
/// </summary>
public sealed class ModelLoadContext
{
    /// <summary>The default maximum size of JSON and text entries (16 MiB).</summary>
    public const long DefaultMaxJsonBytes = 16L << 20;

    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ModelManifest.EntryRecord> _entries;
    private readonly long _archiveLength;

    /// <summary>Deflate expands at most 1032:1; an entry claiming more than this per compressed byte is lying.</summary>
    private const long MaxExpansion = 1100;

    internal ModelLoadContext(ZipArchive archive, string loaderId, string entryPrefix, IEnumerable<ModelManifest.EntryRecord> entries,
        int formatVersion, string libraryVersion, string fileName, long archiveLength = long.MaxValue)
    {
        _archive = archive;
        _archiveLength = archiveLength;
        LoaderId = loaderId;
        EntryPrefix = entryPrefix;
        FormatVersion = formatVersion;
        LibraryVersion = libraryVersion;
        FileName = fileName;
        _entries = entries.ToDictionary(e => e.Name!, StringComparer.Ordinal);
    }

    /// <summary>The loader id the transform was saved with.</summary>
    public string LoaderId { get; }

    /// <summary>The prefix of this transform's entries in the archive.</summary>
    public string EntryPrefix { get; }

    /// <summary>The model file's format version.</summary>
    public int FormatVersion { get; }

    /// <summary>The library version that wrote the file.</summary>
    public string LibraryVersion { get; }

    /// <summary>The file (or stream description) being read, for messages.</summary>
    public string FileName { get; }

    /// <summary>The names of this transform's entries.</summary>
    public IReadOnlyCollection<string> EntryNames => _entries.Keys;

    /// <summary>True when this transform wrote an entry named <paramref name="entryName"/>.</summary>
    public bool ContainsEntry(string entryName) => _entries.ContainsKey(entryName);

    /// <summary>The size in bytes of an entry, as recorded in the manifest.</summary>
    public long GetEntrySize(string entryName) => Record(entryName).Size;

    /// <summary>Reads a JSON entry of at most <paramref name="maxBytes"/> bytes.</summary>
    public T ReadJson<T>(string entryName, long maxBytes = DefaultMaxJsonBytes, JsonSerializerOptions? options = null)
    {
        var bytes = ReadBytes(entryName, maxBytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, options ?? ModelSaveContext.DefaultJsonOptions)
                ?? throw new ModelFormatException(ModelFormatError.Corrupt, $"Entry '{EntryPrefix}{entryName}' of '{FileName}' is empty JSON (null).");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(ModelFormatError.Corrupt, $"Entry '{EntryPrefix}{entryName}' of '{FileName}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads a UTF-8 text entry of at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadText(string entryName, long maxBytes = DefaultMaxJsonBytes) =>
        System.Text.Encoding.UTF8.GetString(ReadBytes(entryName, maxBytes));

    /// <summary>Reads an entry of at most <paramref name="maxBytes"/> bytes, verifying its size and SHA-256.</summary>
    /// <exception cref="ModelFormatException">Missing (<see cref="ModelFormatError.MissingEntry"/>), too large
    /// (<see cref="ModelFormatError.EntryTooLarge"/>), or damaged (<see cref="ModelFormatError.Corrupt"/>).</exception>
    public byte[] ReadBytes(string entryName, long maxBytes)
    {
        var record = Record(entryName);
        long limit = Math.Min(maxBytes, Array.MaxLength);
        if (record.Size > limit)
            throw new ModelFormatException(ModelFormatError.EntryTooLarge,
                $"Entry '{EntryPrefix}{entryName}' of '{FileName}' is {record.Size} bytes; the limit for it is {limit} bytes.");
        var entry = _archive.GetEntry(EntryPrefix + entryName)
            ?? throw new ModelFormatException(ModelFormatError.Corrupt, $"Entry '{EntryPrefix}{entryName}' is listed in the manifest of '{FileName}' but missing from the archive; the file is damaged.{ModelArchive.DamagedFix}");
        // Before allocating what the manifest claims, check that the archive can hold it: the zip's own sizes must agree,
        // and the compressed bytes must fit in the file (so a small hostile file cannot make us allocate gigabytes).
        if (entry.Length != record.Size || entry.CompressedLength > _archiveLength ||
            record.Size > Math.Max(entry.CompressedLength, 1) * MaxExpansion)
            throw new ModelFormatException(ModelFormatError.Corrupt,
                $"Entry '{EntryPrefix}{entryName}' of '{FileName}' claims {record.Size} bytes, but the archive holds {entry.Length} " +
                $"({entry.CompressedLength} compressed); the file is truncated or damaged.{ModelArchive.DamagedFix}");
        var buffer = new byte[record.Size];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(buffer);
            Span<byte> extra = stackalloc byte[1];
            if (stream.Read(extra) != 0) throw new InvalidDataException("the entry is longer than recorded");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new ModelFormatException(ModelFormatError.Corrupt, $"Entry '{EntryPrefix}{entryName}' of '{FileName}' cannot be read ({e.Message}); the file is truncated or damaged.{ModelArchive.DamagedFix}", e);
        }
        string actual = Convert.ToHexStringLower(SHA256.HashData(buffer));
        if (!string.Equals(actual, record.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(ModelFormatError.Corrupt, $"Entry '{EntryPrefix}{entryName}' of '{FileName}' fails its SHA-256 check; the file is damaged.{ModelArchive.DamagedFix}");
        return buffer;
    }

    /// <summary>Creates the exception a loader throws when an entry's content is invalid (e.g. options out of range).</summary>
    public ModelFormatException Corrupt(string message, Exception? innerException = null) =>
        new(ModelFormatError.Corrupt, $"Transform '{LoaderId}' in '{FileName}' is invalid: {message}{ModelArchive.DamagedFix}", innerException);

    private ModelManifest.EntryRecord Record(string entryName)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        return _entries.TryGetValue(entryName, out var r) ? r
            : throw new ModelFormatException(ModelFormatError.MissingEntry,
                $"Transform '{LoaderId}' in '{FileName}' has no entry '{entryName}' (it has: {string.Join(", ", _entries.Keys)}).");
    }
}
