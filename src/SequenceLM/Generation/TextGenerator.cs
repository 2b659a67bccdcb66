using System.Text;
using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// Samples text from a model for a batch of prompts through one <see cref="GenerationSession"/>. Without stop strings
/// one call generates every token; with stop strings, or when streaming, one call yields the next token of every row.
/// </summary>
internal sealed class TextGenerator
{
    private readonly LanguageModelEngine _model;
    private readonly TokenCodec _codec;

    public TextGenerator(LanguageModelEngine model, TokenCodec codec)
    {
        _model = model;
        _codec = codec;
    }

    /// <summary>Training and validation rows of a per-row model, for <see cref="GeneratedSample.Origin"/>.</summary>
    public RowRegistry? Rows { get; set; }

    public TokenCodec Codec => _codec;

    /// <summary>Generates one sample per prompt (keys as <see cref="TokenCodec"/> encoded them).</summary>
    public IReadOnlyList<GeneratedSample> Generate(IReadOnlyList<long[]> prompts, GenerationOptions options)
    {
        options.Validate();
        var rows = prompts.Select(p => new RowState(_codec.PromptText(p), p)).ToArray();
        if (rows.Length == 0 || options.MaxTokens == 0)
            return rows.Select(ToSample).ToArray();
        using var generator = GenerationSession.Create(_model, rows.Select(r => r.PromptKeys).ToArray(), Sampling(options), _codec.BannedKeys);
        long stop = StopKey(options);
        bool checkEachToken = options.StopStrings.Count > 0;
        int chunk = checkEachToken ? 1 : options.MaxTokens;
        var tokens = new long[chunk * rows.Length];
        for (int produced = 0; produced < options.MaxTokens && rows.Any(r => !r.Done);)
        {
            int count = Math.Min(chunk, options.MaxTokens - produced);
            generator.Next(count, stop, tokens.AsSpan(0, count * rows.Length));
            for (int t = 0; t < count; t++)
                for (int r = 0; r < rows.Length; r++)
                    rows[r].Add(tokens[t * rows.Length + r], stop, _codec, options);
            produced += count;
        }
        return rows.Select(ToSample).ToArray();

        GeneratedSample ToSample(RowState row)
        {
            var sample = row.ToSample(_codec, options);
            bool whole = _codec.PerRow && row.PromptKeys.Length == 1 && Rows != null;
            return whole ? sample with { Origin = Rows!.Classify(sample.Keys) } : sample;
        }
    }

    /// <summary>Yields the text of each token as soon as it is sampled.</summary>
    public IEnumerable<string> Stream(long[] promptKeys, GenerationOptions options, CancellationToken cancel = default)
    {
        options.Validate();
        var row = new RowState(_codec.PromptText(promptKeys), promptKeys);
        if (options.IncludePrompt && row.Prompt.Length > 0) yield return row.Prompt;
        if (options.MaxTokens == 0) yield break;
        using var generator = GenerationSession.Create(_model, new[] { row.PromptKeys }, Sampling(options), _codec.BannedKeys);
        long stop = StopKey(options);
        var token = new long[1];
        for (int produced = 0; produced < options.MaxTokens && !row.Done; produced++)
        {
            cancel.ThrowIfCancellationRequested();
            generator.Next(1, stop, token);
            var piece = row.Add(token[0], stop, _codec, options);
            if (piece.Length > 0) yield return piece;
        }
        var rest = row.FlushAll();
        if (rest.Length > 0) yield return rest;
    }

    private static SamplingSettings Sampling(GenerationOptions o) => new()
    {
        Temperature = o.Temperature,
        TopK = o.TopK,
        TopP = o.TopP,
        Seed = (ulong)(o.Seed ?? Random.Shared.Next()),
    };

    // Stream models (e.g. PTB, where <eos> ends a line) write <eos> as a line break and go on; per-row models stop there.
    private long StopKey(GenerationOptions o) => _codec.PerRow && o.StopAtEndOfSequence && _codec.Vocabulary.EndKey is { } eos ? eos : -1;

    /// <summary>One row's growing output; the text held back is what could still turn out to start a stop string.</summary>
    private sealed class RowState
    {
        private readonly StringBuilder _text = new();
        private readonly List<long> _keys = new();
        private readonly Decoder _utf8 = TokenCodec.CreateUtf8Decoder();   // byte-level subwords: an incomplete character at the end is left out

        public RowState(string prompt, long[] promptKeys)
        {
            Prompt = prompt;
            PromptKeys = promptKeys;
        }

        public string Prompt { get; }
        public long[] PromptKeys { get; }
        public bool Done { get; private set; }
        public GenerationStopReason Reason { get; private set; } = GenerationStopReason.MaxTokens;
        private int _emitted;

        /// <summary>Adds a sampled key; returns the text that is now certain to be part of the output.</summary>
        public string Add(long key, long stopKey, TokenCodec codec, GenerationOptions options)
        {
            if (Done) return "";
            if (key == stopKey)
            {
                Done = true;
                Reason = GenerationStopReason.EndOfSequence;
                return Flush(_text.Length);
            }
            _keys.Add(key);
            _text.Append(codec.Piece(key, first: _keys.Count == 1 && (Prompt.Length == 0 || codec.PerRow), _utf8));
            foreach (var stop in options.StopStrings)
            {
                int at = IndexOfStop(stop);
                if (at < 0) continue;
                _text.Length = at;
                Done = true;
                Reason = GenerationStopReason.StopString;
                return Flush(_text.Length);
            }
            int longestStop = options.StopStrings.Count == 0 ? 0 : options.StopStrings.Max(s => s.Length);
            return Flush(Math.Max(_emitted, _text.Length - (longestStop - 1 > 0 ? longestStop - 1 : 0)));
        }

        private int IndexOfStop(string stop)
        {
            int from = Math.Max(0, _text.Length - stop.Length - 32);
            var tail = _text.ToString(from, _text.Length - from);
            int i = tail.IndexOf(stop, StringComparison.Ordinal);
            return i < 0 ? -1 : from + i;
        }

        public string FlushAll() => Flush(_text.Length);

        private string Flush(int upTo)
        {
            if (upTo <= _emitted) return "";
            var piece = _text.ToString(_emitted, upTo - _emitted);
            _emitted = upTo;
            return piece;
        }

        public GeneratedSample ToSample(TokenCodec codec, GenerationOptions options)
        {
            var text = _text.ToString();
            if (options.IncludePrompt) text = Prompt + text;
            return new GeneratedSample(Prompt, text, _keys.ToArray(), Reason);
        }
    }
}
