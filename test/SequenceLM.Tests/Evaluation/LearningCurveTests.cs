using System.Xml.Linq;
using Microsoft.ML.SequenceLM.Tests.Generation;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Evaluation;

public sealed class LearningCurveTests(TrainedModels models, ITestOutputHelper output) : TestBase(output), IClassFixture<TrainedModels>
{
    [Fact]
    public void CsvHasOneRowPerRecordOfEveryRun()
    {
        var curves = new LearningCurves().Add("stream", models.Stream.LastTransformer.History).Add("names, per row", models.Names.LastTransformer.History);
        var lines = curves.ToCsv().TrimEnd().Split('\n');
        Assert.Equal("run,step,epoch,seconds,train_loss,validation_loss,learning_rate,tokens_per_second", lines[0]);
        int expected = models.Stream.LastTransformer.History.Records.Count + models.Names.LastTransformer.History.Records.Count;
        Assert.Equal(expected, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith("\"names, per row\",") && l.Split(',')[6].Length > 0); // quoted name, validation loss present
    }

    [Fact]
    public void SvgChartsAreWellFormedAndDrawEverySeries()
    {
        var dir = CreateTempDirectory();
        var curves = new LearningCurves().Add("stream", models.Stream.LastTransformer.History).Add("names", models.Names.LastTransformer.History);
        XNamespace ns = "http://www.w3.org/2000/svg";
        foreach (var (axis, xLabel) in new[] { (CurveAxis.Steps, "optimisation step (count)"), (CurveAxis.Seconds, "wall-clock time (s)"),
                     (CurveAxis.Epochs, "epoch (passes over the training data)") })
        {
            var path = Path.Combine(dir, $"curves-{axis}.svg");
            curves.SaveSvg(path, axis, "Two runs");
            var svg = XDocument.Load(path);
            Assert.Equal(3, svg.Descendants(ns + "polyline").Count()); // stream train; names train and validation
            var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
            Assert.Contains("Two runs", texts);                          // title
            Assert.Contains(xLabel, texts);                              // both axes name their quantity and unit
            Assert.Contains("loss (nats/token)", texts);
            Assert.Contains("names validation", texts);                  // legend
        }
        var perplexity = XDocument.Parse(curves.ToSvg(CurveAxis.Epochs, "ppl", CurveMetric.Perplexity, CurveSeries.Validation));
        Assert.Single(perplexity.Descendants(ns + "polyline"));         // only names has validation records
        Assert.Contains("perplexity (exp of nats/token)", perplexity.Descendants(ns + "text").Select(t => t.Value));
        var norms = models.Ml.LanguageModels().HiddenStateGradientNorms(models.Stream, models.Text, steps: 20, windows: 2);
        var gradients = XDocument.Parse(DiagnosticPlots.HiddenStateGradientNorms(norms));
        Assert.Single(gradients.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")));
        var losses = models.Ml.LanguageModels().LossByPosition(models.Stream, models.Text);
        var positions = XDocument.Parse(DiagnosticPlots.LossByPosition(losses));
        Assert.Single(positions.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")));
        var two = XDocument.Parse(DiagnosticPlots.LossByPosition(new[] { ("A", (IReadOnlyList<double>)losses), ("B", losses.Select(l => l + 1).ToArray()) }));
        Assert.Equal(2, two.Descendants(ns + "polyline").Count());
        Assert.Contains("position t in the window (tokens)", two.Descendants(ns + "text").Select(t => t.Value));
    }

    [Fact]
    public void EpochAxisPlacesEachRecordWithinItsEpoch()
    {
        var history = new TrainingHistory { StopReason = TrainingStopReason.Completed };
        for (int step = 5; step <= 20; step += 5)
            history.Records.Add(new TrainingRecord(step, (step - 1) / 10, 1.0, step % 10 == 0 ? 0.9 : null, 1e-3f, 100, step));
        var svg = XDocument.Parse(new LearningCurves().Add("run", history).ToSvg(CurveAxis.Epochs));
        XNamespace ns = "http://www.w3.org/2000/svg";
        // Steps 5, 10, 15, 20 with 10 steps per epoch are epochs 0.5, 1, 1.5, 2: the validation dots sit at 1 and 2, and
        // the x axis (from 0) ends at 2, so the last dot is at the plot's right edge and the first at its middle.
        var dots = svg.Descendants(ns + "circle").Select(c => double.Parse(c.Attribute("cx")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, dots.Count);
        var frame = svg.Descendants(ns + "rect").Single(r => r.Attribute("fill")?.Value == "none");
        double left = double.Parse(frame.Attribute("x")!.Value), width = double.Parse(frame.Attribute("width")!.Value);
        Assert.Equal(left + width / 2, dots[0], 0);
        Assert.Equal(left + width, dots[1], 0);
    }

    [Fact]
    public void NormalisedGradientNormsLieInZeroToOne()
    {
        var svg = DiagnosticPlots.HiddenStateGradientNorms(new[] { ("RNN", (IReadOnlyList<double>)new[] { 1e-6, 1e-3, 2.0 }), ("GRU", new[] { 0.5, 1.0, 4.0 }) },
            normalise: true);
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, doc.Descendants(ns + "polyline").Count());
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("RNN", texts);
        Assert.Contains("|dL_T/dh_t| / max_t |dL_T/dh_t| (unitless)", texts);
        // The vertical axis's tick labels (right-aligned) run from 0 to 1, whatever the raw norms were.
        var yTicks = doc.Descendants(ns + "text").Where(t => t.Attribute("text-anchor")?.Value == "end")
            .Select(t => double.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0, yTicks.Min(), 6);
        Assert.Equal(1, yTicks.Max(), 6);
    }
}
