using Microsoft.ML.Data;
using Microsoft.ML.SequenceLM.Persistence;

namespace Microsoft.ML.SequenceLM.Tests.SaveVictim;

using DataViewSchema = Microsoft.ML.DataViewSchema;
using IDataView = Microsoft.ML.IDataView;
using ITransformer = Microsoft.ML.ITransformer;
using MLContext = Microsoft.ML.MLContext;

/// <summary>
/// A real ML.NET chain (ML.NET's text normalizer, then <see cref="PersistenceProbeTransformer"/>) saved and loaded
/// through ML.NET's own model zip; the child-process modes <c>mlnet-save</c> and <c>mlnet-load</c> print what the
/// test compares.
/// </summary>
public static class MLNetZipScenarios
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public const string SampleText = "Hello, WORLD!";

    public static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(new[] { new Row { Text = SampleText } });

    public static PersistenceProbeTransformer Probe(ProbeFormat format = ProbeFormat.Current) => new(
        new ProbeOptions { Label = "probe \u00e9\u00e8 \U0001F600", Vocabulary = ["<unk>", "a", "b", "\u00e9", "\t"] },
        new NamedTensor("embedding.weight", [64, 33], Enumerable.Range(0, 64 * 33).Select(i => MathF.Sin(i * 0.37f) * 1e-3f * i).ToArray()),
        format);

    public static ITransformer Chain(MLContext ml, IDataView data, PersistenceProbeTransformer probe)
    {
        var normalizer = ml.Transforms.Text.NormalizeText("Normalized", "Text", keepPunctuations: false).Fit(data);
        return new Microsoft.ML.Data.TransformerChain<ITransformer>(normalizer, probe);
    }

    /// <summary>Saves the chain to <paramref name="path"/> and prints the probe's state.</summary>
    public static int Save(string path, ProbeFormat format)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var probe = Probe(format);
        ml.Model.SaveAtomically(Chain(ml, data, probe), data.Schema, path);
        Console.WriteLine($"probe {probe.Describe()}");
        return 0;
    }

    /// <summary>
    /// Saves a chain with 16 MB of weights to <paramref name="path"/> again and again with SaveAtomically, printing
    /// "saving N" / "saved N", until killed.
    /// </summary>
    public static int SaveLoop(string path)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var chain = Chain(ml, data, BigProbe());
        for (int i = 1; ; i++)
        {
            Console.WriteLine($"saving {i}");
            ml.Model.SaveAtomically(chain, data.Schema, path);
            Console.WriteLine($"saved {i}");
        }
    }

    public static PersistenceProbeTransformer BigProbe() => new(new ProbeOptions { Label = "big" },
        new NamedTensor("big.weight", [2048, 2048], Enumerable.Range(0, 2048 * 2048).Select(i => (float)Math.Sin(i)).ToArray()));

    /// <summary>Loads <paramref name="path"/> with plain ML.NET and prints what came back.</summary>
    public static int Load(string path)
    {
        var ml = new MLContext(seed: 2);
        var model = ml.Model.Load(path, out DataViewSchema inputSchema);
        Console.WriteLine($"model {model.GetType().Name}");
        var parts = ((IEnumerable<ITransformer>)model).ToList();
        Console.WriteLine($"parts {string.Join(",", parts.Select(p => p.GetType().FullName))}");
        Console.WriteLine($"schema {string.Join(",", inputSchema.Select(c => $"{c.Name}:{c.Type}"))}");
        var normalized = model.Transform(Data(ml)).GetColumn<string>("Normalized").Single();
        Console.WriteLine($"normalized {normalized}");
        Console.WriteLine($"probe {parts.OfType<PersistenceProbeTransformer>().Single().Describe()}");
        return 0;
    }
}
