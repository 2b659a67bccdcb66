using System.IO.Compression;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>
/// Reads a whole ML.NET model zip once before ML.NET does, so that the failures ML.NET reports vaguely (or not at all)
/// come out typed: not a zip, a zip that ML.NET did not write, a truncated zip, an entry whose data is damaged.
/// </summary>
/// <remarks>
/// Neither ML.NET nor .NET's <see cref="ZipArchive"/> (as of .NET 10) checks an entry's CRC-32: a flipped bit in
/// compressed data can inflate to different bytes that ML.NET then reads as a valid, different model. So every
/// entry's CRC-32 and length are checked here.
/// </remarks>
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
        catch (Exception e) when (IsZipFailure(e))
        {
            stream.Position = start;
            throw StartsLikeAZip(stream)
                ? ModelFileErrors.Corrupt($"'{description}' is a damaged or truncated zip file ({e.Message}).", e)
                : ModelFileErrors.NotAModel($"'{description}' is not a zip file.", e);
        }
        using (zip)
        {
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                entries = zip.Entries; // read lazily: the central directory is parsed here
            }
            catch (Exception e) when (IsZipFailure(e))
            {
                throw ModelFileErrors.Corrupt($"The zip directory of '{description}' is damaged ({e.Message}).", e);
            }
            if (!entries.Any(e => e.Name.Equals(ComponentEntryName, StringComparison.OrdinalIgnoreCase)))
                throw ModelFileErrors.NotAModel($"'{description}' is a zip file without any ML.NET component ({ComponentEntryName}) in it.");
            stream.Position = start;
            if (ZipEntryNames.FirstMismatch(stream) is { } mismatch)
                throw ModelFileErrors.Corrupt($"The zip directory of '{description}' is damaged: {mismatch}.");
            foreach (var entry in entries)
                ReadToEnd(entry, description);
        }
    }

    private static void ReadToEnd(ZipArchiveEntry entry, string description)
    {
        try
        {
            using var data = entry.Open();
            var crc = new Crc32();
            var buffer = new byte[81920];
            long length = 0;
            for (int n; (n = data.Read(buffer)) > 0; length += n)
                crc.Append(buffer.AsSpan(0, n));
            if (length != entry.Length || crc.Value != entry.Crc32)
                throw ModelFileErrors.Corrupt($"The entry '{entry.FullName}' of '{description}' is damaged (its CRC-32 or length does not match its data).");
        }
        catch (Exception e) when (IsZipFailure(e))
        {
            throw ModelFileErrors.Corrupt($"The entry '{entry.FullName}' of '{description}' is damaged ({e.Message}).", e);
        }
    }

    private static bool IsZipFailure(Exception e) => e is InvalidDataException or IOException or NotSupportedException or ArgumentException;

    private static bool StartsLikeAZip(Stream stream)
    {
        Span<byte> first = stackalloc byte[4];
        return stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false) == first.Length && first.SequenceEqual(LocalFileHeader);
    }
}
