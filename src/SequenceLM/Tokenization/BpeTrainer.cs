using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Learns byte-level BPE merges from pre-tokenized text. Pair counts are kept for the whole corpus and updated
/// incrementally: a merge touches only the words that hold its pair (found through a pair → words index), and the
/// next best pair comes from a heap whose stale entries are skipped, so no merge recounts the corpus.
/// </summary>
/// <remarks>
/// Deterministic: the best pair is the most frequent; ties go to the pair of the smaller token ids (byte order for
/// bytes, learning order for merged tokens). The same text and options always give the same merges.
/// </remarks>
internal sealed class BpeTrainer
{
    private readonly List<string> _tokens = ByteLevelAlphabet.Symbols.ToList();
    private readonly Dictionary<string, int> _ids;
    private readonly List<int[]> _words = new();
    private readonly List<long> _wordCounts = new();
    private readonly Dictionary<long, long> _pairCounts = new();
    private readonly Dictionary<long, List<int>> _pairWords = new();
    private readonly PriorityQueue<long, (long NegCount, long Pair)> _heap = new();

    public BpeTrainer()
    {
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Count; i++) _ids[_tokens[i]] = i;
    }

    /// <summary>Adds a distinct pre-token (its byte symbols) with its number of occurrences.</summary>
    public void AddWord(string symbols, long count)
    {
        var word = new int[symbols.Length];
        for (int i = 0; i < symbols.Length; i++) word[i] = _ids[symbols[i].ToString()];
        int w = _words.Count;
        _words.Add(word);
        _wordCounts.Add(count);
        for (int i = 0; i + 1 < word.Length; i++)
        {
            long pair = Pair(word[i], word[i + 1]);
            CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, pair, out _) += count;
            IndexPair(pair, w);
        }
    }

    /// <summary>
    /// Learns merges until the token set (bytes included) has <paramref name="vocabularySize"/> tokens or no pair
    /// occurs <paramref name="minimumPairCount"/> times. Returns the merges in order, each as (left, right) symbols.
    /// </summary>
    public List<(string Left, string Right)> Train(int vocabularySize, int minimumPairCount, CancellationToken cancel = default)
    {
        foreach (var (pair, count) in _pairCounts) _heap.Enqueue(pair, (-count, pair));
        var merges = new List<(string, string)>();
        while (_tokens.Count < vocabularySize && _heap.TryDequeue(out long best, out var priority))
        {
            long count = _pairCounts.GetValueOrDefault(best);
            if (count != -priority.NegCount) continue;             // stale entry: the count changed after it was queued
            if (count < minimumPairCount) break;
            cancel.ThrowIfCancellationRequested();
            int left = (int)(best >> 32), right = (int)best;
            string merged = _tokens[left] + _tokens[right];
            if (!_ids.TryGetValue(merged, out int id))
            {
                id = _tokens.Count;
                _tokens.Add(merged);
                _ids[merged] = id;
            }
            merges.Add((_tokens[left], _tokens[right]));
            Merge(best, left, right, id);
        }
        return merges;
    }

    /// <summary>The tokens known so far, bytes first, then merged tokens in learning order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    private void Merge(long pair, int left, int right, int merged)
    {
        var touched = new HashSet<long>();
        var words = _pairWords[pair];
        _pairWords.Remove(pair);
        foreach (int w in words)
        {
            var word = _words[w];
            if (!Contains(word, left, right)) continue;         // the index keeps words whose pair an earlier merge removed
            long n = _wordCounts[w];
            AddPairs(word, -n, w, touched);
            var replaced = Replace(word, left, right, merged);
            _words[w] = replaced;
            AddPairs(replaced, n, w, touched);
        }
        foreach (long p in touched)
        {
            long c = _pairCounts.GetValueOrDefault(p);
            if (c > 0) _heap.Enqueue(p, (-c, p));
            else _pairCounts.Remove(p);
        }
    }

    private void AddPairs(int[] word, long delta, int w, HashSet<long> touched)
    {
        for (int i = 0; i + 1 < word.Length; i++)
        {
            long p = Pair(word[i], word[i + 1]);
            CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, p, out _) += delta;
            touched.Add(p);
            if (delta > 0) IndexPair(p, w);
        }
    }

    private void IndexPair(long pair, int w)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairWords, pair, out _);
        list ??= new List<int>();
        if (list.Count == 0 || list[^1] != w) list.Add(w);
    }

    private static bool Contains(int[] word, int left, int right)
    {
        for (int i = 0; i + 1 < word.Length; i++) if (word[i] == left && word[i + 1] == right) return true;
        return false;
    }

    private static int[] Replace(int[] word, int left, int right, int merged)
    {
        var result = new List<int>(word.Length);
        for (int i = 0; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == left && word[i + 1] == right) { result.Add(merged); i++; }
            else result.Add(word[i]);
        }
        return result.ToArray();
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;
}
