using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class VocabularyTests(ITestOutputHelper output) : TestBase(output)
{
    private static readonly string[] Corpus = "b a c a b a d".Split(' ');

    [Fact]
    public void FrequencyOrderWithTiesByFirstOccurrence()
    {
        var v = Vocabulary.Build(Corpus);
        Assert.Equal(new[] { "<unk>", "a", "b", "c", "d" }, v.Tokens);
        Assert.Equal(0, v.UnknownKey);
        Assert.True(v.IsCharacterLevel);
    }

    [Fact]
    public void OtherOrderings()
    {
        Assert.Equal(new[] { "<unk>", "b", "a", "c", "d" }, Vocabulary.Build(Corpus, new() { Ordering = VocabularyOrdering.ByOccurrence }).Tokens);
        Assert.Equal(new[] { "<unk>", "a", "b", "c", "d" }, Vocabulary.Build(new[] { "d", "c", "b", "a" }, new() { Ordering = VocabularyOrdering.ByValue }).Tokens);
    }

    [Fact]
    public void ReservedTokensTakeFixedLowKeysAndMatchTheirTextInData()
    {
        var v = Vocabulary.Build(new[] { "x", "<eos>", "y", "x", "<unk>" }, VocabularyOptions.ForPerRowSequences());
        Assert.Equal(new[] { "<unk>", "<pad>", "<bos>", "<eos>", "x", "y" }, v.Tokens);
        Assert.Equal((0L, 1L, 2L, 3L), (v.UnknownKey!.Value, v.PaddingKey!.Value, v.BeginKey!.Value, v.EndKey!.Value));
        Assert.True(v.IsReserved(1));
        Assert.False(v.IsReserved(4));
    }

    [Fact]
    public void MinimumCountAndMaximumSize()
    {
        var v = Vocabulary.Build(Corpus, new() { MinimumCount = 2 });
        Assert.Equal(new[] { "<unk>", "a", "b" }, v.Tokens);
        Assert.Equal(0, v.GetKey("c"));
        var small = Vocabulary.Build(Corpus, new() { MaximumSize = 3 });
        Assert.Equal(new[] { "<unk>", "a", "b" }, small.Tokens);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(Corpus, new() { MinimumCount = 0 }));
        Assert.Contains("VocabularyOptions.MinimumCount", ex.Message);
        Assert.Contains("got 0", ex.Message);
    }

    [Fact]
    public void UnknownTokensWithoutUnkAreAClearError()
    {
        var v = Vocabulary.Build(Corpus, new() { AddUnknownToken = false });
        Assert.Null(v.UnknownKey);
        var ex = Assert.Throws<UnknownTokenException>(() => v.GetKey("zebra"));
        Assert.Equal("zebra", ex.Token);
        Assert.Contains("AddUnknownToken", ex.Message);
    }

    [Fact]
    public void EncodeDecodeCharsAndWords()
    {
        var chars = Vocabulary.Build("hello world".Select(c => c.ToString()));
        var keys = chars.Encode("hello".Select(c => c.ToString()));
        Assert.Equal("hello", chars.Decode(keys));
        var words = Vocabulary.Build("the cat sat on the mat".Split(' '));
        Assert.False(words.IsCharacterLevel);
        Assert.Equal("the cat <unk>", words.Decode(words.Encode(new[] { "the", "cat", "dog" })));
        var perRow = Vocabulary.Build(new[] { "a", "b" }, VocabularyOptions.ForPerRowSequences());
        Assert.Equal("ab", perRow.Decode(new long[] { 2, 4, 5, 3, 1 }, skipSpecialTokens: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => perRow.GetToken(99));
    }

    [Fact]
    public void EmptyCorpusIsAnInvalidCorpus()
    {
        var ex = Assert.Throws<InvalidCorpusException>(() => Vocabulary.Build(Array.Empty<string>()));
        Assert.Contains("0 tokens", ex.Message);
    }

    [Fact]
    public void JsonRoundTripAndBoundsChecks()
    {
        var v = Vocabulary.Build("the cat sat".Split(' '), VocabularyOptions.ForPerRowSequences());
        var back = Vocabulary.FromJson(v.ToJson());
        Assert.Equal(v.Tokens, back.Tokens);
        Assert.Equal(v.IsCharacterLevel, back.IsCharacterLevel);
        Assert.Equal(v.PaddingKey, back.PaddingKey);

        var newer = v.ToJson().Replace("\"version\":1", "\"version\":7");
        Assert.Equal(ModelFormatError.NewerFormatVersion, Assert.Throws<ModelFormatException>(() => Vocabulary.FromJson(newer)).Reason);
        var dup = v.ToJson().Replace("\"cat\"", "\"the\"");
        Assert.Equal(ModelFormatError.Corrupt, Assert.Throws<ModelFormatException>(() => Vocabulary.FromJson(dup)).Reason);
        Assert.Equal(ModelFormatError.Corrupt, Assert.Throws<ModelFormatException>(() => Vocabulary.FromJson("{\"format\":")).Reason);
        Assert.Equal(ModelFormatError.Corrupt, Assert.Throws<ModelFormatException>(() => Vocabulary.FromJson("{\"format\":\"other\"}")).Reason);
        var empty = v.ToJson().Replace("\"cat\"", "\"\"");
        Assert.Equal(ModelFormatError.Corrupt, Assert.Throws<ModelFormatException>(() => Vocabulary.FromJson(empty)).Reason);
    }

    [Fact]
    public void MapTokensToKeysRoundTripsTextThroughKeys()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat sat" }, new TextRow { Text = "on the mat" } });
        var model = ml.Transforms.TokenizeWords()
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.MapKeysToTokens("Decoded"))
            .Fit(data);
        var output = model.Transform(data);
        var keyColumn = output.Schema["Keys"];
        Assert.True(SchemaChecks.IsKeyVector(keyColumn.Type));
        var vocab = keyColumn.GetVocabulary()!;
        Assert.Equal((ulong)vocab.Count, ((KeyDataViewType)((VectorDataViewType)keyColumn.Type).ItemType).Count);
        Assert.Equal(new[] { "<unk>", "the", "cat", "sat", "on", "mat" }, vocab.Tokens);
        Assert.Equal(new[] { new long[] { 1, 2, 3 }, new long[] { 4, 1, 5 } }, ViewReader.Keys(output));
        Assert.Equal(ViewReader.Tokens(output, "Tokens"), ViewReader.Tokens(output, "Decoded"));
        Assert.Equal(new[] { "the cat sat", "on the mat" }, ViewReader.Keys(output).Select(k => vocab.Decode(k)));
    }

    [Fact]
    public void MapTokensToKeysWithExistingVocabularyReadsNoData()
    {
        var ml = new MLContext(1);
        var vocab = Vocabulary.Build("a b".Split(' '));
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "a b z" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var model = ml.Transforms.TokenizeWords().Append(ml.Transforms.MapTokensToKeys(vocab)).Fit(data);
        Assert.Equal(0, source.Enumerations);
        Assert.Same(vocab, model.LastTransformer.Vocabulary);
        Assert.Equal(new long[] { 1, 2, 0 }, Assert.Single(ViewReader.Keys(model.Transform(data))));
    }

    [Fact]
    public void MapTokensToKeysRejectsTextColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a" } });
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Transforms.MapTokensToKeys(inputColumnName: "Text").Fit(data));
        Assert.Contains("'Text' has type String", ex.Message);
        Assert.Contains("Vector<Text>", ex.Message);
        var chain = Assert.Throws<SchemaMismatchException>(() => ml.Transforms.MapTokensToKeys().GetOutputSchema(ShapeColumns.Of(data.Schema)));
        Assert.Contains("'Tokens'", chain.Message);
        Assert.Contains("Text: String", chain.Message);
    }
}
