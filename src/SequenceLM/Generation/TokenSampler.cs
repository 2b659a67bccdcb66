using System.Runtime.CompilerServices;
namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// Samples one token from a row of logits on the CPU: banned tokens removed, then greedy (temperature &lt;= 0) or
/// temperature, top-k and top-p (nucleus) sampling, from a session-owned random stream that depends only on the seed.
/// </summary>
internal sealed class TokenSampler
{
    private readonly SamplingSettings _settings;
    private readonly bool[] _banned;
    private readonly double[] _scores;
    private readonly int[] _order;
    private ulong _state;

    public TokenSampler(in SamplingSettings settings, bool[] banned)
    {
        _settings = settings;
        _banned = banned;
        _scores = new double[banned.Length];
        _order = new int[banned.Length];
        _state = settings.Seed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Sample(ReadOnlySpan<float> logits)
    {
        int vocab = _scores.Length, best = -1;
        for (int v = 0; v < vocab; v++)
        {
            _scores[v] = _banned[v] || float.IsNaN(logits[v]) ? double.NegativeInfinity : logits[v];
            if (_scores[v] > double.NegativeInfinity && (best < 0 || _scores[v] > _scores[best])) best = v;
        }
        if (best < 0) throw new TorchOperationException("generation: the model gave no finite logit for any allowed token");
        if (_settings.Temperature <= 0) return best;

        double top = _scores[best];
        if (_settings.TopK > 0 && _settings.TopK < vocab)
        {
            var sorted = (double[])_scores.Clone();
            Array.Sort(sorted);
            double kth = sorted[vocab - _settings.TopK];
            for (int v = 0; v < vocab; v++)
                if (_scores[v] < kth) _scores[v] = double.NegativeInfinity;
        }
        // Probabilities (unnormalised until the end); exp(-inf) = 0 removes the excluded tokens.
        double total = 0;
        for (int v = 0; v < vocab; v++) total += _scores[v] = Math.Exp((_scores[v] - top) / _settings.Temperature);
        if (_settings.TopP > 0 && _settings.TopP < 1)
        {
            for (int v = 0; v < vocab; v++) _order[v] = v;
            Array.Sort(_order, (a, b) => _scores[b].CompareTo(_scores[a]));
            double cumulative = 0;
            int kept = 0;
            while (kept < vocab && (kept == 0 || cumulative < _settings.TopP * total)) cumulative += _scores[_order[kept++]];
            for (int i = kept; i < vocab; i++) _scores[_order[i]] = 0;
            total = cumulative;
        }
        double u = NextUniform() * total;
        double sum = 0;
        int last = best;
        for (int v = 0; v < vocab; v++)
        {
            if (_scores[v] <= 0) continue;
            sum += _scores[v];
            last = v;
            if (u < sum) return v;
        }
        return last; // rounding at the very end of the distribution
    }

    // SplitMix64: 53 random bits -> uniform in [0, 1), the same on every platform and .NET version.
    private double NextUniform()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
