using System.IO.Compression;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>
/// Reads a whole ML.NET model zip once before ML.NET does, so that the failures ML.NET reports vaguely (or not at all)
/// come out typed: not a zip, a zip that ML.NET did not write, a truncated zip, an entry whose data is damaged (the zip
/// reader checks each entry's CRC-32 when the entry is read to its end).
/// </summary>
internal static class ModelZipCheck
{
    // ML.NET writes each component's header into an entry of this name (ModelLoadContext.ModelStreamName).
    private const string ComponentEntryName = "Model.key";

    private static ReadOnlySpan<byte> LocalFileHeader => "PK\u0003\u0004"u8;

    public static void ThrowUnlessReadableModelZip(Stream stream, string description)
    {
        long start = stream.Position;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            stream.Position = start;
            throw StartsLikeAZip(stream)
                ? ModelFileErrors.Corrupt($"'{description}' is a damaged or truncated zip file ({e.Message}).", e)
                : ModelFileErrors.NotAModel($"'{description}' is not a zip file.", e);
        }
        using (zip)
        {
            if (!zip.Entries.Any(e => e.Name.Equals(ComponentEntryName, StringComparison.OrdinalIgnoreCase)))
                throw ModelFileErrors.NotAModel($"'{description}' is a zip file without any ML.NET component ({ComponentEntryName}) in it.");
            foreach (var entry in zip.Entries)
                ReadToEnd(entry, description);
        }
    }

    private static void ReadToEnd(ZipArchiveEntry entry, string description)
    {
        try
        {
            using var data = entry.Open();
            data.CopyTo(Stream.Null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw ModelFileErrors.Corrupt($"The entry '{entry.FullName}' of '{description}' is damaged ({e.Message}).", e);
        }
    }

    private static bool StartsLikeAZip(Stream stream)
    {
        Span<byte> first = stackalloc byte[4];
        return stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false) == first.Length && first.SequenceEqual(LocalFileHeader);
    }
}
