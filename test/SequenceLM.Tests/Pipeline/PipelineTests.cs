using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

/// <summary>A user-written transform: reverses the text column. Saveable through a registered loader.</summary>
public sealed class ReverseTextTransformer(string outputColumnName, string inputColumnName)
    : ColumnTransformerBase<ReadOnlyMemory<char>, ReadOnlyMemory<char>>(outputColumnName, inputColumnName), ISaveableTransformer, IDisposable
{
    public int MapCalls { get; private set; }
    public bool Disposed { get; private set; }

    protected override string ExpectedInputType => "Text";
    protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;
    protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) => (TextDataViewType.Instance, null);

    protected override void Map(in ReadOnlyMemory<char> input, ref ReadOnlyMemory<char> output)
    {
        MapCalls++;
        var chars = input.ToArray();
        Array.Reverse(chars);
        output = chars;
    }

    public string LoaderId => "test-reverse-text";

    public void Save(ModelSaveContext context) => context.WriteJson("columns.json", new[] { OutputColumnName, InputColumnName });

    public static void RegisterLoader() => TransformerLoaders.Register("test-reverse-text", ctx =>
    {
        var cols = ctx.ReadJson<string[]>("columns.json", maxBytes: 1024);
        return new ReverseTextTransformer(cols[0], cols[1]);
    });

    public void Dispose() => Disposed = true;
}

public sealed class ReverseTextEstimator(string output, string input) : TrivialEstimator<ReverseTextTransformer>(new ReverseTextTransformer(output, input))
{
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        inputSchema.RequireColumn(Transformer.InputColumnName, "Text", SchemaChecks.IsText);
        return inputSchema.With(new SchemaShape.Column(Transformer.OutputColumnName, SchemaShape.VectorKind.Scalar, TextDataViewType.Instance, false));
    }
}

/// <summary>A transformer without the single-row fast path (prediction must fall back to Transform).</summary>
public sealed class UpperCaseViaViewTransformer : ITransformer
{
    private readonly ReverseTextTransformer _inner = new("Upper", "Text");
    public int TransformCalls { get; private set; }

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    public IDataView Transform(IDataView input)
    {
        TransformCalls++;
        return _inner.Transform(input);
    }
}

public sealed class Prompt
{
    public string Text { get; set; } = "";
}

public sealed class KeyedPrompt
{
    public long[] Keys { get; set; } = Array.Empty<long>();
    public string[] Tokens { get; set; } = Array.Empty<string>();
    [ColumnName("Reversed")] public string Backwards { get; set; } = "";
}

public sealed class PipelineTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void AppendBuildsAChainWhoseFitReturnsATransformerChain()
    {
        var ml = new SequenceLMContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "abc" } });
        EstimatorChain<TokensToKeysTransformer> pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys());
        Assert.Equal(2, pipeline.Estimators.Count);
        var longer = pipeline.Append(new ReverseTextEstimator("Reversed", "Text"));
        Assert.Equal(3, longer.Estimators.Count);
        IEstimator<ITransformer> asInterface = pipeline;
        Assert.Equal(3, asInterface.Append(new ReverseTextEstimator("R", "Text")).Estimators.Count); // flattened, not nested

        TransformerChain<ReverseTextTransformer> model = longer.Fit(data);
        Assert.Equal(3, model.Count);
        Assert.IsType<CharTokenizingTransformer>(model.First());
        Assert.Equal("Reversed", model.LastTransformer.OutputColumnName);
        Assert.Equal("cba", Assert.Single(ViewReader.Texts(model.Transform(data), "Reversed")));
    }

    [Fact]
    public void ChainFitFailsEarlyNamingTheMissingColumn()
    {
        var ml = new SequenceLMContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "abc" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys(inputColumnName: "Words"));
        var ex = Assert.Throws<SchemaMismatchException>(() => pipeline.Fit(data));
        Assert.Equal("Words", ex.ColumnName);
        Assert.Contains("Vector<Text>", ex.Message);
        Assert.Contains("Text: Text", ex.Message);
        Assert.Contains("Tokens: Vector<Text>", ex.Message);
        Assert.Equal(0, source.Enumerations); // no data was read before failing
    }

    [Fact]
    public void TransformerGetOutputSchemaFailsEarly()
    {
        var ml = new SequenceLMContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var other = new DataViewSchema.Builder().AddColumn("Body", TextDataViewType.Instance).ToSchema();
        var ex = Assert.Throws<SchemaMismatchException>(() => model.GetOutputSchema(other));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Body: Text", ex.Message);
    }

    [Fact]
    public void TransformerChainDisposesItsParts()
    {
        var a = new ReverseTextTransformer("A", "Text");
        var b = new ReverseTextTransformer("B", "A");
        var chain = new TransformerChain<ReverseTextTransformer>(a, b);
        Assert.Same(b, chain.LastTransformer);
        chain.Dispose();
        Assert.True(a.Disposed && b.Disposed);
    }

    [Fact]
    public void CustomTransformIsLazyAndComputesOncePerRow()
    {
        var ml = new SequenceLMContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "ab" }, new TextRow { Text = "cd" } });
        var t = new ReverseTextTransformer("R", "Text");
        var view = t.Transform(data);
        Assert.Equal(0, t.MapCalls);
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["R"]);
        ReadOnlyMemory<char> v = default;
        Assert.True(cursor.MoveNext());
        getter(ref v);
        getter(ref v);
        Assert.Equal("ba", v.ToString());
        Assert.Equal(1, t.MapCalls);
        using var textOnly = view.GetRowCursor(new[] { view.Schema["Text"] });
        while (textOnly.MoveNext()) { }
        Assert.Equal(1, t.MapCalls); // output not requested: not computed
    }

    [Fact]
    public void PredictionEngineUsesTheSingleRowFastPath()
    {
        var ml = new SequenceLMContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat sat" } });
        var model = ml.Transforms.TokenizeWords()
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(new ReverseTextEstimator("Reversed", "Text"))
            .Append(ml.Transforms.Window(new WindowOptions { BatchSize = 1, SequenceLength = 2 })) // training-only: skipped
            .Fit(data);
        using var engine = ml.Model.CreatePredictionEngine<Prompt, KeyedPrompt>(model);
        var p = engine.Predict(new Prompt { Text = "cat sat dog" });
        Assert.Equal(new long[] { 2, 3, 0 }, p.Keys);
        Assert.Equal(new[] { "cat", "sat", "dog" }, p.Tokens);
        Assert.Equal("god tas tac", p.Backwards);
        var q = engine.Predict(new Prompt { Text = "the" });
        Assert.Equal(new long[] { 1 }, q.Keys); // values refresh per prediction
        Assert.Equal("eht", q.Backwards);
    }

    [Fact]
    public void PredictionEngineFallsBackToTransformOverOneRow()
    {
        var ml = new SequenceLMContext(1);
        var t = new UpperCaseViaViewTransformer();
        using var engine = ml.Model.CreatePredictionEngine<Prompt, UpperResult>(t);
        Assert.Equal("olleh", engine.Predict(new Prompt { Text = "hello" }).Upper);
        Assert.Equal(1, t.TransformCalls);
    }

    public sealed class UpperResult
    {
        public string Upper { get; set; } = "";
    }

    public sealed class Unrelated
    {
        public int Number { get; set; }
    }

    [Fact]
    public void PredictionEngineReportsSchemaProblemsAtCreation()
    {
        var ml = new SequenceLMContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Model.CreatePredictionEngine<Unrelated, KeyedPrompt>(model));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Number: Int32", ex.Message);
        var outEx = Assert.Throws<SchemaMismatchException>(() => ml.Model.CreatePredictionEngine<Prompt, KeyedPrompt>(model));
        Assert.Contains("'Keys'", outEx.Message);
    }
}
