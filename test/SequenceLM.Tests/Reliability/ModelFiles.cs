using System.IO.Compression;
using System.Security.Cryptography;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>
/// Edits saved ML.NET model zips: one of our entries with its frame (length and SHA-256) rewritten to match, so that
/// loading reaches the content; or the version header ML.NET keeps for each component (<c>Model.key</c>).
/// </summary>
internal static class ModelFiles
{
    private const uint EntryMagic = 0x45_4D_4C_53; // Persistence.CheckedEntry's frame
    private const int FrameBytes = sizeof(uint) + sizeof(long) + 32;

    /// <summary>The names of the entries of a model file.</summary>
    public static string[] EntryNames(byte[] model)
    {
        using var zip = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    /// <summary>The payload of one of our framed entries.</summary>
    public static byte[] ReadEntry(byte[] model, string entry) => ReadRaw(model, entry)[FrameBytes..];

    /// <summary>Replaces a framed entry's payload, with a frame (length, SHA-256) that matches it.</summary>
    public static byte[] ReplaceEntry(byte[] model, string entry, byte[] content) =>
        Rewrite(model, (name, bytes) => name == entry ? Frame(content) : bytes);

    /// <summary>
    /// Sets the written and readable versions in the header ML.NET wrote for the component whose eight-character model
    /// signature is <paramref name="modelSignature"/> (as a later version of the library would write them).
    /// </summary>
    public static byte[] SetComponentVersion(byte[] model, string modelSignature, uint written, uint readable) =>
        Rewrite(model, (name, bytes) =>
        {
            if (!name.EndsWith("Model.key", StringComparison.Ordinal)) return bytes;
            var signature = modelSignature.Select(c => (byte)c).ToArray();
            int at = bytes.AsSpan().IndexOf(signature);
            if (at < 0) return bytes;
            var patched = bytes.ToArray();
            BitConverter.TryWriteBytes(patched.AsSpan(at + 8), written);
            BitConverter.TryWriteBytes(patched.AsSpan(at + 12), readable);
            return patched;
        });

    private static byte[] Frame(byte[] content)
    {
        var output = new MemoryStream();
        using (var w = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(EntryMagic);
            w.Write((long)content.Length);
            w.Write(SHA256.HashData(content));
            w.Write(content);
        }
        return output.ToArray();
    }

    /// <summary>Replaces an entry's bytes as they are (frame included).</summary>
    public static byte[] ReplaceRaw(byte[] model, string entry, byte[] raw) => Rewrite(model, (name, bytes) => name == entry ? raw : bytes);

    /// <summary>An entry's bytes as stored (frame included).</summary>
    public static byte[] ReadRaw(byte[] model, string entry)
    {
        using var zip = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read);
        using var s = zip.GetEntry(entry)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Rewrite(byte[] model, Func<string, byte[], byte[]> map)
    {
        var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in source.Entries)
            {
                byte[] bytes;
                using (var s = e.Open()) { var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
                using var w = target.CreateEntry(e.FullName, CompressionLevel.Fastest).Open();
                w.Write(map(e.FullName, bytes));
            }
        }
        return output.ToArray();
    }
}
