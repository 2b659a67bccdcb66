using System.Diagnostics;
using Microsoft.ML.SequenceLM.Evaluation;
using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// The optimisation loop: epochs of batches, learning-rate schedule, periodic validation keeping the best weights,
/// early stopping, budgets, cancellation, non-finite loss and checkpoints. One engine call per step. In data-parallel
/// training (<see cref="DataParallel"/>) every process runs it in step; the root alone validates, reports and writes.
/// </summary>
internal sealed class TrainingLoop
{
    private readonly LanguageModelEngine _model;
    private readonly LanguageModelTrainerOptions _options;
    private readonly ITrainingBatchSource _train;
    private readonly ITrainingBatchSource? _validation;
    private readonly int _seed;
    private readonly bool _stateful;
    private readonly CheckpointWriter? _writeCheckpoint;
    private readonly DataParallel? _parallel;
    private readonly bool _isRoot;

    /// <summary>Writes a checkpoint: the loop's position, the best weights so far and the carried recurrent state (both optional).</summary>
    public delegate void CheckpointWriter(TrainingCheckpoint checkpoint, IReadOnlyList<NamedTensor>? best, IReadOnlyList<NamedTensor>? trainingState);

    public TrainingLoop(LanguageModelEngine model, LanguageModelTrainerOptions options, ITrainingBatchSource train,
        ITrainingBatchSource? validation, int seed, bool stateful, CheckpointWriter? writeCheckpoint, DataParallel? parallel = null)
    {
        _parallel = parallel;
        _isRoot = parallel?.IsRoot ?? true;
        _model = model;
        _options = options;
        _train = train;
        _validation = validation;
        _seed = seed;
        _stateful = stateful;
        _writeCheckpoint = writeCheckpoint;
    }

    /// <summary>Runs training from <paramref name="resume"/> (or the start) and leaves the chosen weights in the model.</summary>
    /// <param name="resume">The checkpoint to continue from, or null to start afresh.</param>
    /// <param name="resumeBestWeights">The best weights that checkpoint had seen, if it kept them.</param>
    /// <param name="resumeState">The recurrent state a mid-epoch checkpoint of stateful training carried into its next window.</param>
    public TrainingHistory Run(TrainingCheckpoint? resume, IReadOnlyList<NamedTensor>? resumeBestWeights,
        IReadOnlyList<NamedTensor>? resumeState = null)
    {
        var o = _options;
        var state = resume ?? new TrainingCheckpoint { LearningRate = o.LearningRate };
        var history = new TrainingHistory
        {
            Records = new List<TrainingRecord>(state.Records),
            BestValidationLoss = state.BestValidationLoss,
            BestStep = state.BestStep,
        };
        IReadOnlyList<NamedTensor>? best = resumeBestWeights;
        long stepsPerEpoch = Math.Max(1, _train.Batches(null).LongCount());
        long plannedSteps = o.MaximumSteps ?? stepsPerEpoch * o.Epochs;
        var scheduler = new LearningRateScheduler(o.LearningRateSchedule, o.LearningRate, plannedSteps, state.LearningRate);
        scheduler.Restore(state.SchedulerBest, state.SchedulerWaits);
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double windowLoss = 0;
        long windowSteps = 0, windowTokens = 0;
        var windowClock = Stopwatch.StartNew();
        var reason = TrainingStopReason.Completed;
        string? message = null;
        long step = state.Step;
        int evaluationsWithoutImprovement = state.EvaluationsWithoutImprovement;
        int lastEpoch = state.Epoch;
        double elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;

        _model.KeepLastGoodWeights(true);
        for (int epoch = state.Epoch; epoch < o.Epochs && reason == TrainingStopReason.Completed; epoch++)
        {
            _model.ResetState(training: true, evaluation: false);
            int batchIndex = 0;
            lastEpoch = epoch;
            foreach (var batch in _train.Batches(new Random(SeedMix.Combine(_seed, epoch))))
            {
                batchIndex++;
                if (epoch == state.Epoch && batchIndex <= state.BatchInEpoch) continue; // resumed mid-epoch
                if (_parallel == null && o.CancellationToken.IsCancellationRequested) { reason = TrainingStopReason.Cancelled; break; }
                // Across processes, a stop request or the root's spent budget travels with this step's gradients.
                _parallel?.SetControls(o.CancellationToken.IsCancellationRequested, BudgetSpent(elapsed()));

                // A window that starts new streams begins from zeros; its final state then carries into the next one.
                if (_stateful && !batch.ContinuesPrevious) _model.ResetState(training: true, evaluation: false);
                if (resumeState != null && epoch == state.Epoch && batchIndex == state.BatchInEpoch + 1)
                    _model.WriteTrainingState(resumeState);
                float lr = scheduler.RateAt(step);
                var stepOptions = new StepSettings
                {
                    LearningRate = lr,
                    ClipNorm = o.GradientClipNorm,
                    CarryState = _stateful ? 1 : 0,
                    Seed = (ulong)StepSeed(step) & 0x7fffffffUL,
                    Exchange = _parallel,
                };
                var (loss, _) = _model.TrainStep(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength, stepOptions);
                if (!float.IsFinite(loss))
                {
                    // The step was not applied (the engine skips it); the weights it ran with may already be ruined by the
                    // previous update, so go back to the weights of the last step whose loss was finite.
                    bool restored = _model.RestoreLastGoodWeights();
                    reason = TrainingStopReason.NonFiniteLoss;
                    message = $"The training loss became {loss} at step {step + 1}; training stopped and " +
                              (restored ? $"the weights that step {step} trained from (the last with a finite loss) were restored. "
                                        : "the weights were left as they were (no step had a finite loss). ") +
                              "Lower LearningRate or set GradientClipNorm.";
                    break;
                }
                step++;
                windowLoss += loss;
                windowSteps++;
                windowTokens += (long)batch.BatchSize * batch.SequenceLength * (_parallel?.Size ?? 1);

                bool evaluate = _validation != null &&
                                (o.EvaluateEveryNSteps > 0 ? step % o.EvaluateEveryNSteps == 0 : false);
                bool report = step % o.ReportEveryNSteps == 0 || evaluate;
                double? validationLoss = null;
                if (evaluate)
                {
                    validationLoss = Validate(ref best, ref evaluationsWithoutImprovement, history, step, scheduler);
                    if (o.EarlyStoppingPatience > 0 && evaluationsWithoutImprovement >= o.EarlyStoppingPatience)
                        reason = TrainingStopReason.EarlyStopping;
                }
                if (report && windowSteps > 0)
                {
                    Record(history, ref windowLoss, ref windowSteps, ref windowTokens, windowClock, step, epoch, lr, validationLoss,
                        elapsed(), plannedSteps, o);
                }
                if (o.MaximumSteps is { } max && step >= max) reason = TrainingStopReason.StepBudget;
                if (_parallel?.BudgetSpent ?? BudgetSpent(elapsed())) reason = TrainingStopReason.TimeBudget;
                if (_parallel?.StopRequested == true) reason = TrainingStopReason.Cancelled;
                if (_writeCheckpoint != null && o.CheckpointEveryNSteps > 0 && step % o.CheckpointEveryNSteps == 0)
                    Checkpoint(epoch, batchIndex, step, scheduler, evaluationsWithoutImprovement, elapsed(), history, best);
                if (reason != TrainingStopReason.Completed) break;
            }

            bool epochEvaluation = reason is TrainingStopReason.Completed or TrainingStopReason.StepBudget or TrainingStopReason.TimeBudget;
            if (epochEvaluation && _validation != null && o.EvaluateEveryNSteps == 0)
            {
                var v = Validate(ref best, ref evaluationsWithoutImprovement, history, step, scheduler);
                Record(history, ref windowLoss, ref windowSteps, ref windowTokens, windowClock, step, epoch, scheduler.RateAt(step), v,
                    elapsed(), plannedSteps, o, force: true);
                if (reason == TrainingStopReason.Completed && o.EarlyStoppingPatience > 0 &&
                    evaluationsWithoutImprovement >= o.EarlyStoppingPatience)
                    reason = TrainingStopReason.EarlyStopping;
            }
            if (reason == TrainingStopReason.Completed)
            {
                scheduler.OnEpochEnd();
                if (_writeCheckpoint != null && o.CheckpointEveryNSteps == 0)
                    Checkpoint(epoch + 1, 0, step, scheduler, evaluationsWithoutImprovement, elapsed(), history, best);
            }
        }
        double? finalValidation = null;
        bool lastStepValidated = history.Records.Count > 0 && history.Records[^1].Step == step && history.Records[^1].ValidationLoss != null;
        if (_validation != null && step > 0 && !lastStepValidated && reason != TrainingStopReason.NonFiniteLoss)
            finalValidation = Validate(ref best, ref evaluationsWithoutImprovement, history, step, scheduler);
        if (windowSteps > 0 || finalValidation != null)
            Record(history, ref windowLoss, ref windowSteps, ref windowTokens, windowClock, step, lastEpoch, scheduler.RateAt(step),
                finalValidation, elapsed(), plannedSteps, o, force: true);

        _model.KeepLastGoodWeights(false);
        if (o.KeepBestWeights && best != null)
            _model.WriteTensors(TensorKind.Parameters, best);
        _model.ResetState(training: true, evaluation: true);
        history.StopReason = reason;
        history.StopMessage = message ?? DescribeStop(reason, step);
        history.TotalSteps = step;
        history.TotalSeconds = elapsed();
        history.AllReduceSeconds = _parallel?.ExchangeSeconds ?? 0;
        return history;
    }

    private double Validate(ref IReadOnlyList<NamedTensor>? best, ref int waits, TrainingHistory history, long step,
        LearningRateScheduler scheduler)
    {
        double loss = double.NaN;
        if (_isRoot)
        {
            var (sum, tokens, _) = CrossEntropyEvaluator.Run(_model, _validation!, _stateful && _validation!.IsSequential, vocabulary: null,
                _options.MaximumValidationBatches);
            loss = tokens > 0 ? sum / tokens : double.NaN;
        }
        if (_parallel != null) loss = _parallel.FromRoot(loss);
        scheduler.OnValidation(loss);
        if (history.BestValidationLoss is null || loss < history.BestValidationLoss)
        {
            history.BestValidationLoss = loss;
            history.BestStep = step;
            waits = 0;
            if (_options.KeepBestWeights && _isRoot) best = _model.ReadTensors(TensorKind.Parameters);
        }
        else
        {
            waits++;
        }
        return loss;
    }

    private void Record(TrainingHistory history, ref double windowLoss, ref long windowSteps, ref long windowTokens, Stopwatch windowClock,
        long step, int epoch, float lr, double? validationLoss, double elapsed, long plannedSteps, LanguageModelTrainerOptions o,
        bool force = false)
    {
        if (windowSteps == 0 && !force) return;
        double trainLoss = windowSteps > 0 ? windowLoss / windowSteps : history.Records.LastOrDefault()?.TrainLoss ?? double.NaN;
        double seconds = Math.Max(windowClock.Elapsed.TotalSeconds, 1e-9);
        double tokensPerSecond = windowSteps > 0 ? windowTokens / seconds : history.Records.LastOrDefault()?.TokensPerSecond ?? 0;
        history.Records.Add(new TrainingRecord(step, epoch, trainLoss, validationLoss, lr, tokensPerSecond, elapsed));
        double fraction = Math.Clamp((double)step / Math.Max(1, plannedSteps), 0, 1);
        if (o.TimeBudget is { } budget) fraction = Math.Max(fraction, Math.Clamp(elapsed / budget.TotalSeconds, 0, 1));
        if (_isRoot) o.Progress?.Report(new TrainingProgress
        {
            Step = step,
            Epoch = epoch,
            Fraction = fraction,
            TrainLoss = trainLoss,
            ValidationLoss = validationLoss,
            BestValidationLoss = history.BestValidationLoss,
            LearningRate = lr,
            TokensPerSecond = tokensPerSecond,
            Elapsed = TimeSpan.FromSeconds(elapsed),
            Remaining = fraction > 0 ? TimeSpan.FromSeconds(elapsed * (1 - fraction) / fraction) : null,
        });
        windowLoss = 0;
        windowSteps = 0;
        windowTokens = 0;
        windowClock.Restart();
    }

    private void Checkpoint(int epoch, int batchInEpoch, long step, LearningRateScheduler scheduler, int waits, double elapsed,
        TrainingHistory history, IReadOnlyList<NamedTensor>? best)
    {
        var (schedulerBest, schedulerWaits) = scheduler.Snapshot();
        var checkpoint = new TrainingCheckpoint
        {
            Epoch = epoch,
            BatchInEpoch = batchInEpoch,
            Step = step,
            LearningRate = scheduler.CurrentRate,
            SchedulerBest = schedulerBest,
            SchedulerWaits = schedulerWaits,
            EvaluationsWithoutImprovement = waits,
            BestValidationLoss = history.BestValidationLoss,
            BestStep = history.BestStep,
            ElapsedSeconds = elapsed,
            Records = history.Records.ToList(),
        };
        // Mid-epoch, stateful training carries a hidden state into the next window: it is part of the position.
        var state = _stateful && batchInEpoch > 0 ? _model.ReadTrainingState() : null;
        if (_parallel != null && state != null) state = _parallel.GatherTrainingState(state);
        if (_isRoot) _writeCheckpoint!(checkpoint, best, state);
    }

    private bool BudgetSpent(double elapsed) => _options.TimeBudget is { } budget && elapsed >= budget.TotalSeconds;

    /// <summary>Dropout's seed for a step; other processes of a data-parallel run mix in their rank, for masks of their own.</summary>
    private int StepSeed(long step)
    {
        int seed = SeedMix.Combine(_seed, step);
        return _parallel is { Rank: > 0 } p ? SeedMix.Combine(seed, p.Rank) : seed;
    }

    private static string DescribeStop(TrainingStopReason reason, long step) => reason switch
    {
        TrainingStopReason.Completed => $"Completed all epochs ({step} steps).",
        TrainingStopReason.StepBudget => $"Reached the step budget ({step} steps).",
        TrainingStopReason.TimeBudget => $"Reached the time budget after {step} steps.",
        TrainingStopReason.EarlyStopping => $"Stopped early at step {step}: validation loss stopped improving.",
        TrainingStopReason.Cancelled => $"Cancelled at step {step}; the best weights so far were kept.",
        _ => $"Stopped at step {step}.",
    };
}

/// <summary>
/// Derives per-epoch and per-step seeds. Unlike <see cref="HashCode.Combine{T1, T2}"/>, which is randomised per
/// process, the result depends only on the arguments, so a run resumed in another process (after a crash) sees the
/// same data order and dropout masks as the original run.
/// </summary>
internal static class SeedMix
{
    public static int Combine(int seed, long value)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)value + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL); // SplitMix64 finaliser
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7fffffff);
    }
}
