using System.Collections;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class TextRow
{
    public string Text { get; set; } = "";
}

/// <summary>An enumerable that counts how often it is enumerated and how many items were pulled.</summary>
public sealed class CountingEnumerable<T>(IEnumerable<T> items) : IEnumerable<T>
{
    public int Enumerations { get; private set; }
    public int ItemsRead { get; private set; }

    public IEnumerator<T> GetEnumerator()
    {
        Enumerations++;
        foreach (var x in items) { ItemsRead++; yield return x; }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal static class ViewReader
{
    /// <summary>Reads a column of every row as boxed values converted to friendly types (string, string[], long[]).</summary>
    public static List<T> Column<T>(IDataView view, string name, Random? rand = null)
    {
        var col = view.Schema.GetColumnOrNull(name) ?? throw new ArgumentException($"No column '{name}'.");
        var list = new List<T>();
        using var cursor = view.GetRowCursor(new[] { col }, rand);
        var getter = cursor.GetGetter<T>(col);
        while (cursor.MoveNext())
        {
            T v = default!;
            getter(ref v);
            list.Add(v);
        }
        return list;
    }

    public static List<string[]> Tokens(IDataView view, string name = "Tokens") =>
        Column<VBuffer<ReadOnlyMemory<char>>>(view, name).Select(r => r.DenseValues().Select(t => t.ToString()).ToArray()).ToList();

    /// <summary>Reads a key column (ML.NET keys, 1-based) as the 0-based token ids the model sees.</summary>
    public static List<long[]> Keys(IDataView view, string name = "Keys") =>
        Column<VBuffer<uint>>(view, name).Select(r => r.DenseValues().Select(k => (long)k - 1).ToArray()).ToList();

    public static List<string> Texts(IDataView view, string name = "Text") =>
        Column<ReadOnlyMemory<char>>(view, name).Select(r => r.ToString()).ToList();
}
