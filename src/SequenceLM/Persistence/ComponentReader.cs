using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Persistence;

using ModelLoadContext = Microsoft.ML.ModelLoadContext;

/// <summary>
/// Reads one component written by <see cref="ComponentWriter"/> from ML.NET's <see cref="ModelLoadContext"/>. Every
/// failure is a <see cref="ModelFormatException"/>. See <see cref="ComponentFormat"/> for the whole pattern.
/// </summary>
internal sealed class ComponentReader
{
    /// <summary>Entries larger than this are refused unless the loader asks for more (a bound against damaged lengths).</summary>
    public const long DefaultMaxEntryBytes = int.MaxValue - 1024;

    private readonly ModelLoadContext _ctx;
    private readonly ComponentFormat _format;

    private ComponentReader(ModelLoadContext ctx, ComponentFormat format, uint writtenVersion)
    {
        _ctx = ctx;
        _format = format;
        WrittenVersion = writtenVersion;
    }

    /// <summary>The format version the file was written in (at least <see cref="ComponentFormat.OldestReadableVersion"/>).</summary>
    public uint WrittenVersion { get; }

    /// <summary>
    /// Checks the component's header against <paramref name="format"/>; call first in the loader's <c>Create</c>.
    /// Unlike ML.NET's own check (<c>ctx.CheckAtModel(VersionInfo)</c>), it throws our typed errors.
    /// </summary>
    public static ComponentReader Begin(ModelLoadContext ctx, ComponentFormat format)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!ctx.InRepository)
            throw new NotSupportedException("SequenceLM components are loaded from a model zip (ml.Model.Load), not a single stream.");
        ctx.CheckAtModel();
        var header = ctx.Header;
        if (header.ModelSignature != format.PackedModelSignature)
            throw ModelFileErrors.Corrupt($"The model's component '{format.LoaderSignature}' has the header of another kind of component.");
        if (header.ModelVerReadable > header.ModelVerWritten)
            throw ModelFileErrors.Corrupt($"The model's component '{format.LoaderSignature}' has an inconsistent version header.");
        if (header.ModelVerReadable > format.WrittenVersion)
            throw ModelFileErrors.TooNew(format.LoaderSignature, header.ModelVerReadable, format.WrittenVersion);
        if (header.ModelVerWritten < format.OldestReadableVersion)
            throw ModelFileErrors.TooOld(format.LoaderSignature, header.ModelVerWritten, format.OldestReadableVersion);
        return new ComponentReader(ctx, format, header.ModelVerWritten);
    }

    public bool HasEntry(string name) => _ctx.TryLoadBinaryStream(name, _ => { });

    public byte[] LoadBytes(string name, long maxBytes = DefaultMaxEntryBytes)
    {
        byte[]? payload = null;
        string entryName = $"{_format.LoaderSignature}/{name}";
        bool found;
        try
        {
            found = _ctx.TryLoadBinaryStream(name, reader => payload = CheckedEntry.Read(reader, entryName, maxBytes));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{entryName}' cannot be read ({e.Message}).", e);
        }
        return found ? payload! : throw ModelFileErrors.MissingEntry(entryName);
    }

    public T LoadJson<T>(string name, long maxBytes = DefaultMaxEntryBytes)
    {
        var bytes = LoadBytes(name, maxBytes);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json.Options)
                   ?? throw ModelFileErrors.Corrupt($"The model entry '{_format.LoaderSignature}/{name}' holds JSON null.");
        }
        catch (JsonException e)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{_format.LoaderSignature}/{name}' is not the JSON expected: {e.Message}", e);
        }
    }

    public IReadOnlyList<NamedTensor> LoadSafeTensors(string name, long maxBytes = DefaultMaxEntryBytes)
    {
        var bytes = LoadBytes(name, maxBytes);
        try
        {
            return SafeTensors.Read(bytes);
        }
        catch (InvalidDataException e)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{_format.LoaderSignature}/{name}' holds malformed weights: {e.Message}", e);
        }
    }
}
