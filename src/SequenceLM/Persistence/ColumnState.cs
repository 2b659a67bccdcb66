namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>The saved state of a one-column transform: its columns and options (entry <see cref="EntryName"/>).</summary>
internal sealed class ColumnState<TOptions> where TOptions : class
{
    public const string EntryName = "columns.json";

    public string? InputColumnName { get; set; }
    public string? OutputColumnName { get; set; }
    public TOptions? Options { get; set; }

    public static void Write(ComponentWriter writer, string outputColumnName, string inputColumnName, TOptions options) =>
        writer.SaveJson(EntryName, new ColumnState<TOptions> { InputColumnName = inputColumnName, OutputColumnName = outputColumnName, Options = options });

    public static ColumnState<TOptions> Read(ComponentReader reader)
    {
        var state = reader.LoadJson<ColumnState<TOptions>>(EntryName, maxBytes: 1 << 20);
        if (string.IsNullOrEmpty(state.InputColumnName) || string.IsNullOrEmpty(state.OutputColumnName) || state.Options == null)
            throw ModelFileErrors.Corrupt($"The model entry '{EntryName}' lacks the column names or the options.");
        return state;
    }

    /// <summary>Builds the transformer, turning invalid saved options into our typed error.</summary>
    public T Create<T>(Func<string, string, TOptions, T> create)
    {
        try
        {
            return create(OutputColumnName!, InputColumnName!, Options!);
        }
        catch (ArgumentException e)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{EntryName}' holds an invalid setting: {e.Message}", e);
        }
    }
}

/// <summary>No options (transforms whose state is their columns and a vocabulary).</summary>
internal sealed class NoOptions
{
}
