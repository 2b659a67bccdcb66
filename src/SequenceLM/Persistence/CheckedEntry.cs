using System.Security.Cryptography;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>
/// The framing of every entry we write inside ML.NET's model zip: a magic number, the payload's length and its SHA-256,
/// then the payload. ML.NET checks nothing inside an entry; this lets our loader tell a damaged entry from a valid one.
/// </summary>
internal static class CheckedEntry
{
    private const uint Magic = 0x45_4D_4C_53; // "SLME", little-endian
    private const int HashBytes = 32;

    public static void Write(BinaryWriter writer, ReadOnlySpan<byte> payload)
    {
        writer.Write(Magic);
        writer.Write((long)payload.Length);
        writer.Write(SHA256.HashData(payload));
        writer.Write(payload);
    }

    /// <summary>Reads and verifies one entry; <paramref name="entryName"/> is for messages only.</summary>
    public static byte[] Read(BinaryReader reader, string entryName, long maxBytes)
    {
        var stream = reader.BaseStream;
        if (stream.Length - stream.Position < sizeof(uint) + sizeof(long) + HashBytes)
            throw Damaged(entryName, "it is shorter than its header");
        if (reader.ReadUInt32() != Magic)
            throw Damaged(entryName, "its header is not ours");
        long length = reader.ReadInt64();
        var expectedHash = reader.ReadBytes(HashBytes);
        long present = stream.Length - stream.Position;
        if (length < 0 || length > present)
            throw Damaged(entryName, $"it declares {length} bytes but holds {present}");
        if (length > maxBytes)
            throw ModelFileErrors.TooLarge(entryName, length, maxBytes);
        var payload = reader.ReadBytes((int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(expectedHash))
            throw Damaged(entryName, "its SHA-256 does not match its content");
        return payload;
    }

    private static ModelFormatException Damaged(string entryName, string what) =>
        ModelFileErrors.Corrupt($"The model entry '{entryName}' is damaged: {what}.");
}
