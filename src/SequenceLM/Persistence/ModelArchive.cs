using System.IO.Compression;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM;

/// <summary>Writes and reads the model zip: <c>manifest.json</c> plus each transform's entries.</summary>
internal static class ModelArchive
{
    /// <summary>What a user does about a damaged file (ends the messages of <see cref="ModelFormatError.Corrupt"/> errors).</summary>
    internal const string DamagedFix = " Copy the file again, or save the model again.";

    public static void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        bool isChain = model is IEnumerable<ITransformer>;
        var parts = Flatten(model).ToList();
        var saveable = new List<ISaveableTransformer>();
        foreach (var t in parts)
        {
            if (t is not ISaveableTransformer s)
                throw new NotSupportedException($"Transformer {t.GetType().FullName} cannot be saved: it does not implement {nameof(ISaveableTransformer)}.");
            TransformerLoaders.CheckId(s.LoaderId);
            saveable.Add(s);
        }
        var manifest = new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = ModelManifest.LibraryVersionString,
            CreatedUtc = DateTime.UtcNow,
            IsChain = isChain,
            InputSchema = inputSchema?.Select(c => new ModelManifest.ColumnRecord { Name = c.Name, Type = DataViewTypeNames.Format(c.Type) }).ToList() ?? new(),
            Transforms = new(),
        };
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (int i = 0; i < saveable.Count; i++)
            {
                string prefix = ModelManifest.PrefixFor(i, saveable[i].LoaderId);
                var ctx = new ModelSaveContext(archive, prefix);
                saveable[i].Save(ctx);
                manifest.Transforms.Add(new ModelManifest.TransformRecord { Index = i, LoaderId = saveable[i].LoaderId, Prefix = prefix, Entries = ctx.Entries });
            }
            var entry = archive.CreateEntry(ModelManifest.EntryName, CompressionLevel.Optimal);
            using var ms = entry.Open();
            JsonSerializer.Serialize(ms, manifest, new JsonSerializerOptions { WriteIndented = true });
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { model };

    public static void SaveToFile(ITransformer model, DataViewSchema? inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Save(model, inputSchema, fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    public static ITransformer LoadFromFile(string path, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(fs, path, out inputSchema);
    }

    public static ITransformer Load(Stream stream, string fileName, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        Span<byte> sig = stackalloc byte[4];
        int n = stream.ReadAtLeast(sig, 4, throwOnEndOfStream: false);
        stream.Position = start;
        bool looksLikeZip = n == 4 && sig[0] == (byte)'P' && sig[1] == (byte)'K' && ((sig[2] == 3 && sig[3] == 4) || (sig[2] == 5 && sig[3] == 6));
        if (!looksLikeZip) throw NotAModel(fileName, "it is not a zip archive");

        ZipArchive archive;
        try { archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(ModelFormatError.Corrupt, $"'{fileName}' is a damaged or truncated model file: {e.Message}.{DamagedFix}", e);
        }
        using (archive)
        {
            var manifest = ReadManifest(archive, fileName);
            inputSchema = ReadSchema(manifest, fileName);
            var transformers = new List<ITransformer>();
            try
            {
                foreach (var rec in manifest.Transforms!)
                {
                    string id = rec.LoaderId!;
                    if (!TransformerLoaders.TryGet(id, out var loader))
                        throw new ModelFormatException(ModelFormatError.UnknownTransform,
                            $"'{fileName}' contains a transform '{id}' with no registered loader. Register it with {nameof(TransformerLoaders)}.{nameof(TransformerLoaders.Register)}(\"{id}\", ...) before loading.");
                    var ctx = new ModelLoadContext(archive, id, rec.Prefix!, rec.Entries!, manifest.FormatVersion, manifest.LibraryVersion ?? "", fileName,
                        stream.Length - start);
                    transformers.Add(loader(ctx) ?? throw new ModelFormatException(ModelFormatError.Corrupt, $"The loader of '{id}' returned null."));
                }
            }
            catch
            {
                foreach (var t in transformers) (t as IDisposable)?.Dispose();
                throw;
            }
            return MakeRoot(manifest.IsChain, transformers, fileName);
        }
    }

    private static ITransformer MakeRoot(bool isChain, List<ITransformer> transformers, string fileName)
    {
        if (!isChain)
        {
            if (transformers.Count != 1) throw new ModelFormatException(ModelFormatError.Corrupt, $"'{fileName}' declares a single transformer but holds {transformers.Count}.");
            return transformers[0];
        }
        var lastType = transformers.Count > 0 ? transformers[^1].GetType() : typeof(ITransformer);
        var chainType = typeof(TransformerChain<>).MakeGenericType(lastType);
        return (ITransformer)Activator.CreateInstance(chainType, new object[] { transformers.ToArray() })!;
    }

    private static ModelManifest ReadManifest(ZipArchive archive, string fileName)
    {
        ZipArchiveEntry? entry;
        try { entry = archive.GetEntry(ModelManifest.EntryName); }
        catch (InvalidDataException e) { throw new ModelFormatException(ModelFormatError.Corrupt, $"'{fileName}' is damaged: {e.Message}.{DamagedFix}", e); }
        if (entry == null) throw NotAModel(fileName, $"the zip archive has no {ModelManifest.EntryName}");
        if (entry.Length > ModelManifest.MaxManifestBytes)
            throw new ModelFormatException(ModelFormatError.EntryTooLarge, $"The manifest of '{fileName}' is {entry.Length} bytes; the limit is {ModelManifest.MaxManifestBytes}.");
        byte[] bytes;
        try
        {
            using var s = entry.Open();
            using var ms = new MemoryStream();
            var buf = new byte[81920];
            int read;
            while ((read = s.Read(buf)) > 0)
            {
                if (ms.Length + read > ModelManifest.MaxManifestBytes)
                    throw new ModelFormatException(ModelFormatError.EntryTooLarge, $"The manifest of '{fileName}' exceeds {ModelManifest.MaxManifestBytes} bytes.");
                ms.Write(buf, 0, read);
            }
            bytes = ms.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ModelFormatException(ModelFormatError.Corrupt, $"The manifest of '{fileName}' cannot be read ({e.Message}); the file is truncated or damaged.{DamagedFix}", e);
        }

        ModelManifest? m;
        try { m = JsonSerializer.Deserialize<ModelManifest>(bytes, new JsonSerializerOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new ModelFormatException(ModelFormatError.Corrupt, $"The manifest of '{fileName}' is not valid JSON: {e.Message}", e); }
        if (m == null || m.Format != ModelManifest.FormatName) throw NotAModel(fileName, "its manifest is not a SequenceLM manifest");
        if (m.FormatVersion > ModelManifest.CurrentFormatVersion)
            throw new ModelFormatException(ModelFormatError.NewerFormatVersion,
                $"'{fileName}' was written by a newer version of Microsoft.ML.SequenceLM ({m.LibraryVersion}; format {m.FormatVersion}, this library reads up to {ModelManifest.CurrentFormatVersion}); upgrade the package.");
        if (m.FormatVersion < 1) throw new ModelFormatException(ModelFormatError.Corrupt, $"'{fileName}' has an invalid format version {m.FormatVersion}.");
        Validate(m, fileName);
        return m;
    }

    private static void Validate(ModelManifest m, string fileName)
    {
        ModelFormatException Bad(string what) => new(ModelFormatError.Corrupt, $"The manifest of '{fileName}' is invalid: {what}.");
        if (m.Transforms == null || m.Transforms.Count > ModelManifest.MaxTransforms) throw Bad("missing or too many transforms");
        for (int i = 0; i < m.Transforms.Count; i++)
        {
            var t = m.Transforms[i];
            if (t.Index != i || string.IsNullOrEmpty(t.LoaderId)) throw Bad($"transform {i} has a wrong index or no loader id");
            try { TransformerLoaders.CheckId(t.LoaderId); } catch (ArgumentException) { throw Bad($"transform {i} has an invalid loader id"); }
            if (t.Prefix != ModelManifest.PrefixFor(i, t.LoaderId)) throw Bad($"transform {i} has an unexpected entry prefix");
            if (t.Entries == null || t.Entries.Count > ModelManifest.MaxEntriesPerTransform) throw Bad($"transform {i} has missing or too many entries");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in t.Entries)
            {
                try { ModelSaveContext.ValidateEntryName(e.Name!); } catch (ArgumentException) { throw Bad($"transform {i} has an invalid entry name"); }
                if (!names.Add(e.Name!) || e.Size < 0 || e.Sha256 is not { Length: 64 }) throw Bad($"entry '{e.Name}' of transform {i} is malformed");
            }
        }
        if (m.InputSchema != null && m.InputSchema.Count > 10_000) throw Bad("too many input columns");
    }

    private static DataViewSchema ReadSchema(ModelManifest m, string fileName)
    {
        var b = new DataViewSchema.Builder();
        foreach (var c in m.InputSchema ?? new())
        {
            var type = DataViewTypeNames.Parse(c.Type);
            if (string.IsNullOrEmpty(c.Name) || type == null)
                throw new ModelFormatException(ModelFormatError.Corrupt, $"The manifest of '{fileName}' has an invalid input column ({c.Name}: {c.Type}).");
            b.AddColumn(c.Name, type);
        }
        return b.ToSchema();
    }

    private static ModelFormatException NotAModel(string fileName, string why) =>
        new(ModelFormatError.NotAModelFile, $"'{fileName}' is not a SequenceLM model file: {why}. Load a file written by ml.Model.Save.");
}
