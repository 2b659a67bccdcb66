using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>
/// Checks that every entry's name in a zip's central directory matches the name in its local header. Names are not
/// covered by any CRC, and .NET's <see cref="System.IO.Compression.ZipArchive"/> reads only the directory's copy: a
/// flipped bit there renames an entry, and ML.NET treats several entries (the input schema, for one) as optional,
/// so a model would load without them.
/// </summary>
internal static class ZipEntryNames
{
    private const uint EndOfDirectorySignature = 0x06054B50, DirectoryEntrySignature = 0x02014B50, LocalHeaderSignature = 0x04034B50;
    private const int EndOfDirectorySize = 22, DirectoryEntrySize = 46, LocalHeaderSize = 30, MaxCommentSize = 0xFFFF;

    /// <summary>The first entry whose two names differ (as "directory name ≠ local name"), or null when all match.</summary>
    /// <remarks>Zip64 archives (over 4 GB or 65535 entries) are not checked: their directory fields are elsewhere.</remarks>
    public static string? FirstMismatch(Stream stream)
    {
        long start = stream.Position, length = stream.Length - start;
        var tail = ReadAt(stream, start + Math.Max(0, length - EndOfDirectorySize - MaxCommentSize),
            (int)Math.Min(length, EndOfDirectorySize + MaxCommentSize));
        int end = tail.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        if (end < 0 || tail.Length - end < EndOfDirectorySize) return null; // the zip reader reports this itself
        var eocd = tail.AsSpan(end);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(eocd[10..]);
        uint directorySize = BinaryPrimitives.ReadUInt32LittleEndian(eocd[12..]);
        uint directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(eocd[16..]);
        if (count == 0xFFFF || directoryOffset == 0xFFFFFFFF || directoryOffset + (long)directorySize > length) return null;
        var directory = ReadAt(stream, start + directoryOffset, (int)directorySize).AsSpan();
        for (int i = 0, at = 0; i < count; i++)
        {
            if (directory.Length - at < DirectoryEntrySize || BinaryPrimitives.ReadUInt32LittleEndian(directory[at..]) != DirectoryEntrySignature)
                return $"entry {i} of the directory is malformed";
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[(at + 28)..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[(at + 30)..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(directory[(at + 32)..]);
            uint localOffset = BinaryPrimitives.ReadUInt32LittleEndian(directory[(at + 42)..]);
            if (directory.Length - at - DirectoryEntrySize < nameLength) return $"entry {i} of the directory is malformed";
            var name = directory.Slice(at + DirectoryEntrySize, nameLength);
            if (localOffset == 0xFFFFFFFF) return null;
            var local = ReadAt(stream, start + localOffset, LocalHeaderSize + nameLength);
            if (local.Length < LocalHeaderSize + nameLength
                || BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalHeaderSignature
                || BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26)) != nameLength
                || !local.AsSpan(LocalHeaderSize, nameLength).SequenceEqual(name))
                return $"'{Encoding.UTF8.GetString(name)}' ≠ its local header's name";
            at += DirectoryEntrySize + nameLength + extraLength + commentLength;
        }
        return null;
    }

    private static byte[] ReadAt(Stream stream, long position, int count)
    {
        // A damaged offset may point past the end (or beyond what a stream can seek to): nothing is there to read.
        if (position < 0 || position >= stream.Length) return Array.Empty<byte>();
        stream.Position = position;
        var buffer = new byte[count];
        int read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return read == count ? buffer : buffer[..read];
    }
}
