using System.Text;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>A markdown table padded to its columns' widths (first column left-aligned, the others right-aligned).</summary>
internal static class TextTable
{
    /// <summary>The first line is the header.</summary>
    public static string Render(IReadOnlyList<string[]> lines)
    {
        var widths = Enumerable.Range(0, lines[0].Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            sb.Append("| ").AppendJoin(" | ", lines[i].Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).AppendLine(" |");
            if (i == 0) sb.Append("|").AppendJoin("|", widths.Select((w, c) => c == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")).AppendLine("|");
        }
        return sb.ToString().TrimEnd();
    }
}
