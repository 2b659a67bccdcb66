using System.Globalization;
using System.Xml.Linq;

namespace Microsoft.ML.SequenceLM.Tests.Evaluation;

/// <summary>SvgChart's logarithmic axes: ticks at the powers of two (log2) and of ten (log10), points placed by their logarithm.</summary>
public sealed class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void LogAxesTickAtPowersAndSpaceThemEvenly()
    {
        var points = new List<(double X, double Y)> { (64, 100_000), (128, 30_000), (256, 8_000), (512, 2_000), (1024, 500) };
        var svg = XDocument.Parse(SvgChart.Lines([("LSTM", SvgChart.Colour(0), false, points)], "t", "width", "tokens/s", AxisScale.Log2, AxisScale.Log10));

        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        foreach (var size in new[] { "64", "128", "256", "512", "1024" }) Assert.Contains(size, texts);
        foreach (var decade in new[] { "1000", "10000", "100000" }) Assert.Contains(decade, texts);

        // each doubling of the width is the same distance along x
        var xs = svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => double.Parse(p.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        var steps = xs.Zip(xs.Skip(1), (a, b) => b - a).ToList();
        Assert.All(steps, s => Assert.Equal(steps[0], s, 0.2));
    }

    [Fact]
    public void PointsThatALogAxisCannotPlaceAreLeftOut()
    {
        var points = new List<(double X, double Y)> { (0, 5), (16, 5), (32, 0), (64, 7) };
        var svg = XDocument.Parse(SvgChart.Lines([("s", SvgChart.Colour(0), false, points)], "t", "x", "y", AxisScale.Log2, AxisScale.Log10));
        Assert.Equal(2, svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ').Length);
    }
}
