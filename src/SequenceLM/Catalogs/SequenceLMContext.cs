namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The entry point of the library, like ML.NET's <c>MLContext</c>: holds the random source and the catalogs
/// (<see cref="Data"/>, <see cref="Transforms"/>, <see cref="LanguageModels"/>, <see cref="Model"/>).
/// </summary>
public sealed class SequenceLMContext
{
    private readonly Random _random;
    private readonly object _randomLock = new();

    /// <summary>Creates a context.</summary>
    /// <param name="seed">Seed of all randomness derived from this context (splits, shuffles, initialisation, sampling); null picks a random seed.</param>
    public SequenceLMContext(int? seed = null)
    {
        Seed = seed;
        _random = seed.HasValue ? new Random(seed.Value) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        LanguageModels = new LanguageModelCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>The seed given at construction, or null.</summary>
    public int? Seed { get; }

    /// <summary>Loading, converting and splitting data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Tokenization, vocabulary and windowing transforms.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Language-model trainers and evaluation.</summary>
    public LanguageModelCatalog LanguageModels { get; }

    /// <summary>Saving and loading models; prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>Draws the next seed from the context's random source (thread-safe, deterministic for a given seed and call order).</summary>
    internal int NextSeed()
    {
        lock (_randomLock) return _random.Next();
    }

    /// <summary>Creates a new <see cref="Random"/> seeded from the context's random source.</summary>
    internal Random CreateRandom() => new(NextSeed());
}
