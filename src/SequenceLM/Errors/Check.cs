using System.Runtime.CompilerServices;

namespace Microsoft.ML.SequenceLM;

/// <summary>Option validation helpers producing messages that name the option, the value and the allowed range.</summary>
internal static class Check
{
    public static void InRange(long value, long min, long max, string optionName)
    {
        if (value < min || value > max)
            throw new ArgumentOutOfRangeException(optionName, value,
                $"{optionName} must be between {min} and {max} (inclusive); got {value}.");
    }

    public static void InRangeExclusive(double value, double min, double max, string optionName)
    {
        if (!(value > min && value < max))
            throw new ArgumentOutOfRangeException(optionName, value,
                $"{optionName} must be greater than {min} and less than {max}; got {value}.");
    }

    public static void Defined<TEnum>(TEnum value, string optionName) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(optionName, value,
                $"{optionName} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}; got {value}.");
    }

    public static string NotEmpty(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (string.IsNullOrEmpty(value)) throw new ArgumentException($"{name} must be a non-empty column name.", name);
        return value;
    }
}
