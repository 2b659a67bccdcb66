using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Persistence;

using DataViewSchema = Microsoft.ML.DataViewSchema;
using ITransformer = Microsoft.ML.ITransformer;
using MLContext = Microsoft.ML.MLContext;

/// <summary>
/// Our transformers round-trip through ML.NET's own model zip (<c>ml.Model.Save</c> / <c>ml.Model.Load</c>), proved
/// with <see cref="PersistenceProbeTransformer"/> after ML.NET's text normalizer; damaged and foreign files give
/// <see cref="ModelFormatException"/> through <c>ml.Model.LoadLanguageModel</c>.
/// </summary>
public sealed class MLNetModelZipTests(ITestOutputHelper output) : TestBase(output)
{
    private string SavedModel(ProbeFormat format = ProbeFormat.Current)
    {
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        var ml = new MLContext(seed: 1);
        var data = MLNetZipScenarios.Data(ml);
        ml.Model.SaveAtomically(MLNetZipScenarios.Chain(ml, data, MLNetZipScenarios.Probe(format)), data.Schema, path);
        return path;
    }

    private static PersistenceProbeTransformer ProbeOf(ITransformer model) =>
        ((IEnumerable<ITransformer>)model).OfType<PersistenceProbeTransformer>().Single();

    private static ModelFormatException LoadFails(string path) =>
        Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadLanguageModel(path, out _));

    /// <summary>What plain ML.NET throws for the file, for the record.</summary>
    private string PlainMLNetFailure(string path)
    {
        var e = Record.Exception(() => new MLContext().Model.Load(path, out _));
        var chain = new List<string>();
        for (var x = e; x != null; x = x.InnerException) chain.Add($"{x.GetType().Name}: {x.Message.Split('\n')[0]}");
        var text = e == null ? "(loaded)" : string.Join(" -> ", chain);
        Output.WriteLine($"plain ml.Model.Load: {text}");
        return text;
    }

    [Fact]
    public void ChainSavedWithMLNetLoadsInAFreshProcessAsOurTypeWithIdenticalState()
    {
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        var saved = SaveVictimProcess.Run("mlnet-save", path);
        var loaded = SaveVictimProcess.Run("mlnet-load", path);
        foreach (var line in loaded) Output.WriteLine(line);

        Assert.Equal("TransformerChain`1", loaded.Value("model"));
        Assert.Equal($"{typeof(Microsoft.ML.Transforms.Text.TextNormalizingTransformer).FullName},{typeof(PersistenceProbeTransformer).FullName}",
            loaded.Value("parts"));
        Assert.Equal("Text:String", loaded.Value("schema"));
        Assert.Equal("hello world", loaded.Value("normalized"));
        Assert.Equal(saved.Value("probe"), loaded.Value("probe"));
    }

    [Fact]
    public void LoadLanguageModelGivesBackOurTypeWithIdenticalState()
    {
        var path = SavedModel();
        var model = new MLContext().Model.LoadLanguageModel(path, out var schema);
        Assert.Equal(MLNetZipScenarios.Probe().Describe(), ProbeOf(model).Describe());
        Assert.Equal("Text", schema.Single().Name);
    }

    [Fact]
    public void ComponentWrittenByANewerVersionIsNewerFormatVersion()
    {
        var path = SavedModel(ProbeFormat.Newer);
        var e = LoadFails(path);
        Assert.Equal(ModelFormatError.NewerFormatVersion, e.Reason);
        Assert.Contains("format 2.1", e.Message);
        // Plain ML.NET lets our error through, wrapped once per level of reflection (the chain, then our loader).
        var plain = Assert.Throws<TargetInvocationException>(() => new MLContext().Model.Load(path, out _));
        Assert.IsType<ModelFormatException>(plain.GetBaseException());
        PlainMLNetFailure(path);
    }

    [Fact]
    public void ComponentWrittenInAFormatNoLongerReadIsOlderFormatVersion()
    {
        var e = LoadFails(SavedModel(ProbeFormat.Older));
        Assert.Equal(ModelFormatError.OlderFormatVersion, e.Reason);
        Assert.Contains("format 1.0", e.Message);
    }

    [Theory]
    [InlineData(0.999)]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(0.001)]
    public void TruncatedFileIsCorrupt(double keptFraction)
    {
        var path = SavedModel();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..Math.Max(4, (int)(bytes.Length * keptFraction))]);
        Assert.Equal(ModelFormatError.Corrupt, LoadFails(path).Reason);
        PlainMLNetFailure(path);
    }

    [Fact]
    public void EveryBitFlipIsCorruptOrChangesNothing()
    {
        var original = SavedModel();
        var bytes = File.ReadAllBytes(original);
        var expected = MLNetZipScenarios.Probe().Describe();
        var outcomes = new Dictionary<string, int>();
        var damaged = Path.Combine(CreateTempDirectory(), "damaged.zip");
        // Every 7th byte, each time a different bit: the local headers, compressed data and central directory alike.
        for (int position = 0; position < bytes.Length; position += 7)
        {
            var copy = (byte[])bytes.Clone();
            copy[position] ^= (byte)(1 << (position % 8));
            File.WriteAllBytes(damaged, copy);
            string outcome;
            try
            {
                var model = new MLContext().Model.LoadLanguageModel(damaged, out var schema);
                Assert.Equal("Text", schema?.Single().Name);
                Assert.Equal(expected, ProbeOf(model).Describe());
                Assert.Equal("hello world", model.Transform(MLNetZipScenarios.Data(new MLContext())).GetColumn<string>("Normalized").Single());
                outcome = "loaded, identical";
            }
            catch (ModelFormatException e)
            {
                outcome = e.Reason.ToString();
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        foreach (var (outcome, count) in outcomes) Output.WriteLine($"{outcome}: {count}");
        Assert.True(outcomes.GetValueOrDefault(nameof(ModelFormatError.Corrupt)) > bytes.Length / 7 / 2,
            "Most flips land in compressed data or checked fields and must be detected.");
    }

    [Fact]
    public void PlainMLNetLoadNeverReturnsDamagedWeightsOfOurs()
    {
        // .NET's zip reader does not check CRC-32, so without LoadLanguageModel a flip in compressed data inflates to
        // other bytes; in our entries the SHA-256 that ComponentReader checks catches it.
        var original = SavedModel();
        var bytes = File.ReadAllBytes(original);
        var (first, count) = CompressedDataOf(original, "TransformerChain/Transform_001/weights.safetensors");
        var expected = MLNetZipScenarios.Probe().Describe();
        var damaged = Path.Combine(CreateTempDirectory(), "damaged.zip");
        int detectedByUs = 0, failedInML = 0, identical = 0;
        for (long position = first; position < first + count; position += 97)
        {
            var copy = (byte[])bytes.Clone();
            copy[position] ^= (byte)(1 << (int)(position % 8));
            File.WriteAllBytes(damaged, copy);
            try
            {
                Assert.Equal(expected, ProbeOf(new MLContext().Model.Load(damaged, out _)).Describe());
                identical++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                if (e.GetBaseException() is ModelFormatException { Reason: ModelFormatError.Corrupt }) detectedByUs++;
                else failedInML++;
            }
        }
        Output.WriteLine($"our SHA-256 check: {detectedByUs}, ML.NET or the inflater failed: {failedInML}, identical: {identical}");
        Assert.True(detectedByUs > 0);
    }

    /// <summary>Where an entry's compressed bytes lie in the zip file (after its local header).</summary>
    private static (long First, long Count) CompressedDataOf(string path, string entryName)
    {
        var bytes = File.ReadAllBytes(path);
        int header = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(entryName)) - 30;
        int nameLength = BitConverter.ToUInt16(bytes, header + 26), extraLength = BitConverter.ToUInt16(bytes, header + 28);
        using var zip = ZipFile.OpenRead(path);
        return (header + 30 + nameLength + extraLength, zip.GetEntry(entryName)!.CompressedLength);
    }

    [Fact]
    public void ZipWithoutAnMLNetModelIsNotAModelFile()
    {
        var path = Path.Combine(CreateTempDirectory(), "foreign.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            writer.Write("not a model");
        Assert.Equal(ModelFormatError.NotAModelFile, LoadFails(path).Reason);
        PlainMLNetFailure(path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("PK")]
    [InlineData("the cat sat on the mat")]
    public void FileThatIsNotAZipIsNotAModelFile(string content)
    {
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        File.WriteAllText(path, content);
        Assert.Equal(ModelFormatError.NotAModelFile, LoadFails(path).Reason);
        PlainMLNetFailure(path);
    }

    private static PersistenceProbeTransformer UnsaveableProbe() =>
        new(new ProbeOptions(), new NamedTensor("w", [2, 2], new float[3])); // shape and data disagree: Save throws

    private static void Save(ITransformer probe, string path, bool atomically)
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetZipScenarios.Data(ml);
        var chain = MLNetZipScenarios.Chain(ml, data, (PersistenceProbeTransformer)probe);
        if (atomically) ml.Model.SaveAtomically(chain, data.Schema, path);
        else ml.Model.Save(chain, data.Schema, path);
    }

    [Fact]
    public void SaveAtomicallyThatFailsKeepsThePreviousModelAndLeavesNoTemporaryFile()
    {
        var path = SavedModel();
        Assert.ThrowsAny<Exception>(() => Save(UnsaveableProbe(), path, atomically: true));
        Assert.Equal(MLNetZipScenarios.Probe().Describe(), ProbeOf(new MLContext().Model.LoadLanguageModel(path, out _)).Describe());
        Assert.Equal(["model.zip"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void KillingAProcessMidSaveAtomicallyNeverLeavesABrokenModelFile()
    {
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        var expected = MLNetZipScenarios.BigProbe().Describe();
        var random = new Random(5);
        for (int round = 0; round < 4; round++)
        {
            using (var child = SaveVictimProcess.Start("mlnet-save-loop", path))
            {
                string? line;
                while ((line = child.StandardOutput.ReadLine()) != null && line != "saved 1") { }
                Assert.NotNull(line); // else the child ended before its first save
                Thread.Sleep(random.Next(0, 200));
                child.Kill(entireProcessTree: true);
                var printed = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                child.WaitForExit();
                Output.WriteLine($"round {round}: the child's last line was '{printed.LastOrDefault() ?? line}' (\"saving\": killed mid-save)");
            }
            Assert.Equal(expected, ProbeOf(new MLContext().Model.LoadLanguageModel(path, out _)).Describe());
            var leftovers = Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Where(f => f != "model.zip");
            Assert.All(leftovers, f => Assert.Matches(@"^\.model\.zip\.[0-9a-f]{32}\.tmp$", f));
        }
    }

    [Fact]
    public void PlainMLNetSaveWritesInPlaceSoAFailedSaveDestroysThePreviousModel()
    {
        var path = SavedModel();
        Assert.ThrowsAny<Exception>(() => Save(UnsaveableProbe(), path, atomically: false));
        Output.WriteLine($"after a failed ml.Model.Save the file holds {new FileInfo(path).Length} bytes");
        LoadFails(path);
    }

    /// <summary>Edits the bytes of one entry, keeping the zip valid (its CRC-32 is recomputed).</summary>
    private static void EditEntry(string path, string entryName, Action<byte[]> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        using var buffer = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(buffer);
        var content = buffer.ToArray();
        edit(content);
        entry.Delete();
        using var rewritten = zip.CreateEntry(entryName).Open();
        rewritten.Write(content);
    }

    private static int IndexOf(byte[] content, byte[] value)
    {
        int at = content.AsSpan().IndexOf(value);
        Assert.True(at >= 0, "The text to edit is not in the entry.");
        return at;
    }

    private const string ProbeEntry = "TransformerChain/Transform_001/Model.key", NormalizerEntry = "TransformerChain/Transform_000/Model.key";

    [Fact]
    public void ComponentWhoseAssemblyIsMissingIsUnknownTransform()
    {
        var path = SavedModel();
        // ML.NET stores the loader's assembly name as UTF-16 at the end of the component's header.
        EditEntry(path, ProbeEntry, content => content[IndexOf(content, System.Text.Encoding.Unicode.GetBytes("SaveVictim")) + 18] ^= 0x01);
        PlainMLNetFailure(path);
        Assert.Equal(ModelFormatError.UnknownTransform, LoadFails(path).Reason);
    }

    [Fact]
    public void ComponentWhoseLoaderIsNotRegisteredIsUnknownTransform()
    {
        var path = SavedModel();
        // The loader signature is packed into the header one byte per character; ML.NET ignores its case, so not 0x20.
        EditEntry(path, ProbeEntry, content => content[IndexOf(content, System.Text.Encoding.Latin1.GetBytes("SlmPersistenceProbe"))] ^= 0x01);
        PlainMLNetFailure(path);
        Assert.Equal(ModelFormatError.UnknownTransform, LoadFails(path).Reason);
    }

    [Fact]
    public void MLNetComponentWrittenByANewerMLNetIsNewerFormatVersion()
    {
        var path = SavedModel();
        // ModelHeader: ModelVerWritten and ModelVerReadable are the uints at bytes 72 and 76 of a component's header.
        EditEntry(path, NormalizerEntry, content =>
        {
            BitConverter.GetBytes(0x7FFF0001u).CopyTo(content, 72);
            BitConverter.GetBytes(0x7FFF0001u).CopyTo(content, 76);
        });
        PlainMLNetFailure(path);
        Assert.Equal(ModelFormatError.NewerFormatVersion, LoadFails(path).Reason);
    }

    [Fact]
    public void LoadLanguageModelOfAMissingFileIsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => new MLContext().Model.LoadLanguageModel(Path.Combine(CreateTempDirectory(), "none.zip"), out _));
    }
}
