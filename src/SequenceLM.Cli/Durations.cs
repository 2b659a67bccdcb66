using System.Globalization;
using System.Text.RegularExpressions;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>Parses durations such as <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.5h</c>, <c>500ms</c>, <c>45</c> (seconds) or <c>00:10:00</c>.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^\s*(?:(?<v>\d+(?:\.\d+)?)\s*(?<u>ms|h|m|s))+\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Parts();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!(seconds > 0) || double.IsInfinity(seconds)) return false;
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }
        var match = Parts().Match(text);
        if (match.Success)
        {
            double total = 0;
            for (int i = 0; i < match.Groups["v"].Captures.Count; i++)
            {
                double v = double.Parse(match.Groups["v"].Captures[i].Value, CultureInfo.InvariantCulture);
                total += match.Groups["u"].Captures[i].Value.ToLowerInvariant() switch
                {
                    "ms" => v / 1000,
                    "s" => v,
                    "m" => v * 60,
                    _ => v * 3600,
                };
            }
            if (!(total > 0)) return false;
            value = TimeSpan.FromSeconds(total);
            return true;
        }
        if (text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero) return true;
        return false;
    }

    /// <summary>"1:05:03", "12:34" or "0:07" for progress displays.</summary>
    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
}
