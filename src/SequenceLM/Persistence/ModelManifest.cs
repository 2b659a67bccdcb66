using System.Text.Json.Serialization;

namespace Microsoft.ML.SequenceLM;

/// <summary>The <c>manifest.json</c> of a model file (internal data contract).</summary>
internal sealed class ModelManifest
{
    public const string EntryName = "manifest.json";
    public const string FormatName = "Microsoft.ML.SequenceLM.Model";
    public const int CurrentFormatVersion = 1;
    public const long MaxManifestBytes = 4 << 20;
    public const int MaxTransforms = 1024, MaxEntriesPerTransform = 4096;

    [JsonPropertyName("format")] public string? Format { get; set; }
    [JsonPropertyName("formatVersion")] public int FormatVersion { get; set; }
    [JsonPropertyName("libraryVersion")] public string? LibraryVersion { get; set; }
    [JsonPropertyName("createdUtc")] public DateTime CreatedUtc { get; set; }
    [JsonPropertyName("isChain")] public bool IsChain { get; set; }
    [JsonPropertyName("inputSchema")] public List<ColumnRecord>? InputSchema { get; set; }
    [JsonPropertyName("transforms")] public List<TransformRecord>? Transforms { get; set; }

    public sealed class ColumnRecord
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
    }

    public sealed class TransformRecord
    {
        [JsonPropertyName("index")] public int Index { get; set; }
        [JsonPropertyName("loaderId")] public string? LoaderId { get; set; }
        [JsonPropertyName("prefix")] public string? Prefix { get; set; }
        [JsonPropertyName("entries")] public List<EntryRecord>? Entries { get; set; }
    }

    public sealed class EntryRecord
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("size")] public long Size { get; set; }
        [JsonPropertyName("sha256")] public string? Sha256 { get; set; }
    }

    /// <summary>The entry prefix of transform <paramref name="index"/>: <c>transforms/{index}-{loaderId}/</c>.</summary>
    public static string PrefixFor(int index, string loaderId) => $"transforms/{index}-{loaderId}/";

    public static string LibraryVersionString =>
        typeof(ModelManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>Formats and parses <see cref="DataViewType"/> names stored in manifests (e.g. <c>Vector&lt;Key&lt;30&gt;, 5&gt;</c>).</summary>
internal static class DataViewTypeNames
{
    public static string Format(DataViewType type) => type.ToString()!;

    public static DataViewType? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200) return null;
        if (text.StartsWith("Vector<", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            string inner = text[7..^1];
            int size = 0;
            int comma = inner.LastIndexOf(", ", StringComparison.Ordinal);
            if (comma >= 0 && int.TryParse(inner[(comma + 2)..], out int s) && s > 0) { size = s; inner = inner[..comma]; }
            return ParsePrimitive(inner) is { } item ? new VectorDataViewType(item, size) : null;
        }
        return ParsePrimitive(text);
    }

    private static PrimitiveDataViewType? ParsePrimitive(string text) => text switch
    {
        "Text" => TextDataViewType.Instance,
        "Boolean" => BooleanDataViewType.Instance,
        "Int32" => NumberDataViewType.Int32,
        "Int64" => NumberDataViewType.Int64,
        "Single" => NumberDataViewType.Single,
        "Double" => NumberDataViewType.Double,
        _ when text.StartsWith("Key<", StringComparison.Ordinal) && text.EndsWith('>') && long.TryParse(text[4..^1], out long n) && n > 0 => new KeyDataViewType(n),
        _ => null,
    };
}
