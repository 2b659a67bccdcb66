using System.Globalization;
using System.Net;
using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>How an axis maps values: linear, or logarithmic with ticks at powers of two or at 1, 2, 5 x powers of ten.</summary>
internal enum AxisScale { Linear, Log2, Log10 }

/// <summary>A small self-contained SVG line chart (title, axes with their labels, ticks, legend); no dependencies.</summary>
internal static class SvgChart
{
    private const int PlotWidth = 540, Height = 480, Left = 70, Top = 40, Bottom = 50;

    /// <summary>Points that a logarithmic axis cannot place (zero or negative) are left out.</summary>
    public static string Lines(IReadOnlyList<(string Label, string Colour, bool Dashed, List<(double X, double Y)> Points)> series,
        string title, string xLabel, string yLabel, AxisScale xScale = AxisScale.Linear, AxisScale yScale = AxisScale.Linear)
    {
        series = series.Select(s => s with { Points = s.Points.Where(p => Placeable(p.X, xScale) && Placeable(p.Y, yScale)).ToList() }).ToList();
        var points = series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0) points.Add((1, 1));
        var (x0, x1) = Range(points.Select(p => Map(p.X, xScale)), zeroBased: xScale == AxisScale.Linear);
        var (y0, y1) = Range(points.Select(p => Map(p.Y, yScale)), zeroBased: false);
        // The legend column is as wide as its longest label (about 7 px a character at 12 px sans-serif).
        int right = Math.Max(200, 70 + 7 * series.Select(s => s.Label.Length).DefaultIfEmpty(0).Max());
        int width = Left + PlotWidth + right;
        double plotW = PlotWidth, plotH = Height - Top - Bottom;
        string Px(double x) => F(Left + (Map(x, xScale) - x0) / (x1 - x0) * plotW);
        string Py(double y) => F(Top + plotH - (Map(y, yScale) - y0) / (y1 - y0) * plotH);

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">{Escape(title)}</text>\n");
        foreach (var t in Ticks(x0, x1, xScale))
            svg.Append($"<line x1=\"{Px(t)}\" y1=\"{Top}\" x2=\"{Px(t)}\" y2=\"{Top + plotH}\" stroke=\"#eee\"/><text x=\"{Px(t)}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{Label(t)}</text>\n");
        foreach (var t in Ticks(y0, y1, yScale))
            svg.Append($"<line x1=\"{Left}\" y1=\"{Py(t)}\" x2=\"{Left + plotW}\" y2=\"{Py(t)}\" stroke=\"#eee\"/><text x=\"{Left - 8}\" y=\"{Py(t)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Label(t)}</text>\n");
        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n");
        svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + plotH / 2})\">{Escape(yLabel)}</text>\n");
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            if (s.Points.Count == 0) continue;
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append($"<polyline fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\"{dash} points=\"{string.Join(' ', s.Points.Select(p => $"{Px(p.X)},{Py(p.Y)}"))}\"/>\n");
            if (s.Dashed)
                foreach (var p in s.Points) svg.Append($"<circle cx=\"{Px(p.X)}\" cy=\"{Py(p.Y)}\" r=\"3\" fill=\"{s.Colour}\"/>\n");
            int ly = Top + 10 + i * 20;
            svg.Append($"<line x1=\"{width - right + 15}\" y1=\"{ly}\" x2=\"{width - right + 45}\" y2=\"{ly}\" stroke=\"{s.Colour}\" stroke-width=\"2\"{dash}/>");
            svg.Append($"<text x=\"{width - right + 52}\" y=\"{ly}\" dominant-baseline=\"middle\">{Escape(s.Label)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static readonly string[] Palette = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b" };

    /// <summary>The colour of the i-th series.</summary>
    public static string Colour(int i) => Palette[i % Palette.Length];

    private static (double Min, double Max) Range(IEnumerable<double> values, bool zeroBased)
    {
        var list = values.ToList();
        double min = zeroBased ? Math.Min(0, list.Min()) : list.Min(), max = list.Max();
        if (max - min < 1e-12) { min -= 0.5; max += 0.5; }
        double pad = zeroBased ? 0 : (max - min) * 0.05;
        return (min - pad, max + pad);
    }

    private static bool Placeable(double value, AxisScale scale) => scale == AxisScale.Linear || value > 0;

    /// <summary>A value's position along its axis before scaling to pixels.</summary>
    private static double Map(double value, AxisScale scale) => scale switch
    {
        AxisScale.Log2 => Math.Log2(value),
        AxisScale.Log10 => Math.Log10(value),
        _ => value,
    };

    /// <summary>Tick values (not positions) between the mapped bounds min and max.</summary>
    private static IEnumerable<double> Ticks(double min, double max, AxisScale scale)
    {
        if (scale == AxisScale.Log2)
            return Enumerable.Range((int)Math.Ceiling(min), Math.Max(0, (int)Math.Floor(max) - (int)Math.Ceiling(min) + 1)).Select(e => Math.Pow(2, e));
        if (scale == AxisScale.Log10)
        {
            // powers of ten over wide ranges, 1-2-5 or 1-9 per decade over narrower ones, plain steps within one decade
            foreach (var multiples in new[] { new[] { 1.0 }, [1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9] })
            {
                var ticks = DecadeTicks(min, max, multiples);
                if (ticks.Count >= 3) return ticks;
            }
            return LinearTicks(Math.Pow(10, min), Math.Pow(10, max));
        }
        return LinearTicks(min, max);
    }

    private static List<double> DecadeTicks(double min, double max, double[] multiples) =>
        Enumerable.Range((int)Math.Floor(min), (int)Math.Ceiling(max) - (int)Math.Floor(min) + 1)
            .SelectMany(e => multiples.Select(m => m * Math.Pow(10, e)))
            .Where(v => Math.Log10(v) >= min - 1e-9 && Math.Log10(v) <= max + 1e-9).ToList();

    private static IEnumerable<double> LinearTicks(double min, double max)
    {
        double raw = (max - min) / 6, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (double t = Math.Ceiling(min / step) * step; t <= max + 1e-9; t += step) yield return t;
    }

    private static string Label(double value) => (Math.Abs(value) < 1e-12 ? 0 : value).ToString(Math.Abs(value) >= 1000 || value == Math.Round(value) ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
