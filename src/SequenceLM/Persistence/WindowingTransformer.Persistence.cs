using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Persistence;

[assembly: LoadableClass(typeof(WindowingTransformer), null, typeof(SignatureLoadModel), "Training windows", WindowingTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

public sealed partial class WindowingTransformer
{
    internal const string LoaderSignature = "SlmWindowing";

    internal static readonly ComponentFormat Format = new("SLMWINDW", LoaderSignature, typeof(WindowingTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        ColumnState<WindowOptions>.Write(ComponentWriter.Begin(ctx, Format), WindowedData.InputColumnName, InputColumnName, _options);

    private static WindowingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ColumnState<WindowOptions>.Read(ComponentReader.Begin(ctx, Format)).Create((_, input, options) => new WindowingTransformer(options, input));
}
