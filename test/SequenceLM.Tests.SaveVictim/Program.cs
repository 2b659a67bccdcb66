using System.Diagnostics;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;

// Usage:
//   save-loop <model path>            saves one model to the path again and again, printing "saving N" / "saved N <ms>"
//   train <checkpoint dir> <sleep ms> trains Scenarios.CheckpointedGru, sleeping after each step, printing "step N"
//   mlnet-save <path> [newer|older]   saves MLNetZipScenarios' chain with ML.NET (newer/older: in a format this version refuses)
//   mlnet-load <path>                 loads it with plain ML.NET and prints what came back
//   lm-save <path> / lm-load <path>   the same for a trained TokenizeChars + GRU pipeline (LanguageModelZipScenarios)
//   mlnet-save-loop <path>            saves a bigger such chain with SaveAtomically again and again
//   data-parallel key=value…          trains under mpirun or alone, printing losses (DataParallelScenarios)
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: save-loop <path> | train <checkpoint dir> <sleep ms>");
    return 2;
}
switch (args[0])
{
    case "mlnet-save": return MLNetZipScenarios.Save(args[1], args.Length > 2 ? Enum.Parse<ProbeFormat>(args[2], ignoreCase: true) : ProbeFormat.Current);
    case "mlnet-load": return MLNetZipScenarios.Load(args[1]);
    case "lm-save": return LanguageModelZipScenarios.Save(args[1]);
    case "lm-load": return LanguageModelZipScenarios.Load(args[1]);
    case "mlnet-save-loop": return MLNetZipScenarios.SaveLoop(args[1]);
    case "data-parallel": return DataParallelScenarios.Run(args);
}
var ml = new MLContext(seed: 1);
var text = Scenarios.Text(ml);
switch (args[0])
{
    case "save-loop":
        using (var model = Scenarios.BigModel(ml, text))
        {
            for (int i = 1; ; i++)
            {
                Console.WriteLine($"saving {i}");
                var clock = Stopwatch.StartNew();
                ml.Model.SaveAtomically(model, text.Schema, args[1]);
                Console.WriteLine($"saved {i} {clock.Elapsed.TotalMilliseconds:F0}");
            }
        }
    case "train":
        int sleep = int.Parse(args[2]);
        var options = Scenarios.CheckpointedGru(args[1]);
        options.Progress = new Scenarios.SyncProgress(p =>
        {
            Console.WriteLine($"step {p.Step}");
            Thread.Sleep(sleep);
        });
        using (var trained = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text))
            Console.WriteLine($"done {trained.LastTransformer.History.TotalSteps}");
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 2;
}
