using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SequenceLM;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// <c>SequenceLM.Benchmarks bpe FILE [SIZE]</c>: learns byte-level BPE of SIZE tokens (default 2,000) from FILE and
/// prints the learning time, the tokens per character of the file and whether the file round-trips exactly.
/// </summary>
internal static class BpeBenchmark
{
    public static int Run(string file, int size)
    {
        var ml = new MLContext(1);
        var text = ml.Data.LoadTextDocument(file);
        var clock = Stopwatch.StartNew();
        var tokenizer = ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(size)).Fit(text);
        double learn = clock.Elapsed.TotalSeconds;
        string content = text.GetColumn<string>("Text").Single();
        clock.Restart();
        var tokens = tokenizer.Tokenize(content.AsMemory());
        double encode = clock.Elapsed.TotalSeconds;
        var vocabulary = tokenizer.FullVocabulary();
        bool exact = vocabulary.Decode(vocabulary.Encode(tokens)) == content;
        Console.WriteLine($"BPE on {Path.GetFileName(file)} ({content.Length:N0} characters) to {size:N0} tokens: {tokenizer.Merges.Count:N0} merges learned in {learn:F2} s; " +
                          $"encoding the file through Microsoft.ML.Tokenizers: {tokens.Length:N0} tokens ({(double)content.Length / tokens.Length:F2} characters/token) in {encode:F2} s; " +
                          $"round trip {(exact ? "exact" : "NOT EXACT")}");
        return exact ? 0 : 1;
    }
}
