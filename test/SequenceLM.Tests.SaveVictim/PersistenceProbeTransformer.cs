using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM.Persistence;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;

[assembly: Microsoft.ML.LoadableClass(typeof(PersistenceProbeTransformer), null, typeof(Microsoft.ML.SignatureLoadModel),
    "SequenceLM persistence probe (test only)", PersistenceProbeTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM.Tests.SaveVictim;

using DataViewSchema = Microsoft.ML.DataViewSchema;
using IDataView = Microsoft.ML.IDataView;
using IRowToRowMapper = Microsoft.ML.Data.IRowToRowMapper;
using ITransformer = Microsoft.ML.ITransformer;
using ModelLoadContext = Microsoft.ML.ModelLoadContext;
using ModelSaveContext = Microsoft.ML.ModelSaveContext;

/// <summary>
/// Test-only: a pass-through transformer holding state of each kind our real transformers persist (options as JSON,
/// weights as safetensors), registered with ML.NET the way they are (<see cref="ComponentFormat"/>), so that tests can
/// prove the round-trip through ML.NET's own model zip in a fresh process and the typed errors of damaged files.
/// </summary>
public sealed class PersistenceProbeTransformer : ITransformer
{
    internal const string LoaderSignature = "SlmPersistenceProbe";

    internal static readonly ComponentFormat Format = new("SLMPROBE", LoaderSignature, typeof(PersistenceProbeTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    /// <summary>What a later version of the library might write: a format this one must refuse as too new.</summary>
    internal static readonly ComponentFormat NewerFormat = new("SLMPROBE", LoaderSignature, typeof(PersistenceProbeTransformer),
        writtenVersion: 0x00020001, readableVersion: 0x00020001, oldestReadableVersion: 0x00010001);

    /// <summary>What an earlier version might have written: a format this one no longer reads.</summary>
    internal static readonly ComponentFormat OlderFormat = new("SLMPROBE", LoaderSignature, typeof(PersistenceProbeTransformer),
        writtenVersion: 0x00010000, readableVersion: 0x00010000, oldestReadableVersion: 0x00010000);

    internal static ComponentFormat FormatFor(ProbeFormat format) => format switch
    {
        ProbeFormat.Newer => NewerFormat,
        ProbeFormat.Older => OlderFormat,
        _ => Format,
    };

    private readonly ComponentFormat _writeAs;

    public PersistenceProbeTransformer(ProbeOptions options, NamedTensor weights) : this(options, weights, ProbeFormat.Current) { }

    public PersistenceProbeTransformer(ProbeOptions options, NamedTensor weights, ProbeFormat writeAs)
    {
        Options = options;
        Weights = weights;
        _writeAs = FormatFor(writeAs);
    }

    public ProbeOptions Options { get; }
    public NamedTensor Weights { get; }

    public bool IsRowToRowMapper => false;
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
    public IDataView Transform(IDataView input) => input;
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

    public void Save(ModelSaveContext ctx)
    {
        var writer = ComponentWriter.Begin(ctx, _writeAs);
        writer.SaveJson("options.json", Options);
        writer.SaveSafeTensors("weights.safetensors", [Weights]);
    }

    private static PersistenceProbeTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ComponentReader.Begin(ctx, Format);
        var options = reader.LoadJson<ProbeOptions>("options.json");
        var weights = reader.LoadSafeTensors("weights.safetensors").Single();
        return new PersistenceProbeTransformer(options, weights);
    }

    /// <summary>The state, as text that is equal exactly when the state is.</summary>
    public string Describe() => System.Text.Json.JsonSerializer.Serialize(new
    {
        Options.Label,
        Options.Vocabulary,
        Weights.Name,
        Weights.Shape,
        WeightsSha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(Weights.Data.AsSpan()))),
    });
}

public sealed class ProbeOptions
{
    public string Label { get; set; } = "";
    public string[] Vocabulary { get; set; } = [];
}

/// <summary>The format a probe writes: this version's, or one a newer or an older version would have written.</summary>
public enum ProbeFormat { Current, Newer, Older }
