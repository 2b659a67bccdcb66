namespace Microsoft.ML.SequenceLM;

/// <summary>SVG charts of the diagnostics <see cref="LanguageModelCatalog"/> computes, one line per named model.</summary>
public static class DiagnosticPlots
{
    /// <summary>Average loss at each position t = 1..T of the window (from <see cref="LanguageModelCatalog.LossByPosition"/>).</summary>
    public static string LossByPosition(IReadOnlyList<double> losses, string title = "Loss by position in the window") =>
        LossByPosition(new[] { ("loss", losses) }, title);

    /// <summary>Average loss at each position of the window, one line per model.</summary>
    public static string LossByPosition(IReadOnlyList<(string Name, IReadOnlyList<double> Losses)> models, string title = "Loss by position in the window") =>
        SvgChart.Lines(models.Select((m, i) => (m.Name, SvgChart.Colour(i), false, Points(m.Losses, v => v))).ToList(),
            title, "position t in the window (tokens)", "average loss at t (nats/token)");

    /// <summary>
    /// Gradient norm of the last step's loss with respect to the hidden state at each step t (from
    /// <see cref="LanguageModelCatalog.HiddenStateGradientNorms"/>), on a log10 scale: a straight falling line is the
    /// exponential vanishing of gradients through time.
    /// </summary>
    public static string HiddenStateGradientNorms(IReadOnlyList<double> norms, string title = "How far back the gradient reaches") =>
        HiddenStateGradientNorms(new[] { ("log10 |dL/dh_t|", norms) }, normalise: false, title);

    /// <summary>
    /// The same, one line per model; <paramref name="normalise"/> divides each line by its largest value and draws it
    /// on a linear [0, 1] scale (the IFT6135 picture), otherwise the norms are drawn as log10.
    /// </summary>
    public static string HiddenStateGradientNorms(IReadOnlyList<(string Name, IReadOnlyList<double> Norms)> models, bool normalise,
        string title = "How far back the gradient reaches")
    {
        var lines = models.Select((m, i) =>
        {
            double max = m.Norms.Where(double.IsFinite).DefaultIfEmpty(1).Max();
            return (m.Name, SvgChart.Colour(i), false, normalise
                ? Points(m.Norms, v => max > 0 ? v / max : 0)
                : Points(m.Norms, v => Math.Log10(Math.Max(v, 1e-30))));
        }).ToList();
        return SvgChart.Lines(lines, title, "step t (the loss is at the last step)",
            normalise ? "|dL_T/dh_t| / max_t |dL_T/dh_t| (unitless)" : "log10 |dL_T/dh_t| (nats per unit of h_t)");
    }

    private static List<(double X, double Y)> Points(IReadOnlyList<double> values, Func<double, double> map) =>
        values.Select((v, i) => ((double)(i + 1), map(v))).Where(p => double.IsFinite(p.Item2)).ToList();
}
