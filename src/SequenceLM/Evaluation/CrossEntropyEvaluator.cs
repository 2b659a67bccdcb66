using Microsoft.ML.SequenceLM.Models;
using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM.Evaluation;

/// <summary>
/// Cross-entropy of a model over all batches of a source. Recurrent models in sequential mode carry their state
/// across windows, so the figure covers the whole sequence as PTB practice requires. Also counts the characters the
/// scored targets stand for (<see cref="Vocabulary.CharacterCount"/>), for bits per character.
/// </summary>
internal static class CrossEntropyEvaluator
{
    public static (double LossSum, long Tokens, long Characters) Run(LanguageModelEngine model, ITrainingBatchSource source, bool carryState, Vocabulary? vocabulary,
        int maximumBatches = 0, double[]? positionLoss = null, long[]? positionCount = null, CancellationToken cancel = default)
    {
        model.ResetState(training: false, evaluation: true);
        double sum = 0;
        long tokens = 0, characters = 0;
        int batches = 0;
        foreach (var batch in source.Batches(shuffle: null))
        {
            cancel.ThrowIfCancellationRequested();
            // A window that starts new streams begins from zeros; its final state then carries into the next one.
            if (carryState && !batch.ContinuesPrevious) model.ResetState(training: false, evaluation: true);
            bool carry = carryState;
            var (s, n) = positionLoss is null
                ? model.EvaluateBatch(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, carry)
                : EvaluateWithPositions(model, batch, carry, positionLoss, positionCount!);
            sum += s;
            tokens += n;
            if (vocabulary != null)
                foreach (long target in batch.Targets)
                    if (target != batch.IgnoreIndex) characters += vocabulary.CharacterCount(target);
            if (maximumBatches > 0 && ++batches >= maximumBatches) break;
        }
        model.ResetState(training: false, evaluation: true);
        return (sum, tokens, characters);
    }

    private static (double, long) EvaluateWithPositions(LanguageModelEngine model, TokenBatch batch, bool carry, double[] positionLoss, long[] positionCount)
    {
        var loss = new double[batch.SequenceLength];
        var count = new long[batch.SequenceLength];
        var result = model.EvaluateBatch(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, carry, loss, count);
        for (int t = 0; t < Math.Min(loss.Length, positionLoss.Length); t++)
        {
            positionLoss[t] += loss[t];
            positionCount[t] += count[t];
        }
        return result;
    }
}
