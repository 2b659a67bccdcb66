using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(KeysToTokensTransformer), null, typeof(SignatureLoadModel), "Keys to tokens", KeysToTokensTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class KeysToTokensTransformer
{
    internal const string LoaderSignature = "SlmKeysToTokens";

    internal static readonly ComponentFormat Format = new("SLMKEYTK", LoaderSignature, typeof(KeysToTokensTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private protected override void SaveModel(ModelSaveContext ctx)
    {
        var writer = ComponentWriter.Begin(ctx, Format);
        ColumnState<NoOptions>.Write(writer, OutputColumnName, InputColumnName, new NoOptions());
        VocabularyEntry.Write(writer, Vocabulary);
    }

    private static KeysToTokensTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ComponentReader.Begin(ctx, Format);
        var vocabulary = VocabularyEntry.Read(reader);
        return ColumnState<NoOptions>.Read(reader).Create((output, input, _) => new KeysToTokensTransformer(vocabulary, output, input));
    }
}
