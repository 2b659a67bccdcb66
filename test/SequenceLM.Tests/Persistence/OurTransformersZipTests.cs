using System.IO.Compression;
using Microsoft.ML.SequenceLM.Tests.Pipeline;
using Microsoft.ML.SequenceLM.Tests.Reliability;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Persistence;

/// <summary>Our transformers in ML.NET's model zip: what comes back, where it is stored, and the typed errors.</summary>
public sealed class OurTransformersZipTests(ITestOutputHelper output) : TestBase(output)
{
    private static (MLContext Ml, IDataView Data, TransformerChain<TokensToKeysTransformer> Model) TrainSmall()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "Hello world,\nhello there." } });
        var model = ml.Transforms.TokenizeChars(options: new CharTokenizerOptions { LowerCase = true, Newlines = NewlineHandling.ToSpace })
            .Append(ml.Transforms.MapTokensToKeys(options: new VocabularyOptions { AddEndToken = true }))
            .Fit(data);
        return (ml, data, model);
    }

    private byte[] SaveSmall(out IDataView data, out TransformerChain<TokensToKeysTransformer> model)
    {
        var (ml, d, m) = TrainSmall();
        var stream = new MemoryStream();
        ml.Model.Save(m, d.Schema, stream);
        data = d;
        model = m;
        return stream.ToArray();
    }

    [Fact]
    public void TrainedPipelineLoadsInAFreshProcessWithIdenticalLogitsGenerationHistoryAndVocabulary()
    {
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        var saved = SaveVictimProcess.Run("lm-save", path);
        var loaded = SaveVictimProcess.Run("lm-load", path);
        foreach (var line in loaded) Output.WriteLine(line);

        Assert.Equal($"{typeof(CharTokenizingTransformer).FullName},{typeof(LanguageModelTransformer).FullName}", loaded.Value("parts"));
        Assert.Equal("Text:String", loaded.Value("schema"));
        foreach (var fact in new[] { "parts", "logits", "greedy", "vocabulary", "history", "config" })
            Assert.Equal(saved.Value(fact), loaded.Value(fact));
        Assert.NotEqual("\"\"", loaded.Value("greedy"));
    }

    [Fact]
    public void TokenizerAndVocabularyChainRoundTrips()
    {
        var bytes = SaveSmall(out var data, out var model);
        var loaded = new MLContext().Model.Load(new MemoryStream(bytes), out var schema);
        var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
        var keys = Assert.IsType<TokensToKeysTransformer>(chain.LastTransformer);
        Assert.Equal(model.LastTransformer.Vocabulary.Tokens, keys.Vocabulary.Tokens);
        Assert.Equal(NewlineHandling.ToSpace, Assert.IsType<CharTokenizingTransformer>(chain.First()).Options.Newlines);
        Assert.Equal("Text", Assert.Single(schema).Name);
        Assert.Equal(TextDataViewType.Instance, schema["Text"].Type);
        Assert.Equal(ViewReader.Keys(model.Transform(data)), ViewReader.Keys(loaded.Transform(data)));
    }

    [Fact]
    public void EachComponentKeepsItsStateInFramedEntriesBesideMLNetsHeader()
    {
        var bytes = SaveSmall(out _, out _);
        var names = ModelFiles.EntryNames(bytes);
        foreach (var n in names) Output.WriteLine(n);
        var vocabulary = Assert.Single(names, n => n.EndsWith("/vocabulary.json", StringComparison.Ordinal));
        Assert.Contains(names, n => n == vocabulary[..^"vocabulary.json".Length] + "Model.key");
        Assert.Equal(2, names.Count(n => n.EndsWith("/columns.json", StringComparison.Ordinal)));
        var json = System.Text.Encoding.UTF8.GetString(ModelFiles.ReadEntry(bytes, vocabulary));
        Assert.Contains("Microsoft.ML.SequenceLM.Vocabulary", json);
    }

    [Fact]
    public void WindowAndKeysToTokensSaveAndLoad()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a b c" } });
        var model = ml.Transforms.TokenizeWords(options: new WordTokenizerOptions { Punctuation = PunctuationHandling.Split, EndOfLineToken = "<eos>" })
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.MapKeysToTokens("Back"))
            .Append(ml.Transforms.Window(new WindowOptions { Mode = WindowMode.Random, BatchSize = 3, SequenceLength = 7 }))
            .Fit(data);
        var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = (TransformerChain<ITransformer>)ml.Model.Load(stream, out _);
        var window = Assert.IsType<WindowingTransformer>(loaded.LastTransformer);
        Assert.Equal(WindowMode.Random, window.Options.Mode);
        Assert.Equal(7, window.Options.SequenceLength);
        var words = Assert.IsType<WordTokenizingTransformer>(loaded.First());
        Assert.Equal(PunctuationHandling.Split, words.Options.Punctuation);
        Assert.Equal("<eos>", words.Options.EndOfLineToken);
        Assert.Equal("Back", Assert.IsType<KeysToTokensTransformer>(loaded.ElementAt(2)).OutputColumnName);
    }

    [Fact]
    public void MLNetBuiltInsAndOursRoundTripInOneZip()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "The Cat SAT" } });
        var model = ml.Transforms.Text.NormalizeText("Text", caseMode: Microsoft.ML.Transforms.Text.TextNormalizingEstimator.CaseMode.Lower)
            .Append(ml.Transforms.TokenizeWords())
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Conversion.MapKeyToValue("Decoded", "Keys"))
            .Fit(data);
        var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        Assert.Equal(ViewReader.Tokens(model.Transform(data), "Decoded"), ViewReader.Tokens(loaded.Transform(data), "Decoded"));
    }

    [Fact]
    public void NotAZipAndForeignZipAreNotAModel()
    {
        var ml = new MLContext();
        var text = WriteTempFile("just some text, definitely not a model", "model.zip");
        var ex = Assert.Throws<ModelFormatException>(() => ml.Model.LoadLanguageModel(text, out _));
        Assert.Equal(ModelFormatError.NotAModelFile, ex.Reason);
        Assert.Contains("not a zip file", ex.Message);

        var other = Path.Combine(CreateTempDirectory(), "other.zip");
        using (var zip = ZipFile.Open(other, ZipArchiveMode.Create)) using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hi");
        var foreign = Assert.Throws<ModelFormatException>(() => ml.Model.LoadLanguageModel(other, out _));
        Assert.Equal(ModelFormatError.NotAModelFile, foreign.Reason);
    }

    [Fact]
    public void TruncatedFileIsCorrupt()
    {
        var bytes = SaveSmall(out _, out _);
        var path = WriteTempFile(bytes[..(bytes.Length / 2)], "model.zip");
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadLanguageModel(path, out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
        Output.WriteLine(ex.Message);
    }

    [Fact]
    public void EditedEntryFailsTheHashCheck()
    {
        var bytes = SaveSmall(out _, out _);
        var name = ModelFiles.EntryNames(bytes).Single(n => n.EndsWith("/vocabulary.json", StringComparison.Ordinal));
        var raw = ModelFiles.ReadRaw(bytes, name);
        raw[^3] ^= 0x01; // inside the payload, frame unchanged: the SHA-256 no longer matches
        var edited = ModelFiles.ReplaceRaw(bytes, name, raw);
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadLanguageModel(new MemoryStream(edited), out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
        Assert.Contains("SHA-256", ex.Message);
    }

    [Fact]
    public void DirectoryEntryPointingFarBeyondTheFileIsCorrupt()
    {
        // Found by FuzzTests: a local-header offset past 2^31 made the entry-name check seek out of range.
        var bytes = SaveSmall(out _, out _);
        int directory = bytes.AsSpan().IndexOf("PK\u0001\u0002"u8);
        Assert.True(directory > 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(directory + 42), 0xFFFFFFF0u);
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadLanguageModel(new MemoryStream(bytes), out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
    }

    [Fact]
    public void ComponentFromANewerVersionAsksToUpdate()
    {
        var bytes = SaveSmall(out _, out _);
        var newer = ModelFiles.SetComponentVersion(bytes, TokensToKeysTransformer.Format.ModelSignature, written: 0x00020001, readable: 0x00020001);
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadLanguageModel(new MemoryStream(newer), out _));
        Assert.Equal(ModelFormatError.NewerFormatVersion, ex.Reason);
        Assert.Contains(TokensToKeysTransformer.LoaderSignature, ex.Message);
        Assert.Contains("Update Microsoft.ML.SequenceLM", ex.Message);
        // A newer file that older readers may still read (readable version unchanged) loads.
        var compatible = ModelFiles.SetComponentVersion(bytes, TokensToKeysTransformer.Format.ModelSignature, written: 0x00010002, readable: 0x00010001);
        Assert.IsType<TransformerChain<ITransformer>>(new MLContext().Model.LoadLanguageModel(new MemoryStream(compatible), out _));
    }

    [Fact]
    public void FailedSaveLeavesThePreviousFileIntact()
    {
        var bytes = SaveSmall(out var data, out var model);
        var path = WriteTempFile(bytes, "model.zip");
        var ml = new MLContext();
        var crash = Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(new ExplodingTransformer(), data.Schema, path));
        Assert.Contains("disk full", crash.GetBaseException().Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temp file left behind
    }

    private sealed class ExplodingTransformer : ITransformer
    {
        public bool IsRowToRowMapper => false;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext ctx) => throw new IOException("disk full (simulated)");
    }
}
