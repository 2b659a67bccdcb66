using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class PersistenceTests(ITestOutputHelper output) : TestBase(output)
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

    private string SaveSmall(out IDataView data, out TransformerChain<TokensToKeysTransformer> model)
    {
        var (ml, d, m) = TrainSmall();
        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        ml.Model.Save(m, d.Schema, path);
        data = d;
        model = m;
        return path;
    }

    [Fact]
    public void TokenizerAndVocabularyChainRoundTrips()
    {
        var path = SaveSmall(out var data, out var model);
        var ml = new MLContext();
        var loaded = ml.Model.Load(path, out var schema);
        var chain = Assert.IsType<TransformerChain<TokensToKeysTransformer>>(loaded);
        Assert.Equal(model.LastTransformer.Vocabulary.Tokens, chain.LastTransformer.Vocabulary.Tokens);
        Assert.Equal(NewlineHandling.ToSpace, Assert.IsType<CharTokenizingTransformer>(chain.First()).Options.Newlines);
        Assert.Equal("Text", Assert.Single(schema).Name);
        Assert.Equal(TextDataViewType.Instance, schema["Text"].Type);
        Assert.Equal(ViewReader.Keys(model.Transform(data)), ViewReader.Keys(loaded.Transform(data)));
    }

    [Fact]
    public void ManifestListsTransformsEntriesAndHashes()
    {
        var path = SaveSmall(out _, out _);
        using var zip = ZipFile.OpenRead(path);
        using var doc = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        var root = doc.RootElement;
        Assert.Equal("Microsoft.ML.SequenceLM.Model", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("libraryVersion").GetString()));
        var transforms = root.GetProperty("transforms").EnumerateArray().ToList();
        Assert.Equal(new[] { "tokenize-chars", "map-tokens-to-keys" }, transforms.Select(t => t.GetProperty("loaderId").GetString()));
        Assert.Equal("transforms/0-tokenize-chars/", transforms[0].GetProperty("prefix").GetString());
        Assert.NotNull(zip.GetEntry("transforms/1-map-tokens-to-keys/vocabulary.json"));
        Assert.All(transforms.SelectMany(t => t.GetProperty("entries").EnumerateArray()), e => Assert.Equal(64, e.GetProperty("sha256").GetString()!.Length));
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
        var loaded = (TransformerChain<WindowingTransformer>)ml.Model.Load(stream, out _);
        Assert.Equal(WindowMode.Random, loaded.LastTransformer.Options.Mode);
        Assert.Equal(7, loaded.LastTransformer.Options.SequenceLength);
        var words = (WordTokenizingTransformer)loaded.First();
        Assert.Equal(PunctuationHandling.Split, words.Options.Punctuation);
        Assert.Equal("<eos>", words.Options.EndOfLineToken);
    }

    [Fact]
    public void UserTransformRegistersItsLoader()
    {
        ReverseTextTransformer.RegisterLoader();
        var ml = new MLContext(1);
        var stream = new MemoryStream();
        ml.Model.Save(new ReverseTextTransformer("R", "Text"), null, stream);
        stream.Position = 0;
        var loaded = Assert.IsType<ReverseTextTransformer>(ml.Model.Load(stream, out var schema));
        Assert.Empty(schema);
        Assert.Equal("R", loaded.OutputColumnName);
    }

    [Fact]
    public void NotAZipIsNotAModel()
    {
        var ml = new MLContext();
        var path = WriteTempFile("just some text, definitely not a model", "model.zip");
        var ex = Assert.Throws<ModelFormatException>(() => ml.Model.Load(path, out _));
        Assert.Equal(ModelFormatError.NotAModelFile, ex.Reason);
        Assert.Contains("not a SequenceLM model file", ex.Message);
    }

    [Fact]
    public void ZipWithoutManifestIsNotAModel()
    {
        var ml = new MLContext();
        var path = Path.Combine(CreateTempDirectory(), "other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create)) using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hi");
        var ex = Assert.Throws<ModelFormatException>(() => ml.Model.Load(path, out _));
        Assert.Equal(ModelFormatError.NotAModelFile, ex.Reason);
        Assert.Contains("not a SequenceLM model file", ex.Message);
    }

    [Fact]
    public void TruncatedFileIsCorrupt()
    {
        var path = SaveSmall(out _, out _);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
        Output.WriteLine(ex.Message);
    }

    [Fact]
    public void TamperedEntryFailsTheHashCheck()
    {
        var path = SaveSmall(out _, out _);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var name = "transforms/1-map-tokens-to-keys/vocabulary.json";
            string json;
            using (var r = new StreamReader(zip.GetEntry(name)!.Open())) json = r.ReadToEnd();
            zip.GetEntry(name)!.Delete();
            using var w = new StreamWriter(zip.CreateEntry(name).Open());
            w.Write(json.Replace("\"h\"", "\"q\""));
        }
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
        Assert.Contains("SHA-256", ex.Message);
    }

    [Fact]
    public void NewerFormatVersionAsksToUpgrade()
    {
        var path = SaveSmall(out _, out _);
        RewriteManifest(path, m => m.Replace("\"formatVersion\": 1", "\"formatVersion\": 9"));
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Equal(ModelFormatError.NewerFormatVersion, ex.Reason);
        Assert.Contains("newer version", ex.Message);
        Assert.Contains("format 9, this library reads up to 1", ex.Message);
        Assert.Contains("upgrade the package", ex.Message);
    }

    [Fact]
    public void UnknownLoaderIsReported()
    {
        var path = SaveSmall(out _, out _);
        RewriteManifest(path, m => m.Replace("tokenize-chars", "tokenize-klingon"));
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Equal(ModelFormatError.UnknownTransform, ex.Reason);
        Assert.Contains("tokenize-klingon", ex.Message);
    }

    [Fact]
    public void ManifestCannotPointOutsideTheTransformsPrefix()
    {
        var path = SaveSmall(out _, out _);
        RewriteManifest(path, m => m.Replace("\"options.json\"", "\"../../etc/passwd\""));
        var ex = Assert.Throws<ModelFormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Equal(ModelFormatError.Corrupt, ex.Reason);
    }

    [Fact]
    public void FailedSaveLeavesThePreviousFileIntact()
    {
        var path = SaveSmall(out _, out _);
        var before = File.ReadAllBytes(path);
        var ml = new MLContext();
        var ex = Assert.Throws<NotSupportedException>(() => ml.Model.Save(new UpperCaseViaViewTransformer(), null, path));
        Assert.Contains(nameof(UpperCaseViaViewTransformer), ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        var crash = Assert.Throws<IOException>(() => ml.Model.Save(new ExplodingTransformer(), null, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temp file left behind
    }

    private sealed class ExplodingTransformer : ISaveableTransformer
    {
        public string LoaderId => "exploding";
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IDataView Transform(IDataView input) => input;

        public void Save(ModelSaveContext context)
        {
            context.WriteBytes("part.bin", new byte[1000]);
            throw new IOException("disk full (simulated)");
        }
    }

    private static void RewriteManifest(string path, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        string json;
        using (var r = new StreamReader(zip.GetEntry("manifest.json")!.Open())) json = r.ReadToEnd();
        zip.GetEntry("manifest.json")!.Delete();
        using var w = new StreamWriter(zip.CreateEntry("manifest.json").Open(), new UTF8Encoding(false));
        w.Write(edit(json));
    }
}
