namespace Microsoft.ML.SequenceLM;

/// <summary>The saved state of a one-column transform: columns and options (entry <c>options.json</c>).</summary>
internal sealed class ColumnTransformState<TOptions>
{
    public const string EntryName = "options.json";

    public int Version { get; set; } = 1;
    public string? InputColumnName { get; set; }
    public string? OutputColumnName { get; set; }
    public TOptions? Options { get; set; }

    public static ColumnTransformState<TOptions> Read(ModelLoadContext ctx)
    {
        var state = ctx.ReadJson<ColumnTransformState<TOptions>>(EntryName);
        if (state.Version != 1) throw ctx.Corrupt($"unsupported state version {state.Version}.");
        if (string.IsNullOrEmpty(state.InputColumnName) || string.IsNullOrEmpty(state.OutputColumnName) || state.Options == null)
            throw ctx.Corrupt("column names or options are missing.");
        return state;
    }
}
