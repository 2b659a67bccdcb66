using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(WordTokenizingTransformer), null, typeof(SignatureLoadModel), "Word tokenizer", WordTokenizingTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class WordTokenizingTransformer
{
    internal const string LoaderSignature = "SlmWordTokenizer";

    internal static readonly ComponentFormat Format = new("SLMWDTOK", LoaderSignature, typeof(WordTokenizingTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private protected override void SaveModel(ModelSaveContext ctx) =>
        ColumnState<WordTokenizerOptions>.Write(ComponentWriter.Begin(ctx, Format), OutputColumnName, InputColumnName, _options);

    private static WordTokenizingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ColumnState<WordTokenizerOptions>.Read(ComponentReader.Begin(ctx, Format)).Create((output, input, options) => new WordTokenizingTransformer(output, input, options));
}
