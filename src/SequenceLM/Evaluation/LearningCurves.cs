using System.Globalization;
using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>Which quantity the horizontal axis of a learning-curve chart shows.</summary>
public enum CurveAxis
{
    /// <summary>Optimisation steps.</summary>
    Steps,
    /// <summary>Wall-clock seconds of training.</summary>
    Seconds,
    /// <summary>Epochs (passes over the training data), fractional within an epoch.</summary>
    Epochs,
}

/// <summary>Which quantity the vertical axis of a learning-curve chart shows.</summary>
public enum CurveMetric
{
    /// <summary>Cross-entropy in nats per token.</summary>
    Loss,
    /// <summary>Perplexity, exp(loss).</summary>
    Perplexity,
}

/// <summary>Which curves of each run a learning-curve chart draws.</summary>
public enum CurveSeries
{
    TrainAndValidation,
    Train,
    Validation,
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
    /// An SVG line chart with a title, both axes labelled with quantity and unit, and a legend: solid lines for the
    /// training loss (or perplexity), dashed with dots for the validation loss, one colour per run.
    /// </summary>
    public string ToSvg(CurveAxis axis = CurveAxis.Steps, string title = "Learning curves", CurveMetric metric = CurveMetric.Loss,
        CurveSeries series = CurveSeries.TrainAndValidation)
    {
        var lines = new List<(string Label, string Colour, bool Dashed, List<(double X, double Y)> Points)>();
        for (int i = 0; i < _runs.Count; i++)
        {
            var (name, history) = _runs[i];
            string colour = SvgChart.Colour(i);
            var x = XOf(history, axis);
            double Y(double loss) => metric == CurveMetric.Perplexity ? Math.Exp(loss) : loss;
            if (series != CurveSeries.Validation)
                lines.Add(($"{name} train", colour, false,
                    history.Records.Where(r => double.IsFinite(r.TrainLoss)).Select(r => (x(r), Y(r.TrainLoss))).ToList()));
            var validation = history.Records.Where(r => r.ValidationLoss is { } v && double.IsFinite(v)).Select(r => (x(r), Y(r.ValidationLoss!.Value))).ToList();
            if (series != CurveSeries.Train && validation.Count > 0) lines.Add(($"{name} validation", colour, series != CurveSeries.Validation, validation));
        }
        string xLabel = axis switch
        {
            CurveAxis.Steps => "optimisation step (count)",
            CurveAxis.Seconds => "wall-clock time (s)",
            _ => "epoch (passes over the training data)",
        };
        return SvgChart.Lines(lines, title, xLabel, metric == CurveMetric.Perplexity ? "perplexity (exp of nats/token)" : "loss (nats/token)");
    }

    public void SaveSvg(string path, CurveAxis axis = CurveAxis.Steps, string title = "Learning curves", CurveMetric metric = CurveMetric.Loss,
        CurveSeries series = CurveSeries.TrainAndValidation) =>
        File.WriteAllText(path, ToSvg(axis, title, metric, series));

    /// <summary>
    /// The x value of a record. Epochs: the record's epoch plus the fraction of that epoch's steps done, an epoch's
    /// length being its last record's step minus the previous epoch's (an unfinished last epoch takes the previous length).
    /// </summary>
    private static Func<TrainingRecord, double> XOf(TrainingHistory history, CurveAxis axis)
    {
        if (axis == CurveAxis.Steps) return r => r.Step;
        if (axis == CurveAxis.Seconds) return r => r.ElapsedSeconds;
        var ends = history.Records.GroupBy(r => r.Epoch).ToDictionary(g => g.Key, g => g.Max(r => r.Step));
        long End(int epoch) => epoch < 0 ? 0 : ends.TryGetValue(epoch, out var s) ? s : End(epoch - 1);
        int last = ends.Count == 0 ? 0 : ends.Keys.Max();
        return r =>
        {
            long start = End(r.Epoch - 1), length = End(r.Epoch) - start;
            if (r.Epoch == last && r.Epoch > 0 && !IsEpochEnd(history, r.Epoch)) length = start - End(r.Epoch - 2);
            return r.Epoch + (length > 0 ? (double)(r.Step - start) / length : 1.0);
        };
    }

    /// <summary>Whether the epoch ended: a later epoch has records, or the training stopped because it completed.</summary>
    private static bool IsEpochEnd(TrainingHistory history, int epoch) =>
        history.Records.Any(r => r.Epoch > epoch) || history.StopReason == TrainingStopReason.Completed;

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
