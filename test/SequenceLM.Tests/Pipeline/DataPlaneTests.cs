using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class DataPlaneTests(ITestOutputHelper output) : TestBase(output)
{
    public sealed class Example
    {
        public string Name { get; set; } = "";
        [ColumnName("Count")] public int Number { get; set; }
        public long[] Ids { get; set; } = Array.Empty<long>();
        public float Score;
        [NoColumn] public object? Ignored { get; set; }
    }

    [Fact]
    public void SchemaBuilderIndexesColumnsAndReplacesByName()
    {
        var schema = new DataViewSchema.Builder()
            .AddColumn("A", TextDataViewType.Instance)
            .AddColumn("B", NumberDataViewType.Int64)
            .AddColumn("A", new VectorDataViewType(new KeyDataViewType(10), 5))
            .ToSchema();
        Assert.Equal(2, schema.Count);
        Assert.Equal(0, schema["A"].Index);
        Assert.Equal("Vector<Key<10>, 5>", schema["A"].Type.ToString());
        Assert.Equal(typeof(ReadOnlyMemory<long>), schema["A"].Type.RawType);
        Assert.Null(schema.GetColumnOrNull("C"));
        var ex = Assert.Throws<SchemaMismatchException>(() => schema["C"]);
        Assert.Contains("'C'", ex.Message);
        Assert.Contains("A: Vector<Key<10>, 5>", ex.Message);
    }

    [Fact]
    public void TypesCompareByValue()
    {
        Assert.Equal(new KeyDataViewType(3), new KeyDataViewType(3));
        Assert.NotEqual(new KeyDataViewType(3), new KeyDataViewType(4));
        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), new VectorDataViewType(TextDataViewType.Instance, 0));
        Assert.NotEqual<DataViewType>(NumberDataViewType.Int32, NumberDataViewType.Int64);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyDataViewType(0));
    }

    [Fact]
    public void LoadFromEnumerableMapsMembersAndCreateEnumerableMapsBack()
    {
        var ml = new SequenceLMContext(1);
        var data = new[]
        {
            new Example { Name = "a", Number = 1, Ids = new long[] { 1, 2 }, Score = 0.5f },
            new Example { Name = "b", Number = 2, Ids = new long[] { 3 }, Score = 1.5f },
        };
        var view = ml.Data.LoadFromEnumerable(data);
        Assert.Equal(new[] { "Name", "Count", "Ids", "Score" }, view.Schema.Select(c => c.Name));
        Assert.Equal(TextDataViewType.Instance, view.Schema["Name"].Type);
        Assert.Equal(NumberDataViewType.Int32, view.Schema["Count"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64), view.Schema["Ids"].Type);
        Assert.Equal(2, view.GetRowCount());

        var back = ml.Data.CreateEnumerable<Example>(view).ToList();
        Assert.Equal(new[] { "a", "b" }, back.Select(e => e.Name));
        Assert.Equal(new[] { 1, 2 }, back.Select(e => e.Number));
        Assert.Equal(new long[] { 1, 2 }, back[0].Ids);
        Assert.Equal(1.5f, back[1].Score);
    }

    [Fact]
    public void CreateEnumerableReportsMissingColumn()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "x" } });
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Data.CreateEnumerable<Example>(view));
        Assert.Contains("'Name'", ex.Message);
        Assert.Contains("Text: Text", ex.Message);
    }

    [Fact]
    public void ViewsAreLazyUntilACursorMoves()
    {
        var ml = new SequenceLMContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "ab" }, new TextRow { Text = "cd" } });
        var view = ml.Data.LoadFromEnumerable(source);
        var pipeline = ml.Transforms.TokenizeChars();
        var tokenizer = pipeline.Fit(view);
        var tokens = tokenizer.Transform(view);
        var split = ml.Data.TrainTestSplit(tokens, 0.5, seed: 3);
        var taken = ml.Data.TakeRows(split.TrainSet, 1);
        Assert.Equal(0, source.Enumerations);

        using (var cursor = tokens.GetRowCursor(tokens.Schema))
        {
            Assert.Equal(0, source.ItemsRead);
            Assert.True(cursor.MoveNext());
            Assert.Equal(1, source.ItemsRead);
        }
        Assert.Equal(1, source.Enumerations);
        Assert.Single(ViewReader.Tokens(taken));
    }

    [Fact]
    public void CursorGetterRejectsWrongTypeAndInactiveColumn()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "x" } });
        using var cursor = view.GetRowCursor(view.Schema);
        var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<string>(view.Schema["Text"]));
        Assert.Contains("ReadOnlyMemory<Char>", ex.Message);
        using var none = view.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        Assert.False(none.IsColumnActive(view.Schema["Text"]));
        Assert.Throws<InvalidOperationException>(() => none.GetGetter<ReadOnlyMemory<char>>(view.Schema["Text"]));
    }

    [Fact]
    public void TakeAndSkipRows()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new TextRow { Text = i.ToString() }).ToList());
        Assert.Equal(new[] { "0", "1", "2" }, ViewReader.Texts(ml.Data.TakeRows(view, 3)));
        Assert.Equal(new[] { "8", "9" }, ViewReader.Texts(ml.Data.SkipRows(view, 8)));
        Assert.Equal(3, ml.Data.TakeRows(view, 3).GetRowCount());
    }

    [Fact]
    public void TrainTestSplitOfOneDocumentIsContiguous()
    {
        var ml = new SequenceLMContext(1);
        string text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = text } });
        var (train, test) = ml.Data.TrainTestSplit(view, 0.1);
        Assert.Equal(text[..90], Assert.Single(ViewReader.Texts(train)));
        Assert.Equal(text[90..], Assert.Single(ViewReader.Texts(test)));
    }

    [Fact]
    public void TrainTestSplitOfRowsIsSeededDisjointAndComplete()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new TextRow { Text = i.ToString() }));
        var a = ml.Data.TrainTestSplit(view, 0.2, seed: 7);
        var b = ml.Data.TrainTestSplit(view, 0.2, seed: 7);
        var trainA = ViewReader.Texts(a.TrainSet);
        var testA = ViewReader.Texts(a.TestSet);
        Assert.Equal(10, testA.Count);
        Assert.Equal(40, trainA.Count);
        Assert.Empty(trainA.Intersect(testA));
        Assert.Equal(50, trainA.Union(testA).Count());
        Assert.Equal(testA, ViewReader.Texts(b.TestSet));
        Assert.NotEqual(testA, ViewReader.Texts(ml.Data.TrainTestSplit(view, 0.2, seed: 8).TestSet));
        Assert.Equal(trainA.OrderBy(int.Parse), trainA); // order kept within a part
    }

    [Fact]
    public void TrainTestSplitValidatesFraction()
    {
        var ml = new SequenceLMContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(view, 1.5));
        Assert.Contains("testFraction", ex.Message);
        Assert.Contains("1.5", ex.Message);
    }
}
