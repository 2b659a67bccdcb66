using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(TokensToKeysTransformer), null, typeof(SignatureLoadModel), "Tokens to keys", TokensToKeysTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class TokensToKeysTransformer
{
    internal const string LoaderSignature = "SlmTokensToKeys";

    internal static readonly ComponentFormat Format = new("SLMTOKEY", LoaderSignature, typeof(TokensToKeysTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private protected override void SaveModel(ModelSaveContext ctx)
    {
        var writer = ComponentWriter.Begin(ctx, Format);
        ColumnState<NoOptions>.Write(writer, OutputColumnName, InputColumnName, new NoOptions());
        VocabularyEntry.Write(writer, Vocabulary);
    }

    private static TokensToKeysTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ComponentReader.Begin(ctx, Format);
        var vocabulary = VocabularyEntry.Read(reader);
        return ColumnState<NoOptions>.Read(reader).Create((output, input, _) => new TokensToKeysTransformer(vocabulary, output, input));
    }
}
