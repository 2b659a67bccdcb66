using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(CharTokenizingTransformer), null, typeof(SignatureLoadModel), "Character tokenizer", CharTokenizingTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class CharTokenizingTransformer
{
    internal const string LoaderSignature = "SlmCharTokenizer";

    internal static readonly ComponentFormat Format = new("SLMCHTOK", LoaderSignature, typeof(CharTokenizingTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private protected override void SaveModel(ModelSaveContext ctx) =>
        ColumnState<CharTokenizerOptions>.Write(ComponentWriter.Begin(ctx, Format), OutputColumnName, InputColumnName, _options);

    private static CharTokenizingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ColumnState<CharTokenizerOptions>.Read(ComponentReader.Begin(ctx, Format)).Create((output, input, options) => new CharTokenizingTransformer(output, input, options));
}
