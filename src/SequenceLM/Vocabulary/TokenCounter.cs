using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM;

/// <summary>Counts token occurrences without allocating a string per occurrence (one per distinct token).</summary>
internal sealed class TokenCounter
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<(string Token, long Count)> _entries = new();

    public TokenCounter() => _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();

    public long Total { get; private set; }

    public void Add(ReadOnlySpan<char> token)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_lookup, token, out bool exists);
        if (!exists)
        {
            slot = _entries.Count;
            _entries.Add((token.ToString(), 0));
        }
        var e = _entries[slot];
        _entries[slot] = (e.Token, e.Count + 1);
        Total++;
    }

    /// <summary>Distinct tokens in order of first occurrence, with their counts.</summary>
    public IReadOnlyList<(string Token, long Count)> Entries => _entries;
}
