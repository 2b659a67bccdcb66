using System.Diagnostics;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>Where a quality run puts its figures: quality/results/&lt;run&gt;.json and its plots (SVG, plus PNG when a converter is installed).</summary>
internal static class ResultFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Directory(string? given) =>
        given ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../results"));

    public static void WriteJson(string directory, string run, object figures)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, run + ".json"), JsonSerializer.Serialize(figures, Indented) + "\n");
    }

    /// <summary>Writes <c>name.svg</c> and converts it to <c>name.png</c> with rsvg-convert when it is on the PATH.</summary>
    public static void WritePlot(string directory, string name, string svg)
    {
        System.IO.Directory.CreateDirectory(directory);
        var svgPath = Path.Combine(directory, name + ".svg");
        File.WriteAllText(svgPath, svg);
        try
        {
            using var convert = Process.Start(new ProcessStartInfo("rsvg-convert", new[] { "-o", Path.ChangeExtension(svgPath, ".png"), svgPath })
            {
                RedirectStandardError = true,
            });
            convert!.WaitForExit();
            if (convert.ExitCode != 0) Console.Error.WriteLine($"rsvg-convert failed on {svgPath}: {convert.StandardError.ReadToEnd()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"rsvg-convert is not installed: {svgPath} has no PNG beside it (apt-get install librsvg2-bin).");
        }
    }
}
