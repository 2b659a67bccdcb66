namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>Reads a text shipped inside the samples assembly (Corpus/*.txt).</summary>
internal static class EmbeddedCorpus
{
    public static string Read(string name)
    {
        using var stream = typeof(EmbeddedCorpus).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"Embedded corpus '{name}' is missing from the samples assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
