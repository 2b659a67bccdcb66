using System.Reflection;

namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>
/// Turns what <c>MLContext.Model.Load</c> throws into our typed error. ML.NET creates each component through
/// reflection, so an exception our loader throws arrives wrapped in <see cref="TargetInvocationException"/>s (one
/// per level of nesting: the chain, then our component); ML.NET's own checks throw
/// <see cref="InvalidOperationException"/> or <see cref="FormatException"/> with a message.
/// </summary>
internal static class MLNetLoadFailure
{
    /// <summary>The exception to throw instead of <paramref name="e"/>, or null to let it through unchanged.</summary>
    public static ModelFormatException? Translate(Exception e, string description)
    {
        for (var inner = e; inner != null; inner = inner.InnerException)
            if (inner is ModelFormatException ours)
                return ours.Message.Contains(description, StringComparison.Ordinal)
                    ? ours
                    : new ModelFormatException(ours.Reason, $"'{description}': {ours.Message}", ours);
        if (e is not (InvalidOperationException or FormatException or InvalidDataException or TargetInvocationException
            or EndOfStreamException or ArgumentException or KeyNotFoundException or FileNotFoundException or FileLoadException))
            return null;
        var innermost = e.GetBaseException();
        if (innermost is FileNotFoundException or FileLoadException)
            return new ModelFormatException(ModelFormatError.UnknownTransform,
                $"'{description}' needs an assembly that cannot be loaded: {innermost.Message}", e);
        // ML.NET's words when no registered loader has the component's loader signature (ModelLoadContext.LoadModel).
        if (innermost.Message.StartsWith("Couldn't load model", StringComparison.Ordinal))
            return new ModelFormatException(ModelFormatError.UnknownTransform,
                $"'{description}' holds a component that no loaded assembly registers a loader for ({innermost.Message}). " +
                "Reference the package that provides it, or update it.", e);
        // ML.NET's words for a component version it cannot read (ModelHeader.CheckVersionInfo).
        if (e.ToString().Contains("because the model is too new", StringComparison.Ordinal))
            return new ModelFormatException(ModelFormatError.NewerFormatVersion,
                $"'{description}' holds a component written by a newer version than this one reads: {innermost.Message}", e);
        return ModelFileErrors.Corrupt($"ML.NET could not read '{description}': {innermost.Message}", e);
    }
}
