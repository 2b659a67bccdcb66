namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>The <see cref="ModelFormatException"/>s of ML.NET model files, worded once.</summary>
internal static class ModelFileErrors
{
    private const string DamagedFix = " Copy the file again, or save the model again.";

    public static ModelFormatException Corrupt(string what, Exception? inner = null) =>
        new(ModelFormatError.Corrupt, what + DamagedFix, inner);

    public static ModelFormatException NotAModel(string what, Exception? inner = null) =>
        new(ModelFormatError.NotAModelFile, what + " It is not a model saved by ML.NET's ml.Model.Save.", inner);

    public static ModelFormatException TooLarge(string entryName, long length, long maxBytes) =>
        new(ModelFormatError.EntryTooLarge, $"The model entry '{entryName}' holds {length} bytes, more than the {maxBytes} allowed for it.");

    public static ModelFormatException MissingEntry(string entryName) =>
        new(ModelFormatError.MissingEntry, $"The model has no entry '{entryName}', which its component needs." + DamagedFix);

    public static ModelFormatException TooNew(string component, uint fileNeeds, uint weRead) =>
        new(ModelFormatError.NewerFormatVersion,
            $"The model's component '{component}' was written in format {ComponentFormat.FormatVersion(fileNeeds)}, which needs a newer " +
            $"version of {component}'s library (this one reads up to {ComponentFormat.FormatVersion(weRead)}). Update Microsoft.ML.SequenceLM.");

    public static ModelFormatException TooOld(string component, uint fileVersion, uint oldestWeRead) =>
        new(ModelFormatError.OlderFormatVersion,
            $"The model's component '{component}' was written in format {ComponentFormat.FormatVersion(fileVersion)}, older than the oldest " +
            $"this version reads ({ComponentFormat.FormatVersion(oldestWeRead)}). Load it with an older Microsoft.ML.SequenceLM and save it again.");
}
