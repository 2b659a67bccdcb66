using System.IO.Compression;
using System.Text;
using Microsoft.ML.SequenceLM.Models;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>
/// Bad input gives a typed exception whose message names the problem and the fix, never a crash. (A missing libtorch
/// runtime is covered by LanguageModelEngineTests.MissingTorchRuntimeNamesThePackagesToAdd.)
/// </summary>
public sealed class BadInputTests : TestBase, IClassFixture<BadInputTests.SavedModel>
{
    /// <summary>A small trained model, saved once for the model-file tests.</summary>
    public sealed class SavedModel : IDisposable
    {
        public SavedModel()
        {
            Ml = new MLContext(seed: 1);
            Text = Scenarios.Text(Ml, repeats: 10);
            Model = Ml.Transforms.TokenizeChars().Append(Ml.LanguageModels().Trainers.Gru(TinyGru())).Fit(Text);
            var stream = new MemoryStream();
            Ml.Model.Save(Model, Text.Schema, stream);
            Bytes = stream.ToArray();
        }

        public MLContext Ml { get; }
        public IDataView Text { get; }
        public TransformerChain<LanguageModelTransformer> Model { get; }
        public byte[] Bytes { get; }

        public void Dispose() => Model.Dispose();
    }

    private readonly SavedModel _saved;

    public BadInputTests(ITestOutputHelper output, SavedModel saved) : base(output) => _saved = saved;

    internal static GruOptions TinyGru() => new()
    {
        EmbeddingSize = 8, HiddenSize = 16, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 16, Epochs = 1, MaximumSteps = 20,
        LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu", Seed = 1,
    };

    private T FitFails<T>(string text, LanguageModelTrainerOptions? options = null) where T : Exception
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadTextDocument(WriteTempFile(text));
        var e = Assert.Throws<T>(() => ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru((GruOptions?)options ?? TinyGru())).Fit(view));
        Output.WriteLine($"{e.GetType().Name}: {e.Message}");
        return e;
    }

    [Fact]
    public void EmptyCorpusIsAnInvalidCorpusThatSaysSo()
    {
        var e = FitFails<InvalidCorpusException>("");
        Assert.Contains("0 tokens", e.Message);
        Assert.Contains("Check that the file is not empty", e.Message);
    }

    [Fact]
    public void CorpusShorterThanOneWindowNamesTheTokensNeededAndTheFix()
    {
        var e = FitFails<InvalidCorpusException>("the cat sat.");
        Assert.Equal(12, e.TokenCount);
        Assert.Equal(4 * 16 + 1, e.RequiredTokens);
        Assert.Contains("needs at least BatchSize x SequenceLength + 1 = 65 tokens", e.Message);
        Assert.Contains("smaller BatchSize or SequenceLength", e.Message);
    }

    [Fact]
    public void FileThatIsNotUtf8NamesTheFileAndTheByteOffset()
    {
        var ml = new MLContext(1);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Scenarios.Corpus, 5))).ToList();
        bytes.InsertRange(100, new byte[] { 0xC3, 0x28 }); // 0xC3 must be followed by a continuation byte
        var path = WriteTempFile(bytes.ToArray(), "latin1.txt");
        var view = ml.Data.LoadTextDocument(path);
        var e = Assert.Throws<InvalidTextEncodingException>(
            () => ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(TinyGru())).Fit(view));
        Output.WriteLine(e.Message);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(100, e.ByteOffset);
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("Convert the file", e.Message);
    }

    [Fact]
    public void CorpusOfOneRepeatedTokenIsRejected()
    {
        var e = FitFails<InvalidCorpusException>(new string('a', 400));
        Assert.Contains("only one distinct token", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Contains("at least 2", e.Message);
    }

    public static TheoryData<string, Func<LanguageModelTrainerOptions>> OutOfRange => new()
    {
        { "BatchSize", () => new GruOptions { BatchSize = 0 } },
        { "SequenceLength", () => new GruOptions { SequenceLength = -3 } },
        { "HiddenSize", () => new LstmOptions { HiddenSize = 0 } },
        { "NumberOfLayers", () => new RnnOptions { NumberOfLayers = -1 } },
        { "Epochs", () => new GruOptions { Epochs = 0 } },
        { "LearningRate", () => new GruOptions { LearningRate = 0 } },
        { "LearningRate", () => new GruOptions { LearningRate = float.NaN } },
        { "Dropout", () => new GruOptions { Dropout = 1f } },
        { "Dropout", () => new GruOptions { Dropout = -0.1f } },
        { "NumberOfHeads", () => new TransformerOptions { Width = 30, NumberOfHeads = 4 } },
        { "Width", () => new TransformerOptions { Width = 0 } },
        { "TieWeights", () => new GruOptions { TieWeights = true, EmbeddingSize = 8, HiddenSize = 16 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void OptionOutOfRangeIsAnArgumentErrorNamingTheOption(string option, Func<LanguageModelTrainerOptions> make)
    {
        var options = make();
        options.Device = "cpu";
        var ml = new MLContext(1);
        var view = ml.Transforms.TokenizeChars().Fit(Scenarios.Text(ml, 3)).Transform(Scenarios.Text(ml, 3));
        // Validated when the trainer is created (and again by Fit): either way before any work.
        Func<LanguageModelTrainer> trainer = () => options switch
        {
            GruOptions g => ml.LanguageModels().Trainers.Gru(g),
            LstmOptions l => ml.LanguageModels().Trainers.Lstm(l),
            RnnOptions r => ml.LanguageModels().Trainers.Rnn(r),
            TransformerOptions t => ml.LanguageModels().Trainers.Transformer(t),
            _ => throw new InvalidOperationException(),
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => trainer().Fit(view));
        Output.WriteLine($"{e.GetType().Name}: {e.Message}");
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
        Assert.Matches("must|needs", e.Message); // the rule to follow
    }

    [Fact]
    public void PromptOfOnlyUnknownTokensStillGenerates()
    {
        var generator = _saved.Ml.LanguageModels().CreateGenerator(_saved.Model);
        var options = new GenerationOptions { MaxTokens = 12, Temperature = 1f, Seed = 3 };
        foreach (var prompt in new[] { "ZQX#", "日本語", "\u0001\uFFFF" })
        {
            var sample = generator.Generate(prompt, 1, options)[0];
            Output.WriteLine($"'{prompt}' -> '{sample.Text}'");
            Assert.Equal(12, sample.Keys.Length);
            Assert.Equal(12, sample.Text.Length); // character-level: one character per key, never "<unk>"
            Assert.DoesNotContain("<unk>", sample.Text);
        }
    }

    private ModelFormatException LoadFails(byte[] bytes, string name = "model.zip")
    {
        var path = WriteTempFile(bytes, name);
        var e = Assert.Throws<ModelFormatException>(() => _saved.Ml.Model.LoadLanguageModel(path, out _));
        Output.WriteLine($"{e.Reason}: {e.Message}");
        Assert.Contains(Path.GetFileName(path), e.Message); // names the file
        // ... and says what to do
        Assert.Contains(e.Reason switch
        {
            ModelFormatError.NotAModelFile => "not a model saved by ML.NET's ml.Model.Save",
            ModelFormatError.NewerFormatVersion => "Update Microsoft.ML.SequenceLM",
            _ => "save the model again",
        }, e.Message);
        return e;
    }

    [Fact]
    public void TruncatedModelFileIsCorrupt()
    {
        foreach (var length in new[] { 10, _saved.Bytes.Length / 3, _saved.Bytes.Length - 30 })
        {
            var e = LoadFails(_saved.Bytes[..length]);
            Assert.Equal(ModelFormatError.Corrupt, e.Reason);
            Assert.Matches("truncated|damaged", e.Message);
        }
    }

    [Fact]
    public void BitFlipsInAModelFileAreDetected()
    {
        var random = new Random(7);
        // ML.NET deflates its entries, and the zip's CRC-32 would catch a flip in the stored bytes: flip a weight inside
        // the entry and store it again with a valid CRC, so that only our SHA-256 can tell.
        var weights = ModelFiles.EntryNames(_saved.Bytes).Single(n => n.EndsWith("/weights.safetensors", StringComparison.Ordinal));
        var raw = ModelFiles.ReadRaw(_saved.Bytes, weights);
        Assert.True(IndexOf(raw, Encoding.ASCII.GetBytes("rnn.weight_hh_l0")) > 0, "the weights entry holds the PyTorch names");
        raw[raw.Length / 2] ^= 0x10;
        var e = LoadFails(ModelFiles.ReplaceRaw(_saved.Bytes, weights, raw));
        Assert.Equal(ModelFormatError.Corrupt, e.Reason);
        Assert.Contains("SHA-256", e.Message);
        // Anywhere else: some typed model-format error, whichever structure the flip hits.
        for (int i = 0; i < 30; i++)
        {
            var copy = (byte[])_saved.Bytes.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                using var loaded = (IDisposable)_saved.Ml.Model.LoadLanguageModel(new MemoryStream(copy), out _);
            }
            catch (ModelFormatException) { }
        }
    }

    [Fact]
    public void ModelFromANewerFormatVersionAsksToUpgrade()
    {
        var bytes = ModelFiles.SetComponentVersion(_saved.Bytes, LanguageModelTransformer.Format.ModelSignature, written: 0x00020001, readable: 0x00020001);
        var e = LoadFails(bytes);
        Assert.Equal(ModelFormatError.NewerFormatVersion, e.Reason);
        Assert.Contains("format 2.1", e.Message);
    }

    [Fact]
    public void PngOrTextFileIsNotAModel()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0 };
        foreach (var (bytes, name) in new[] { (png, "picture.png"), (Encoding.UTF8.GetBytes(Scenarios.Corpus), "notes.txt"), (Array.Empty<byte>(), "empty.zip") })
        {
            var e = LoadFails(bytes, name);
            Assert.Equal(ModelFormatError.NotAModelFile, e.Reason);
            Assert.Contains("not a model saved by ML.NET", e.Message);
        }
        // A zip that is not ours (e.g. a .docx or a PyTorch .pt archive).
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (var w = new StreamWriter(archive.CreateEntry("archive/data.pkl").Open())) w.Write("pickle");
        var other = LoadFails(zip.ToArray(), "model.pt");
        Assert.Equal(ModelFormatError.NotAModelFile, other.Reason);
        Assert.Contains("without any ML.NET component", other.Message);
    }

    [Fact]
    public void MissingColumnNamesTheColumnAndListsTheOthers()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new Scenarios.Doc { Text = Scenarios.Corpus } }); // "Text", no "Tokens"
        var e = Assert.Throws<SchemaMismatchException>(() => ml.LanguageModels().Trainers.Gru(TinyGru()).Fit(view));
        Output.WriteLine(e.Message);
        Assert.Equal("Tokens", e.ColumnName);
        Assert.Null(e.ActualType);
        Assert.Contains("'Tokens'", e.Message);
        Assert.Contains("Text", e.Message); // the columns there are
    }

    [Fact]
    public void CudaWithoutAGpuIsDeviceUnavailableFromFit()
    {
        if (TorchRuntime.CudaDeviceCount > 0) return; // this machine has a GPU: the error cannot happen here
        var options = TinyGru();
        options.Device = "cuda";
        var e = FitFails<DeviceUnavailableException>(string.Concat(Enumerable.Repeat(Scenarios.Corpus, 3)), options);
        Assert.Contains("cuda", e.Message);
        Assert.Matches("\"cpu\"|'cpu'|cpu", e.Message);
        Assert.Contains("auto", e.Message);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
