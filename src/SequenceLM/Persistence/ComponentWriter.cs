using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Persistence;

using ModelSaveContext = Microsoft.ML.ModelSaveContext;

/// <summary>
/// Writes one component into ML.NET's <see cref="ModelSaveContext"/>: its versioned header, then named entries, each
/// framed by <see cref="CheckedEntry"/>. See <see cref="ComponentFormat"/> for the whole pattern.
/// </summary>
internal sealed class ComponentWriter
{
    private readonly ModelSaveContext _ctx;

    private ComponentWriter(ModelSaveContext ctx) => _ctx = ctx;

    /// <summary>Records the component's versions and loader in its header; call first in <c>ITransformer.Save</c>.</summary>
    public static ComponentWriter Begin(ModelSaveContext ctx, ComponentFormat format)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!ctx.InRepository)
            throw new NotSupportedException("SequenceLM components are saved into a model zip (ml.Model.Save), not a single stream.");
        ctx.CheckAtModel();
        ctx.SetVersionInfo(format.ToVersionInfo());
        return new ComponentWriter(ctx);
    }

    /// <summary>Writes an entry beside the component's header (names are relative to the component's folder).</summary>
    public void SaveBytes(string name, ReadOnlySpan<byte> payload)
    {
        // SaveBinaryStream takes a callback, which cannot capture a span.
        var copy = payload.ToArray();
        _ctx.SaveBinaryStream(name, writer => CheckedEntry.Write(writer, copy));
    }

    public void SaveJson<T>(string name, T value) => SaveBytes(name, JsonSerializer.SerializeToUtf8Bytes(value, Json.Options));

    public void SaveSafeTensors(string name, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SaveBytes(name, SafeTensors.ToBytes(tensors, metadata));
}
