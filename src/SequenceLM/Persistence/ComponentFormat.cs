namespace Microsoft.ML.SequenceLM.Persistence;

using VersionInfo = Microsoft.ML.VersionInfo;

/// <summary>
/// The identity and format versions of one kind of component stored in ML.NET's model zip, in ML.NET's own terms.
/// </summary>
/// <remarks>
/// How a transformer of ours round-trips through <c>ml.Model.Save</c> / <c>ml.Model.Load</c> (its project imports
/// <c>build/publicize-mlnet.targets</c>, which makes ML.NET's persistence internals compile):
/// <code>
/// [assembly: LoadableClass(typeof(CharTokenizerTransformer), null, typeof(SignatureLoadModel),
///     "Character tokenizer", CharTokenizerTransformer.LoaderSignature)]
///
/// sealed class CharTokenizerTransformer : ITransformer
/// {
///     internal const string LoaderSignature = "SlmCharTokenizer";    // unique; never changes
///     internal static readonly ComponentFormat Format = new(
///         "SLMCHTOK", LoaderSignature, typeof(CharTokenizerTransformer),
///         writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);
///
///     public void Save(ModelSaveContext ctx)
///     {
///         var writer = ComponentWriter.Begin(ctx, Format);
///         writer.SaveJson("options.json", _options);
///         writer.SaveSafeTensors("weights.safetensors", _tensors);      // small values may go in JSON instead
///     }
///
///     // Found by ML.NET through the attribute above; private is fine.
///     private static CharTokenizerTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
///     {
///         var reader = ComponentReader.Begin(ctx, Format);             // version checks → ModelFormatException
///         return new(reader.LoadJson&lt;Options&gt;("options.json"), reader.LoadSafeTensors("weights.safetensors"));
///     }
/// }
/// </code>
/// Versions: bump <c>writtenVersion</c> whenever what <c>Save</c> writes changes; raise <c>readableVersion</c> to it
/// only when older readers can no longer read the new files (they then get
/// <see cref="ModelFormatError.NewerFormatVersion"/>); raise <c>oldestReadableVersion</c> only when dropping support
/// for old files. <see cref="ComponentReader.WrittenVersion"/> tells a loader which version it is reading.
/// Every entry carries its length and SHA-256, checked on load (<see cref="ModelFormatError.Corrupt"/>).
/// A test that loads the saved model in a fresh process (ML.NET then loads the assembly by the name recorded in the
/// zip) is what proves a registration: see <c>MLNetModelZipTests</c>.
/// </remarks>
/// <param name="modelSignature">Eight characters (0x00-0xFF) ML.NET stores in the component's header and we check on load.</param>
/// <param name="loaderSignature">The name (at most 24 characters) ML.NET uses to find the loader; the LoadableClass attribute's load name.</param>
/// <param name="loaderType">The type whose assembly ML.NET loads to find the loader.</param>
/// <param name="writtenVersion">The version this code writes.</param>
/// <param name="readableVersion">The oldest reader version that can read what this code writes.</param>
/// <param name="oldestReadableVersion">The oldest written version this code can read.</param>
internal sealed class ComponentFormat(string modelSignature, string loaderSignature, Type loaderType,
    uint writtenVersion, uint readableVersion, uint oldestReadableVersion)
{
    public string ModelSignature { get; } = Latin1(modelSignature, 8, 8, nameof(modelSignature));
    public string LoaderSignature { get; } = Latin1(loaderSignature, 1, 24, nameof(loaderSignature));
    public Type LoaderType { get; } = loaderType;
    public uint WrittenVersion { get; } = writtenVersion;
    public uint ReadableVersion { get; } = readableVersion <= writtenVersion ? readableVersion
        : throw new ArgumentException("The readable version cannot exceed the written version.", nameof(readableVersion));
    public uint OldestReadableVersion { get; } = oldestReadableVersion <= writtenVersion ? oldestReadableVersion
        : throw new ArgumentException("The oldest readable version cannot exceed the written version.", nameof(oldestReadableVersion));

    internal VersionInfo ToVersionInfo() => new(ModelSignature, WrittenVersion, ReadableVersion, OldestReadableVersion,
        LoaderType.Assembly.FullName, LoaderSignature);

    /// <summary>The signature as ML.NET packs it into the header (see <see cref="VersionInfo"/>).</summary>
    internal ulong PackedModelSignature => ToVersionInfo().ModelSignature;

    // ML.NET packs these signatures into the header one byte per character.
    private static string Latin1(string value, int minLength, int maxLength, string name) =>
        value.Length >= minLength && value.Length <= maxLength && value.All(c => c <= 0xFF) ? value
            : throw new ArgumentException($"Expected {minLength} to {maxLength} characters in the range 0x00-0xFF.", name);

    internal static string FormatVersion(uint version) => $"{version >> 16}.{version & 0xFFFF}";
}
