using System.Buffers.Binary;

namespace Microsoft.ML.SequenceLM;

/// <summary>Binary form of a <see cref="RowRegistry"/>: two little-endian counts, then the 64-bit fingerprints.</summary>
internal static class RowFingerprints
{
    public static byte[] ToBytes(RowRegistry rows)
    {
        var bytes = new byte[16 + 8L * (rows.Training.Count + rows.Validation.Count)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, rows.Training.Count);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), rows.Validation.Count);
        int at = 16;
        foreach (var print in rows.Training.Concat(rows.Validation))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), print);
            at += 8;
        }
        return bytes;
    }

    public static RowRegistry FromBytes(byte[] bytes, Func<string, Exception> corrupt)
    {
        if (bytes.Length < 16) throw corrupt("The row fingerprints are truncated.");
        long training = BinaryPrimitives.ReadInt64LittleEndian(bytes), validation = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        long held = (bytes.Length - 16) / 8; // bound each count before multiplying: a hostile count must not overflow
        if (training < 0 || validation < 0 || training > held || validation > held - training || 16 + 8 * (training + validation) != bytes.Length)
            throw corrupt($"The row fingerprints say {training} + {validation} rows but hold {(bytes.Length - 16) / 8}.");
        ulong At(long i) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16 + (int)(8 * i)));
        var train = new ulong[training];
        var valid = new ulong[validation];
        for (long i = 0; i < training; i++) train[i] = At(i);
        for (long i = 0; i < validation; i++) valid[i] = At(training + i);
        return new RowRegistry(train, valid);
    }
}
