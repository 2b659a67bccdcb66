using System.Diagnostics;
using Microsoft.ML.SequenceLM.Evaluation;
using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// The counting form of the bigram (<see cref="BigramOptions.Smoothing"/>): one pass over the training windows (in
/// evaluation order) counts each (token, next token) pair; row i of the table becomes log((N[i, j] + k) / (N[i] + V k)).
/// With k = 0 an unseen pair gets probability 0 (logit -infinity); a token never followed by anything gets a uniform row.
/// </summary>
internal static class BigramCounting
{
    public static TrainingHistory Fit(LanguageModelEngine model, LanguageModelConfig config, ITrainingBatchSource train,
        ITrainingBatchSource? validation, float smoothing, LanguageModelTrainerOptions options)
    {
        var clock = Stopwatch.StartNew();
        int v = config.VocabularySize;
        var counts = new double[(long)v * v];
        long tokens = 0;
        foreach (var batch in train.Batches(shuffle: null))
        {
            for (int i = 0; i < batch.Inputs.Length; i++)
            {
                if (batch.Targets[i] == batch.IgnoreIndex) continue;
                counts[batch.Inputs[i] * v + batch.Targets[i]]++;
                tokens++;
            }
        }
        if (tokens == 0) throw new InvalidCorpusException("The training data holds no token pairs to count.");

        var table = new float[counts.Length];
        double trainLossSum = 0;
        for (int row = 0; row < v; row++)
        {
            var rowCounts = counts.AsSpan(row * v, v);
            double total = 0;
            foreach (var c in rowCounts) total += c + smoothing;
            for (int j = 0; j < v; j++)
            {
                double logP = total > 0 ? Math.Log((rowCounts[j] + smoothing) / total) : -Math.Log(v);
                table[row * v + j] = (float)logP;
                if (rowCounts[j] > 0) trainLossSum -= rowCounts[j] * logP;
            }
        }
        model.WriteTensors(TensorKind.Parameters, new[] { new NamedTensor("table.weight", new long[] { v, v }, table) });

        double? validationLoss = null;
        if (validation != null)
        {
            var (sum, count, _) = CrossEntropyEvaluator.Run(model, validation, carryState: false, vocabulary: null, options.MaximumValidationBatches);
            if (count > 0) validationLoss = sum / count;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var record = new TrainingRecord(1, 0, trainLossSum / tokens, validationLoss, 0f, tokens / Math.Max(seconds, 1e-9), seconds);
        options.Progress?.Report(new TrainingProgress
        {
            Step = 1,
            Fraction = 1,
            TrainLoss = record.TrainLoss,
            ValidationLoss = validationLoss,
            BestValidationLoss = validationLoss,
            TokensPerSecond = record.TokensPerSecond,
            Elapsed = clock.Elapsed,
            Remaining = TimeSpan.Zero,
        });
        return new TrainingHistory
        {
            Records = { record },
            BestValidationLoss = validationLoss,
            BestStep = validationLoss is null ? 0 : 1,
            StopReason = TrainingStopReason.Completed,
            StopMessage = $"Fitted from the counts of {tokens:N0} token pairs with smoothing {smoothing:g}.",
            TotalSteps = 1,
            TotalSeconds = seconds,
        };
    }
}
