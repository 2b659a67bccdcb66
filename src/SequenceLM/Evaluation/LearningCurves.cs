using System.Globalization;
using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>Which quantity the horizontal axis of a learning-curve chart shows.</summary>
public enum CurveAxis
{
    Steps,
    Seconds,
}

/// <summary>
/// Train and validation loss of one or more runs, over steps or wall-clock time, exported to CSV and drawn as an SVG
/// chart a person can open in any browser.
/// </summary>
public sealed class LearningCurves
{
    private readonly List<(string Name, TrainingHistory History)> _runs = new();

    /// <summary>Adds a run under <paramref name="name"/> (e.g. "GRU 2x256").</summary>
    public LearningCurves Add(string name, TrainingHistory history)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(history);
        _runs.Add((name, history));
        return this;
    }

    /// <summary>One row per record: run, step, epoch, seconds, train loss, validation loss, learning rate, tokens/s.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("run,step,epoch,seconds,train_loss,validation_loss,learning_rate,tokens_per_second\n");
        foreach (var (name, history) in _runs)
            foreach (var r in history.Records)
                csv.AppendLine(string.Join(',', Quote(name), r.Step, r.Epoch, F(r.ElapsedSeconds), F(r.TrainLoss),
                    r.ValidationLoss is { } v ? F(v) : "", F(r.LearningRate), F(r.TokensPerSecond)));
        return csv.ToString();
    }

    public void SaveCsv(string path) => File.WriteAllText(path, ToCsv());

    /// <summary>
    /// An SVG line chart: solid lines for training loss, dashed with dots for validation loss, one colour per run;
    /// <paramref name="trainingLoss"/> false draws the validation curves alone (to compare runs on held-out data).
    /// </summary>
    public string ToSvg(CurveAxis axis = CurveAxis.Steps, string title = "Learning curves", bool trainingLoss = true)
    {
        var series = new List<(string Label, string Colour, bool Dashed, List<(double X, double Y)> Points)>();
        for (int i = 0; i < _runs.Count; i++)
        {
            var (name, history) = _runs[i];
            string colour = Palette[i % Palette.Length];
            double X(TrainingRecord r) => axis == CurveAxis.Steps ? r.Step : r.ElapsedSeconds;
            if (trainingLoss)
                series.Add(($"{name} train", colour, false,
                    history.Records.Where(r => double.IsFinite(r.TrainLoss)).Select(r => (X(r), r.TrainLoss)).ToList()));
            var validation = history.Records.Where(r => r.ValidationLoss is { } v && double.IsFinite(v)).Select(r => (X(r), r.ValidationLoss!.Value)).ToList();
            if (validation.Count > 0) series.Add(($"{name} validation", colour, true, validation));
        }
        return SvgChart.Lines(series, title, axis == CurveAxis.Steps ? "step" : "seconds", "loss (nats/token)");
    }

    public void SaveSvg(string path, CurveAxis axis = CurveAxis.Steps, string title = "Learning curves", bool trainingLoss = true) =>
        File.WriteAllText(path, ToSvg(axis, title, trainingLoss));

    private static readonly string[] Palette = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b" };

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
