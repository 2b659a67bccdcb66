using Microsoft.ML.Transforms.Text;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class Prompt
{
    public string Text { get; set; } = "";
}

public sealed class KeyedPrompt
{
    [KeyType(6)] public uint[] Keys { get; set; } = Array.Empty<uint>();
    public string[] Tokens { get; set; } = Array.Empty<string>();
}

/// <summary>Our estimators inside ML.NET's own pipelines, chains and prediction engine.</summary>
public sealed class PipelineTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void AppendBuildsAnMLNetChainWhoseFitReturnsATransformerChain()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "abc" } });
        EstimatorChain<TokensToKeysTransformer> pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys());
        var longer = pipeline.Append(ml.Transforms.Conversion.MapKeyToValue("Decoded", "Keys"));

        var model = longer.Fit(data);
        Assert.Equal(3, model.Count());
        Assert.IsType<CharTokenizingTransformer>(model.First());
        Assert.IsType<TokensToKeysTransformer>(model.ElementAt(1));
        Assert.Equal(new[] { "a", "b", "c" }, ViewReader.Tokens(model.Transform(data), "Decoded").Single());
    }

    [Fact]
    public void ChainFitFailsEarlyNamingTheMissingColumn()
    {
        var ml = new MLContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "abc" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys(inputColumnName: "Words"));
        var ex = Assert.Throws<SchemaMismatchException>(() => pipeline.Fit(data));
        Assert.Equal("Words", ex.ColumnName);
        Assert.Contains("Vector<Text>", ex.Message);
        Assert.Contains("Text: String", ex.Message);
        Assert.Contains("Tokens: VarVector<String>", ex.Message);
        Assert.Equal(0, source.Enumerations); // no data was read before failing
    }

    [Fact]
    public void TransformerGetOutputSchemaFailsEarly()
    {
        var ml = new MLContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Body", TextDataViewType.Instance);
        var ex = Assert.Throws<SchemaMismatchException>(() => model.GetOutputSchema(builder.ToSchema()));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Body: String", ex.Message);
    }

    [Fact]
    public void MLNetTransformsComposeWithOursBothWays()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "The Cat SAT" } });
        // ML.NET's NormalizeText before our tokenizer; ML.NET's MapKeyToValue after our keys.
        var model = ml.Transforms.Text.NormalizeText("Text", caseMode: TextNormalizingEstimator.CaseMode.Lower)
            .Append(ml.Transforms.TokenizeWords())
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Conversion.MapKeyToValue("Decoded", "Keys"))
            .Fit(data);
        var view = model.Transform(data);
        Assert.Equal(new[] { "the", "cat", "sat" }, ViewReader.Tokens(view, "Decoded").Single());
        Assert.True(view.Schema["Keys"].HasKeyValues());

        // ML.NET's tokenizer and key mapping feed our key-to-token mapping (ML.NET keys, ML.NET KeyValues).
        var theirs = ml.Transforms.Text.TokenizeIntoWords("Words", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Words"))
            .Append(ml.Transforms.MapKeysToTokens("Back", "Ids"))
            .Fit(data);
        Assert.Equal(new[] { "The", "Cat", "SAT" }, ViewReader.Tokens(theirs.Transform(data), "Back").Single());
    }

    [Fact]
    public void TransformIsLazyAndComputesOncePerRow()
    {
        var ml = new MLContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "ab" }, new TextRow { Text = "cd" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var view = ml.Transforms.TokenizeChars().Fit(data).Transform(data);
        Assert.Equal(0, source.Enumerations);
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(view.Schema["Tokens"]);
        VBuffer<ReadOnlyMemory<char>> first = default, second = default;
        Assert.True(cursor.MoveNext());
        getter(ref first);
        getter(ref second);
        Assert.Equal("a", first.GetValues()[0].ToString());
        Assert.True(first.GetValues()[0].Equals(second.GetValues()[0])); // the same slice: computed once for the row
    }

    [Fact]
    public void MLNetPredictionEngineRunsOurTransforms()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat sat on mat" } });
        var model = ml.Transforms.TokenizeWords()
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Window(new WindowOptions { BatchSize = 1, SequenceLength = 2 })) // training-only: passes rows through
            .Fit(data);
        var engine = ml.Model.CreatePredictionEngine<Prompt, KeyedPrompt>(model);
        var p = engine.Predict(new Prompt { Text = "cat sat dog" });
        Assert.Equal(new uint[] { 3, 4, 1 }, p.Keys); // 1-based keys; "dog" is <unk> (key 1)
        Assert.Equal(new[] { "cat", "sat", "dog" }, p.Tokens);
        var q = engine.Predict(new Prompt { Text = "the" });
        Assert.Equal(new uint[] { 2 }, q.Keys); // values refresh per prediction
    }

    public sealed class Unrelated
    {
        public int Number { get; set; }
    }

    [Fact]
    public void PredictionEngineReportsAMissingInputColumnAtCreation()
    {
        var ml = new MLContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Model.CreatePredictionEngine<Unrelated, KeyedPrompt>(model));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Number: Int32", ex.Message);
    }
}
