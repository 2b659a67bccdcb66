using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Reads and writes the safetensors format (float32 only): an 8-byte little-endian header length, a JSON header
/// mapping names to dtype, shape and byte offsets, then the raw data. PyTorch users load it with
/// <c>safetensors.torch.load_file</c>. Reading bounds every length against the data actually present.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted when reading (the format's own limit is 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    public static void Write(Stream stream, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        long offset = 0;
        foreach (var t in list)
        {
            if (t.Data.LongLength != t.ElementCount)
                throw new ArgumentException($"Tensor '{t.Name}' holds {t.Data.LongLength} values but its shape needs {t.ElementCount}.");
            long size = t.Data.LongLength * sizeof(float);
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8; // keeps the data 8-byte aligned, as the reference writer does
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var t in list)
            stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
    }

    public static byte[] ToBytes(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        Write(ms, tensors, metadata);
        return ms.ToArray();
    }

    /// <summary>Parses safetensors bytes; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static IReadOnlyList<NamedTensor> Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("The weights are truncated: fewer than 8 bytes.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"The weights' header length {headerLength} exceeds the {bytes.Length - 8} bytes present.");
        var data = bytes[(8 + (int)headerLength)..];
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.Slice(8, (int)headerLength)) as JsonObject
                     ?? throw new InvalidDataException("The weights' header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The weights' header is not valid JSON: {e.Message}", e);
        }
        var tensors = new List<NamedTensor>();
        try
        {
            // Property names are decoded lazily: invalid UTF-8 or a duplicate name surfaces while enumerating.
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__") continue;
                tensors.Add(ReadTensor(name, node as JsonObject ?? throw new InvalidDataException($"Entry '{name}' is not an object."), data));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The weights' header is malformed: {e.Message}", e);
        }
        return tensors;
    }

    /// <summary>The string metadata of a safetensors header (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("The weights are truncated: fewer than 8 bytes.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"The weights' header length {headerLength} exceeds the {bytes.Length - 8} bytes present.");
        var result = new Dictionary<string, string>();
        try
        {
            if (JsonNode.Parse(bytes.Slice(8, (int)headerLength)) is JsonObject header && header["__metadata__"] is JsonObject meta)
                foreach (var (k, v) in meta)
                    result[k] = v is JsonValue value && value.TryGetValue<string>(out var text) ? text
                        : throw new InvalidDataException($"The weights' metadata value '{k}' is not a string.");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"The weights' header is not valid JSON: {e.Message}", e);
        }
        return result;
    }

    private static NamedTensor ReadTensor(string name, JsonObject entry, ReadOnlySpan<byte> data)
    {
        try
        {
            var dtype = (string?)entry["dtype"];
            if (dtype != "F32") throw new InvalidDataException($"Tensor '{name}' has dtype {dtype}; only F32 is supported.");
            var shape = (entry["shape"] as JsonArray ?? throw new InvalidDataException($"Tensor '{name}' has no shape."))
                .Select(d => (long)d!).ToArray();
            if (shape.Length > 8 || shape.Any(d => d < 0))
                throw new InvalidDataException($"Tensor '{name}' has an invalid shape [{string.Join(",", shape)}].");
            var offsets = entry["data_offsets"] as JsonArray ?? throw new InvalidDataException($"Tensor '{name}' has no data_offsets.");
            long begin = (long)offsets[0]!, end = (long)offsets[1]!;
            long count = 1;
            foreach (var d in shape) count = checked(count * d);
            if (begin < 0 || end < begin || end > data.Length)
                throw new InvalidDataException($"Tensor '{name}' points at bytes [{begin}, {end}) beyond the {data.Length} bytes of data (truncated file?).");
            if (end - begin != count * sizeof(float))
                throw new InvalidDataException($"Tensor '{name}' has {end - begin} bytes but shape [{string.Join(",", shape)}] needs {count * sizeof(float)}.");
            var values = MemoryMarshal.Cast<byte, float>(data[(int)begin..(int)end]).ToArray();
            return new NamedTensor(name, shape, values);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw new InvalidDataException($"Tensor '{name}' has a malformed header entry: {e.Message}", e);
        }
    }
}
