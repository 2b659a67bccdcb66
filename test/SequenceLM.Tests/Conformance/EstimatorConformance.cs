namespace Microsoft.ML.SequenceLM.Tests.Conformance;

/// <summary>
/// The checks every estimator we ship must pass, in the spirit of ML.NET's <c>TestEstimatorCore</c>:
/// its <c>GetOutputSchema</c> promises what the fitted transformer delivers, wrongly typed input fails with our typed
/// error before any data is read, empty input fails with our typed error (or, for estimators that learn nothing,
/// gives an empty output), and a save to ML.NET's model zip and load gives a transformer with equal output.
/// </summary>
internal static class EstimatorConformance
{
    public static void Check<TTransformer>(MLContext ml, IEstimator<TTransformer> estimator, IDataView input, IDataView wronglyTyped,
        IDataView empty, bool learnsFromData, bool checkEmpty = true)
        where TTransformer : class, ITransformer
    {
        // 1. The promised shape is the delivered schema.
        var promised = estimator.GetOutputSchema(ShapeColumns.Of(input.Schema));
        var transformer = estimator.Fit(input);
        try
        {
            var schema = transformer.GetOutputSchema(input.Schema);
            var output = transformer.Transform(input);
            AssertSameColumns(schema, output.Schema);
            var delivered = ShapeColumns.Of(schema);
            foreach (var column in promised)
            {
                Assert.True(delivered.TryFind(column.Name, out var actual), $"{estimator.GetType().Name} promised column '{column.Name}' but the transformer has no such column.");
                Assert.Equal(column.Kind, actual.Kind);
                Assert.Equal(column.ItemType, actual.ItemType);
                Assert.Equal(column.IsKey, actual.IsKey);
                foreach (var annotation in column.Annotations)
                    Assert.True(actual.Annotations.TryFind(annotation.Name, out _), $"Column '{column.Name}' lacks the promised annotation '{annotation.Name}'.");
            }
            Assert.Equal(promised.Select(c => c.Name).OrderBy(n => n), delivered.Select(c => c.Name).OrderBy(n => n));

            // 2. Wrongly typed input: our typed error, from the shape check and from Fit.
            Assert.Throws<SchemaMismatchException>(() => estimator.GetOutputSchema(ShapeColumns.Of(wronglyTyped.Schema)));
            Assert.Throws<SchemaMismatchException>(() => estimator.Fit(wronglyTyped));

            // 3. Empty input.
            if (!checkEmpty)
            {
                // The caller checks empty input itself.
            }
            else if (learnsFromData)
            {
                Assert.Throws<InvalidCorpusException>(() => estimator.Fit(empty));
            }
            else
            {
                var fittedOnEmpty = estimator.Fit(empty);
                Assert.Empty(ViewDump.Rows(fittedOnEmpty.Transform(empty)));
            }

            // 4. Save to ML.NET's model zip and load: the same type, the same output.
            var stream = new MemoryStream();
            ml.Model.Save(transformer, input.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out var loadedSchema);
            try
            {
                var loadedTransformer = loaded is TransformerChain<ITransformer> chain ? chain.Single() : loaded;
                Assert.IsType<TTransformer>(loadedTransformer);
                Assert.Equal(input.Schema.Select(c => c.Name), loadedSchema.Select(c => c.Name));
                Assert.Equal(ViewDump.Rows(transformer.Transform(input)), ViewDump.Rows(loaded.Transform(input)));
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }
        finally
        {
            (transformer as IDisposable)?.Dispose();
        }
    }

    private static void AssertSameColumns(DataViewSchema expected, DataViewSchema actual)
    {
        Assert.Equal(expected.Select(c => (c.Name, c.Type, c.IsHidden)), actual.Select(c => (c.Name, c.Type, c.IsHidden)));
    }
}

/// <summary>Reads every visible column of every row as text, for comparing two views.</summary>
internal static class ViewDump
{
    public static List<string> Rows(IDataView view)
    {
        var columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        var rows = new List<string>();
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        while (cursor.MoveNext())
            rows.Add(string.Join(" | ", readers.Select(r => r())));
        return rows;
    }

    private static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (raw == typeof(ReadOnlyMemory<char>)) return Scalar<ReadOnlyMemory<char>>(row, column, v => v.ToString());
        if (raw == typeof(int)) return Scalar<int>(row, column, v => v.ToString());
        if (raw == typeof(float)) return Scalar<float>(row, column, v => v.ToString("R"));
        if (raw == typeof(uint)) return Scalar<uint>(row, column, v => v.ToString());
        if (raw == typeof(VBuffer<ReadOnlyMemory<char>>)) return Scalar<VBuffer<ReadOnlyMemory<char>>>(row, column, v => string.Join("·", v.DenseValues()));
        if (raw == typeof(VBuffer<uint>)) return Scalar<VBuffer<uint>>(row, column, v => string.Join(",", v.DenseValues()));
        throw new NotSupportedException($"Column '{column.Name}' of type {column.Type} is not dumped.");
    }

    private static Func<string> Scalar<T>(DataViewRow row, DataViewSchema.Column column, Func<T, string> show)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return show(value);
        };
    }
}
