using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>Edits saved model files: the manifest, or one entry with the manifest's size and SHA-256 updated to match.</summary>
internal static class ModelFiles
{
    public static byte[] EditManifest(byte[] model, Func<string, string> edit) =>
        Rewrite(model, (name, bytes) => name == "manifest.json" ? Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(bytes))) : bytes);

    /// <summary>The names of the entries of a model file.</summary>
    public static string[] EntryNames(byte[] model)
    {
        using var zip = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    public static byte[] ReadEntry(byte[] model, string entry)
    {
        using var zip = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read);
        using var s = zip.GetEntry(entry)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Replaces an entry's content and updates its size and hash in the manifest, so that loading reaches the content.</summary>
    public static byte[] ReplaceEntry(byte[] model, string entry, byte[] content)
    {
        var replaced = Rewrite(model, (name, bytes) => name == entry ? content : bytes);
        return EditManifest(replaced, json =>
        {
            var root = JsonNode.Parse(json)!;
            foreach (var t in root["transforms"]!.AsArray())
                foreach (var e in t!["entries"]!.AsArray())
                    if ((string)t["prefix"]! + (string)e!["name"]! == entry)
                    {
                        e["size"] = content.Length;
                        e["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content));
                    }
            return root.ToJsonString();
        });
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
