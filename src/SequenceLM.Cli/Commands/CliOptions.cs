using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Microsoft.ML.SequenceLM.Cli.Commands;

/// <summary>Helpers for declaring options and reading the ones the user gave.</summary>
internal static class CliOptions
{
    public static Option<T> Create<T>(string name, string description, string? helpName = null, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = helpName };

    /// <summary>The option's value when the user gave it, else null (so that the library's default applies).</summary>
    public static T? Given<T>(this ParseResult result, Option<T> option) where T : struct =>
        result.GetResult(option) is { Implicit: false } ? result.GetValue(option) : null;

    /// <summary>A positive-number check with a clear message.</summary>
    public static Option<T> Positive<T>(this Option<T> option) where T : struct, IComparable<T>
    {
        option.Validators.Add(r =>
        {
            if (TryValue<T>(r, out var v) && v.CompareTo(default) <= 0)
                r.AddError($"{option.Name} must be positive (got {r.Tokens[0].Value}).");
        });
        return option;
    }

    /// <summary>A non-negative check for numbers such as a temperature.</summary>
    public static Option<float> NonNegative(this Option<float> option)
    {
        option.Validators.Add(r =>
        {
            if (TryValue<float>(r, out var v) && !(v >= 0 && float.IsFinite(v))) r.AddError($"{option.Name} must be 0 or positive (got {r.Tokens[0].Value}).");
        });
        return option;
    }

    /// <summary>A (0, 1] check for probabilities such as top-p.</summary>
    public static Option<float> Probability(this Option<float> option)
    {
        option.Validators.Add(r =>
        {
            if (TryValue<float>(r, out var v) && !(v > 0 && v <= 1)) r.AddError($"{option.Name} must be in (0, 1] (got {r.Tokens[0].Value}).");
        });
        return option;
    }

    /// <summary>The option's value, false when it was not given or does not parse (the parser reports that itself).</summary>
    private static bool TryValue<T>(OptionResult r, out T value)
    {
        value = default!;
        if (r.Tokens.Count == 0) return false;
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A non-negative check with a clear message.</summary>
    public static Option<int> NonNegative(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (TryValue<int>(r, out var v) && v < 0) r.AddError($"{option.Name} cannot be negative (got {r.Tokens[0].Value}).");
        });
        return option;
    }

    /// <summary>A [min, max] range check (max exclusive when <paramref name="maxExclusive"/>).</summary>
    public static Option<float> InRange(this Option<float> option, float min, float max, bool maxExclusive)
    {
        option.Validators.Add(r =>
        {
            if (!TryValue<float>(r, out var v)) return;
            if (!(v >= min && (maxExclusive ? v < max : v <= max)))
                r.AddError($"{option.Name} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}{(maxExclusive ? ")" : "]")} (got {r.Tokens[0].Value}).");
        });
        return option;
    }

    /// <summary>Parses a duration (90s, 10m, 1h30m, 45, 00:10:00).</summary>
    public static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var value)) return value;
        result.AddError($"'{text}' is not a duration; use e.g. 90s, 10m, 1h30m or a number of seconds.");
        return default;
    }

    /// <summary>A file argument whose existence is checked when the command runs (so the message is ours).</summary>
    public static string ExistingFile(string path, string what)
    {
        if (Directory.Exists(path)) throw new CliException($"{what} '{path}' is a directory, not a file.");
        if (!File.Exists(path)) throw new CliException($"{what} not found: {path}");
        return path;
    }
}
