namespace Microsoft.ML.SequenceLM;

/// <summary>SVG charts of the diagnostics <see cref="LanguageModelCatalog"/> computes.</summary>
public static class DiagnosticPlots
{
    /// <summary>Average loss at each position within the window (from <see cref="LanguageModelCatalog.LossByPosition"/>).</summary>
    public static string LossByPosition(IReadOnlyList<double> losses, string title = "Loss by position in the window") =>
        SvgChart.Lines(new[] { ("loss", "#1f77b4", false, Points(losses, v => v)) }, title, "position", "loss (nats/token)");

    /// <summary>
    /// Gradient norm of the last step's loss with respect to the hidden state at each earlier step (from
    /// <see cref="LanguageModelCatalog.HiddenStateGradientNorms"/>), on a log10 scale: a straight falling line is the
    /// exponential vanishing of gradients through time.
    /// </summary>
    public static string HiddenStateGradientNorms(IReadOnlyList<double> norms, string title = "How far back the gradient reaches") =>
        SvgChart.Lines(new[] { ("log10 |dL/dh_t|", "#d62728", false, Points(norms, v => Math.Log10(Math.Max(v, 1e-30)))) },
            title, "step t (the loss is at the last step)", "log10 gradient norm");

    private static List<(double X, double Y)> Points(IReadOnlyList<double> values, Func<double, double> map) =>
        values.Select((v, i) => ((double)i, map(v))).Where(p => double.IsFinite(p.Item2)).ToList();
}
