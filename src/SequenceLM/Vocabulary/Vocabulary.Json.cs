using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.SequenceLM;

public sealed partial class Vocabulary
{
    /// <summary>The format name written in vocabulary JSON.</summary>
    public const string JsonFormatName = "Microsoft.ML.SequenceLM.Vocabulary";

    /// <summary>The JSON format version this library writes and reads.</summary>
    public const int JsonFormatVersion = 2;

    // Version 2 added isByteLevel; character and word vocabularies are still written as version 1, which older readers read.
    private const int FirstByteLevelVersion = 2;

    /// <summary>Limits checked when reading vocabulary JSON.</summary>
    internal const int MaxTokens = 16_000_000, MaxTokenLength = 4096;

    /// <summary>Largest JSON accepted by <see cref="FromJson(ReadOnlySpan{byte})"/> (512 MiB).</summary>
    public const long MaxJsonBytes = 512L << 20;

    private sealed class Dto
    {
        [JsonPropertyName("format")] public string? Format { get; set; }
        [JsonPropertyName("version")] public int Version { get; set; }
        [JsonPropertyName("isCharacterLevel")] public bool IsCharacterLevel { get; set; }
        [JsonPropertyName("isByteLevel")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool IsByteLevel { get; set; }
        [JsonPropertyName("tokens")] public List<string?>? Tokens { get; set; }
    }

    /// <summary>Serialises the vocabulary to JSON (format name, version, level and the tokens in key order).</summary>
    public string ToJson() => JsonSerializer.Serialize(ToDto());

    /// <summary>Serialises the vocabulary to UTF-8 JSON.</summary>
    public byte[] ToJsonUtf8() => JsonSerializer.SerializeToUtf8Bytes(ToDto());

    private Dto ToDto() => new() { Format = JsonFormatName, Version = IsByteLevel ? FirstByteLevelVersion : 1, IsCharacterLevel = IsCharacterLevel, IsByteLevel = IsByteLevel, Tokens = _tokens.ToList()! };

    /// <summary>Reads a vocabulary written by <see cref="ToJson"/>.</summary>
    /// <exception cref="ModelFormatException">The JSON is malformed, out of bounds, or from a newer format version.</exception>
    public static Vocabulary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromJson(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a vocabulary from UTF-8 JSON written by <see cref="ToJsonUtf8"/>.</summary>
    /// <exception cref="ModelFormatException">The JSON is malformed, out of bounds, or from a newer format version.</exception>
    public static Vocabulary FromJson(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxJsonBytes)
            throw new ModelFormatException(ModelFormatError.EntryTooLarge, $"Vocabulary JSON is {utf8Json.Length} bytes; the limit is {MaxJsonBytes}.");
        Dto? dto;
        try { dto = JsonSerializer.Deserialize<Dto>(utf8Json, new JsonSerializerOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new ModelFormatException(ModelFormatError.Corrupt, $"Vocabulary JSON is malformed: {e.Message}", e); }
        if (dto == null || dto.Format != JsonFormatName)
            throw new ModelFormatException(ModelFormatError.Corrupt, $"Not a vocabulary: expected format '{JsonFormatName}', found '{dto?.Format}'.");
        if (dto.Version > JsonFormatVersion)
            throw new ModelFormatException(ModelFormatError.NewerFormatVersion,
                $"The vocabulary was written by a newer version of Microsoft.ML.SequenceLM (format {dto.Version}, this library reads up to {JsonFormatVersion}); upgrade the package.");
        if (dto.Version < 1) throw new ModelFormatException(ModelFormatError.Corrupt, $"Invalid vocabulary format version {dto.Version}.");
        var tokens = dto.Tokens;
        if (tokens == null || tokens.Count == 0 || tokens.Count > MaxTokens)
            throw new ModelFormatException(ModelFormatError.Corrupt, $"A vocabulary must have between 1 and {MaxTokens} tokens; found {tokens?.Count ?? 0}.");
        for (int i = 0; i < tokens.Count; i++)
            if (string.IsNullOrEmpty(tokens[i]) || tokens[i]!.Length > MaxTokenLength)
                throw new ModelFormatException(ModelFormatError.Corrupt, $"Vocabulary token {i} is empty or longer than {MaxTokenLength} characters.");
        try { return new Vocabulary(tokens!, dto.IsCharacterLevel, dto.IsByteLevel); }
        catch (ArgumentException e) { throw new ModelFormatException(ModelFormatError.Corrupt, $"Invalid vocabulary: {e.Message}", e); }
    }
}
