using System.Diagnostics;
using System.Text;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>
/// Feeds random and mutated input to everything that parses untrusted bytes: ml.Model.LoadLanguageModel (random bytes,
/// bit flips, truncations, insertions, and entries replaced with hostile content whose frame (length, SHA-256) is fixed
/// up so that parsing is reached), SafeTensors.Read, Vocabulary.FromJson and the tokenizers. Only the documented exception
/// types may come out; anything else (NullReference, IndexOutOfRange, InvalidCast, OutOfMemory...), a crash or a hang
/// fails the test. Runs for SEQUENCELM_FUZZ_SECONDS seconds (default 15) in total.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : TestBase(output)
{
    private static double Budget => double.TryParse(Environment.GetEnvironmentVariable("SEQUENCELM_FUZZ_SECONDS"), out var s) && s > 0 ? s : 15;

    private sealed class Fuzzer(Random random, byte[] seed)
    {
        public byte[] Mutate(byte[] input)
        {
            var bytes = input.ToList();
            int edits = 1 + random.Next(4);
            for (int i = 0; i < edits && bytes.Count > 0; i++)
            {
                switch (random.Next(6))
                {
                    case 0: bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8)); break;
                    case 1:
                        int start = random.Next(bytes.Count);
                        bytes.RemoveRange(start, random.Next(1, Math.Min(64, bytes.Count - start) + 1));
                        break;
                    case 2: bytes.InsertRange(random.Next(bytes.Count), Random(1 + random.Next(16))); break;
                    case 3: bytes[random.Next(bytes.Count)] = (byte)random.Next(256); break;
                    case 4: bytes = bytes.Take(random.Next(bytes.Count)).ToList(); break;
                    default: // copy a run of bytes elsewhere (duplicates structure)
                        int from = random.Next(bytes.Count), length = Math.Min(64, bytes.Count - from);
                        bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(from, length));
                        break;
                }
            }
            return bytes.ToArray();
        }

        public byte[] Random(int length)
        {
            var b = new byte[length];
            random.NextBytes(b);
            return b;
        }

        public byte[] Next() => random.Next(5) == 0 ? Random(random.Next(300)) : Mutate(seed);
    }

    private sealed class Stats
    {
        public readonly Dictionary<string, int> Outcomes = new();
        public readonly List<string> Failures = new();
        public int Cases;
        public double SlowestMs;
        public string Slowest = "";
    }

    /// <summary>Runs <paramref name="action"/>, classifying what comes out.</summary>
    private static void Run(Stats stats, string target, Action action, params Type[] allowed)
    {
        stats.Cases++;
        var clock = Stopwatch.StartNew();
        string outcome;
        try
        {
            action();
            outcome = "ok";
        }
        catch (Exception e) when (allowed.Any(t => t.IsInstanceOfType(e)))
        {
            outcome = e is ModelFormatException m ? $"{e.GetType().Name}.{m.Reason}" : e.GetType().Name;
        }
        catch (Exception e)
        {
            outcome = "UNEXPECTED " + e.GetType().Name;
            if (stats.Failures.Count < 10) stats.Failures.Add($"{target}: {e}");
        }
        if (clock.Elapsed.TotalMilliseconds > stats.SlowestMs) (stats.SlowestMs, stats.Slowest) = (clock.Elapsed.TotalMilliseconds, target);
        var key = $"{target}: {outcome}";
        stats.Outcomes[key] = stats.Outcomes.GetValueOrDefault(key) + 1;
    }

    [Fact]
    public void HostileAndRandomInputOnlyEverGivesTypedExceptions()
    {
        var ml = new MLContext(1);
        var text = Scenarios.Text(ml, 5);
        byte[] model;
        using (var trained = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(BadInputTests.TinyGru())).Fit(text))
        {
            var stream = new MemoryStream();
            ml.Model.Save(trained, text.Schema, stream);
            model = stream.ToArray();
        }
        var entries = ModelFiles.EntryNames(model).Where(e => !e.EndsWith("Model.key", StringComparison.Ordinal)).ToArray();
        var weightsEntry = entries.Single(e => e.EndsWith("weights.safetensors"));
        var weights = ModelFiles.ReadEntry(model, weightsEntry);
        var vocabulary = ModelFiles.ReadEntry(model, entries.Single(e => e.EndsWith("vocabulary.json")));
        var random = new Random(2024);
        var stats = new Stats();
        var modelFuzz = new Fuzzer(random, model);
        var config = ModelFiles.ReadEntry(model, entries.Single(e => e.EndsWith("config.json")));
        var hostile = Hostile(entries, weights, vocabulary, config);

        var total = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(Budget);
        var worker = Task.Run(() =>
        {
            int round = 0;
            while (total.Elapsed < budget)
            {
                round++;
                // 1. loading mutated / random model files
                var bytes = modelFuzz.Next();
                Run(stats, "Load(mutated)", () => Load(ml, bytes), typeof(ModelFormatException));
                // 2. loading a valid file with one entry replaced by hostile content (its frame fixed up)
                var (entry, content, what) = hostile[round % hostile.Count];
                bool mutate = random.Next(3) == 0;
                var file = ModelFiles.ReplaceEntry(model, entry, mutate ? new Fuzzer(random, content).Mutate(content) : content);
                bool harmless = what is "extra data" || what.Contains("ContextLength") || what.Contains("NumberOfHeads"); // unused by a GRU
                Run(stats, $"Load(hostile {what})", () =>
                {
                    Load(ml, file);
                    if (!mutate && !harmless) throw new InvalidProgramException($"a model with {what} loaded without error");
                }, typeof(ModelFormatException));
                // 3. SafeTensors.Read: documented to throw InvalidDataException
                var tensorBytes = new Fuzzer(random, weights).Next();
                Run(stats, "SafeTensors.Read", () => SafeTensors.Read(tensorBytes), typeof(InvalidDataException));
                Run(stats, "SafeTensors.ReadMetadata", () => SafeTensors.ReadMetadata(tensorBytes), typeof(InvalidDataException));
                // 4. Vocabulary.FromJson: documented to throw ModelFormatException
                var vocabularyBytes = new Fuzzer(random, vocabulary).Next();
                Run(stats, "Vocabulary.FromJson(bytes)", () => Vocabulary.FromJson(vocabularyBytes), typeof(ModelFormatException));
                var json = RandomString(random, 200);
                Run(stats, "Vocabulary.FromJson(string)", () => Vocabulary.FromJson(json), typeof(ModelFormatException));
                // 5. the row fingerprints of per-row models (rows.bin)
                var rows = random.Next(4) == 0 ? BitConverter.GetBytes(1L << 61).Concat(new byte[8]).ToArray() : new Fuzzer(random, new byte[40]).Next();
                Run(stats, "RowFingerprints", () => RowFingerprints.FromBytes(rows, m => new InvalidDataException(m)), typeof(InvalidDataException));
                // 6. tokenizers: any string is valid input
                var s = RandomString(random, 400);
                Run(stats, "Tokenizers", () => Tokenize(s));
            }
        });
        bool finished = worker.Wait(budget + TimeSpan.FromSeconds(60));
        foreach (var (k, v) in stats.Outcomes.OrderBy(kv => kv.Key)) Output.WriteLine($"{v,6}  {k}");
        Output.WriteLine($"{stats.Cases} cases in {total.Elapsed.TotalSeconds:F1} s; slowest {stats.SlowestMs:F0} ms ({stats.Slowest})");
        Assert.True(finished, $"the fuzz loop hung (slowest finished case: {stats.Slowest})");
        Assert.True(stats.Failures.Count == 0, string.Join("\n\n", stats.Failures));
        Assert.True(stats.SlowestMs < 5000, $"a case took {stats.SlowestMs:F0} ms ({stats.Slowest})");
        Assert.True(stats.Cases > 100, "the fuzzer barely ran");
        Assert.Contains(stats.Outcomes.Keys, k => k.StartsWith("Load(hostile") && k.Contains("Corrupt")); // hostile content reached the parsers
    }

    private static void Load(MLContext ml, byte[] bytes)
    {
        var loaded = ml.Model.LoadLanguageModel(new MemoryStream(bytes), out _);
        (loaded as IDisposable)?.Dispose();
    }

    private static readonly CharTokenizingTransformer Chars = new();
    private static readonly CharTokenizingTransformer CharsD2l = new(options: CharTokenizerOptions.D2lLettersOnly());
    private static readonly WordSplitter Words = new(new WordTokenizerOptions());
    private static readonly WordSplitter WordsSplit = new(new WordTokenizerOptions { Punctuation = PunctuationHandling.Split, LowerCase = true });

    private static void Tokenize(string s)
    {
        var m = s.AsMemory();
        foreach (var t in Chars.Tokenize(m).Concat(CharsD2l.Tokenize(m)).Concat(Words.Tokenize(m)).Concat(WordsSplit.Tokenize(m)))
            if (t.Length == 0) throw new InvalidOperationException("empty token");
    }

    private static string RandomString(Random random, int maxLength)
    {
        var sb = new StringBuilder();
        int n = random.Next(maxLength);
        for (int i = 0; i < n; i++)
        {
            sb.Append(random.Next(6) switch
            {
                0 => (char)random.Next(0x20),                  // control characters
                1 => (char)random.Next(0xD800, 0xE000),        // lone surrogates
                2 => "{}[]\",:\\ \n\t"[random.Next(11)],       // JSON structure
                3 => (char)random.Next(0x80, 0xFFFF),
                _ => (char)random.Next(0x20, 0x7F),
            });
        }
        return sb.ToString();
    }

    /// <summary>Entries replaced with content crafted to pass the hash check and attack the parsers' bounds.</summary>
    private static List<(string Entry, byte[] Content, string What)> Hostile(string[] entries, byte[] weights, byte[] vocabulary, byte[] configBytes)
    {
        string E(string suffix) => entries.Single(e => e.EndsWith(suffix));
        byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        byte[] SafeTensorsWith(string header, int dataBytes = 16)
        {
            var h = U(header);
            var b = new byte[8 + h.Length + dataBytes];
            BitConverter.TryWriteBytes(b, (long)h.Length);
            h.CopyTo(b, 8);
            return b;
        }
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var config = Encoding.UTF8.GetString(configBytes);
        var list = new List<(string, byte[], string)>
        {
            (E("weights.safetensors"), SafeTensorsWith("{\"embedding.weight\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}"), "huge tensor shape"),
            (E("weights.safetensors"), SafeTensorsWith("{\"embedding.weight\":{\"dtype\":\"F32\",\"shape\":[-4,-4],\"data_offsets\":[0,64]}}"), "negative shape"),
            (E("weights.safetensors"), SafeTensorsWith("{\"embedding.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[-16,0]}}"), "negative offset"),
            (E("weights.safetensors"), SafeTensorsWith("{\"a\":{\"dtype\":\"F32\",\"shape\":[3037000500,3037000500],\"data_offsets\":[0,16]}}"), "overflowing shape"),
            (E("weights.safetensors"), SafeTensorsWith("{\"a\":{\"dtype\":\"F32\",\"shape\":\"x\",\"data_offsets\":{}}}"), "wrong JSON types"),
            (E("weights.safetensors"), SafeTensorsWith(deep), "deep JSON header"),
            (E("weights.safetensors"), SafeTensorsWith("{\"__metadata__\":{\"a\":1},\"x\":5}"), "bad metadata"),
            (E("weights.safetensors"), BitConverter.GetBytes(long.MaxValue).Concat(weights[8..]).ToArray(), "huge header length"),
            (E("weights.safetensors"), weights.Concat(new byte[1 << 20]).ToArray(), "extra data"),
            (E("vocabulary.json"), U("{\"format\":\"Microsoft.ML.SequenceLM.Vocabulary\",\"version\":1,\"tokens\":[" + string.Join(",", Enumerable.Repeat("\"a\"", 1000)) + "]}"), "duplicate tokens"),
            (E("vocabulary.json"), U("{\"format\":\"Microsoft.ML.SequenceLM.Vocabulary\",\"version\":1,\"tokens\":[" + deep + "]}"), "deep JSON vocabulary"),
            (E("vocabulary.json"), U("{\"format\":\"Microsoft.ML.SequenceLM.Vocabulary\",\"version\":1,\"tokens\":[null,\"\",5]}"), "null tokens"),
            (E("config.json"), U(deep), "deep JSON config"),
            (E("settings.json"), U("{\"Windows\":{\"BatchSize\":-5,\"SequenceLength\":0},\"InputColumnName\":null}"), "invalid settings"),
            (E("history.json"), U("{\"Records\":" + deep + "}"), "deep JSON history"),
            (E("history.json"), U("{\"Records\":[null,null],\"TotalSteps\":\"many\"}"), "invalid history"),
        };
        foreach (var (field, value) in new[] { ("HiddenSize", "1048576"), ("HiddenSize", "-1"), ("NumberOfLayers", "100000"), ("VocabularySize", "2147483647"),
                     ("EmbeddingSize", "-7"), ("NumberOfHeads", "0"), ("ContextLength", "0"), ("Family", "99"), ("IgnoreIndex", "1000000"), ("Dropout", "1.5") })
            list.Add((E("config.json"), U(System.Text.RegularExpressions.Regex.Replace(config, $"\"{field}\":\\s*[^,\\n}}]+", $"\"{field}\": {value}")), $"config {field}={value}"));
        return list;
    }
}
