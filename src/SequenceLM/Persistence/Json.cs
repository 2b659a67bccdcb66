using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>The JSON settings of every JSON entry we write into a model zip.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
