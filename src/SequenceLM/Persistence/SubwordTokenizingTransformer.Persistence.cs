using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(SubwordTokenizingTransformer), null, typeof(SignatureLoadModel), "Subword tokenizer", SubwordTokenizingTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class SubwordTokenizingTransformer
{
    internal const string LoaderSignature = "SlmSubwordTokenizer";

    /// <summary>The learned merges' entry: one "left right" line per merge, in order, as byte symbols (JSON array).</summary>
    internal const string MergesEntry = "merges.json";

    internal static readonly ComponentFormat Format = new("SLMSWTOK", LoaderSignature, typeof(SubwordTokenizingTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private protected override void SaveModel(ModelSaveContext ctx)
    {
        var writer = ComponentWriter.Begin(ctx, Format);
        ColumnState<SubwordTokenizerOptions>.Write(writer, OutputColumnName, InputColumnName, _options);
        if (_learned != null) writer.SaveJson(MergesEntry, _learned.Merges.Select(m => m.Left + " " + m.Right).ToArray());
    }

    private static SubwordTokenizingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ComponentReader.Begin(ctx, Format);
        var state = ColumnState<SubwordTokenizerOptions>.Read(reader);
        LearnedBpe? learned = null;
        if (state.Options!.Encoding == null)
        {
            var lines = reader.LoadJson<string[]>(MergesEntry);
            var merges = new List<(string, string)>(lines.Length);
            foreach (var line in lines)
            {
                var parts = line?.Split(' ');
                if (parts is not { Length: 2 } || parts.Any(p => p.Length == 0 || !ByteLevelAlphabet.IsSymbols(p)))
                    throw ModelFileErrors.Corrupt($"The model entry '{MergesEntry}' holds a malformed merge '{line}'.");
                merges.Add((parts[0], parts[1]));
            }
            learned = state.Create((_, _, _) => new LearnedBpe(merges));
        }
        return state.Create((output, input, options) => new SubwordTokenizingTransformer(output, input, options, learned));
    }
}
