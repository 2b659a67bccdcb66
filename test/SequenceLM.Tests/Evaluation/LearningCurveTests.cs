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
        foreach (var axis in new[] { CurveAxis.Steps, CurveAxis.Seconds })
        {
            var path = Path.Combine(dir, $"curves-{axis}.svg");
            curves.SaveSvg(path, axis);
            var svg = XDocument.Load(path);
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(3, svg.Descendants(ns + "polyline").Count()); // stream train; names train and validation
        }
        var validationOnly = XDocument.Parse(curves.ToSvg(trainingLoss: false));
        var line = Assert.Single(validationOnly.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg"))); // names validation
        Assert.Equal("6 4", line.Attribute("stroke-dasharray")?.Value);
        var norms = models.Ml.LanguageModels().HiddenStateGradientNorms(models.Stream, models.Text, steps: 20, windows: 2);
        var gradients = XDocument.Parse(DiagnosticPlots.HiddenStateGradientNorms(norms));
        Assert.Single(gradients.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")));
        var positions = XDocument.Parse(DiagnosticPlots.LossByPosition(models.Ml.LanguageModels().LossByPosition(models.Stream, models.Text)));
        Assert.Single(positions.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")));
    }
}
