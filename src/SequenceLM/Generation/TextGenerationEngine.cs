using System.Runtime.CompilerServices;
using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Generates text from a trained pipeline: single samples, N samples of one prompt in one batched call, many prompts,
/// and token-by-token streaming. Prompts go through the pipeline's own tokenizer and vocabulary (unknown characters or
/// words become &lt;unk&gt;). Create it with <see cref="LanguageModelCatalog.CreateGenerator"/>; it does not own the model.
/// Thread-safe: several engines (or threads) may generate from one model at once.
/// </summary>
public sealed class TextGenerationEngine
{
    private readonly ModelParts _parts;
    private readonly DataOperationsCatalog _data;

    internal TextGenerationEngine(ModelParts parts, DataOperationsCatalog data)
    {
        _parts = parts;
        _data = data;
    }

    /// <summary>The language model generating.</summary>
    public LanguageModelTransformer Model => _parts.Model;

    /// <summary>One sample continuing <paramref name="prompt"/>.</summary>
    public string Generate(string prompt, GenerationOptions? options = null) =>
        GenerateSamples(new[] { prompt }, options)[0].Text;

    /// <summary><paramref name="count"/> samples of one prompt, generated together in one batch.</summary>
    public IReadOnlyList<GeneratedSample> Generate(string prompt, int count, GenerationOptions? options = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        return GenerateSamples(Enumerable.Repeat(prompt, count).ToArray(), options);
    }

    /// <summary>One sample per prompt, generated together in one batch.</summary>
    public IReadOnlyList<GeneratedSample> GenerateSamples(IReadOnlyList<string> prompts, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) return Array.Empty<GeneratedSample>();
        var keys = Encode(prompts);
        return _parts.Model.Generate(keys, options ?? _parts.Model.DefaultGenerationOptions);
    }

    /// <summary>Yields the text of each token as soon as it is sampled (one engine call per token).</summary>
    public IEnumerable<string> Stream(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        _parts.Model.Generator.Stream(Encode(new[] { prompt })[0], options ?? _parts.Model.DefaultGenerationOptions, cancellationToken);

    /// <summary>Like <see cref="Stream"/>, sampling on the thread pool so the caller's thread is never blocked.</summary>
    public async IAsyncEnumerable<string> StreamAsync(string prompt, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var keys = await Task.Run(() => Encode(new[] { prompt })[0], cancellationToken).ConfigureAwait(false);
        using var pieces = _parts.Model.Generator.Stream(keys, options ?? _parts.Model.DefaultGenerationOptions, cancellationToken).GetEnumerator();
        while (await Task.Run(pieces.MoveNext, cancellationToken).ConfigureAwait(false))
            yield return pieces.Current;
    }

    private long[][] Encode(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var codec = _parts.Model.Generator.Codec;
        if (prompts.All(string.IsNullOrEmpty))
            return prompts.Select(_ => codec.EncodePrompt(ReadOnlySpan<long>.Empty)).ToArray();
        var view = _data.LoadFromEnumerable(prompts.Select(p => new PromptText { Text = p ?? "" }));
        return _parts.ReadKeyRows(view).Select(r => codec.EncodePrompt(r.Span)).ToArray();
    }

    private sealed class PromptText
    {
        public string Text { get; set; } = "";
    }
}
