using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>Formats a training report: epoch, step, loss, validation loss, tokens/s, elapsed time and ETA.</summary>
internal static class ProgressText
{
    public static string Format(TrainingProgress p, string tokenUnit) =>
        (
            $"epoch {p.Epoch + 1}  step {p.Step:N0}  loss {p.TrainLoss:F3}" +
            (p.ValidationLoss is { } v ? $"  val {v:F3}" : p.BestValidationLoss is { } b ? $"  best val {b:F3}" : "") +
            (p.TokensPerSecond > 0 ? $"  {p.TokensPerSecond:N0} {tokenUnit}/s" : "") + $"  {Durations.Format(p.Elapsed)}" +
            (p.Remaining is { } r ? $"  ETA {Durations.Format(r)}" : ""));
}

/// <summary>Plain progress for redirected output: a line per evaluation, otherwise at most one line every few seconds.</summary>
internal sealed class PlainProgress(TextWriter output, string tokenUnit, TimeSpan interval) : IProgress<TrainingProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _last;

    public void Report(TrainingProgress value)
    {
        var now = _clock.Elapsed;
        if (value.ValidationLoss is null && _last is { } last && now - last < interval) return;
        _last = now;
        output.WriteLine("  " + ProgressText.Format(value, tokenUnit));
        output.Flush();
    }
}

/// <summary>Live progress in a terminal: a Spectre.Console progress bar whose description carries the figures.</summary>
internal sealed class LiveProgress(ProgressTask task, string tokenUnit) : IProgress<TrainingProgress>
{
    public double? LastValidation { get; private set; }

    public void Report(TrainingProgress value)
    {
        if (value.ValidationLoss is { } v) LastValidation = v;
        var shown = value.ValidationLoss is null && LastValidation is { } last ? value with { ValidationLoss = last } : value;
        task.Description = Markup.Escape(ProgressText.Format(shown, tokenUnit));
        task.Value = Math.Clamp(value.Fraction, 0, 1) * 100;
    }
}
