namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Runs a <see cref="LearningRateSchedule"/>: the rate for each step, updated at epoch ends and evaluations.</summary>
internal sealed class LearningRateScheduler
{
    private readonly LearningRateSchedule _schedule;
    private readonly float _baseRate;
    private readonly long _totalSteps;
    private int _evaluationsWithoutImprovement;
    private double _bestValidation = double.PositiveInfinity;

    public LearningRateScheduler(LearningRateSchedule schedule, float baseRate, long totalSteps, float currentRate)
    {
        _schedule = schedule;
        _baseRate = baseRate;
        _totalSteps = Math.Max(1, totalSteps);
        CurrentRate = currentRate;
    }

    /// <summary>The rate that epoch decay and plateau reductions have left (cosine computes from the step instead).</summary>
    public float CurrentRate { get; private set; }

    public float RateAt(long step)
    {
        if (_schedule is not CosineSchedule cosine) return CurrentRate;
        if (step < cosine.WarmupSteps) return _baseRate * (step + 1) / cosine.WarmupSteps;
        double progress = Math.Clamp((double)(step - cosine.WarmupSteps) / Math.Max(1, _totalSteps - cosine.WarmupSteps), 0, 1);
        double min = _baseRate * cosine.MinimumFraction;
        return (float)(min + 0.5 * (_baseRate - min) * (1 + Math.Cos(Math.PI * progress)));
    }

    public (double Best, int Waits) Snapshot() => (_bestValidation, _evaluationsWithoutImprovement);

    public void Restore(double best, int waits)
    {
        _bestValidation = best;
        _evaluationsWithoutImprovement = waits;
    }

    public void OnEpochEnd()
    {
        if (_schedule is EpochDecaySchedule decay) CurrentRate /= decay.Divisor;
    }

    public void OnValidation(double loss)
    {
        if (_schedule is not ReduceOnPlateauSchedule plateau) return;
        if (loss < _bestValidation)
        {
            _bestValidation = loss;
            _evaluationsWithoutImprovement = 0;
            return;
        }
        if (++_evaluationsWithoutImprovement > plateau.Patience)
        {
            CurrentRate = Math.Max(plateau.MinimumRate, CurrentRate * plateau.Factor);
            _evaluationsWithoutImprovement = 0;
        }
    }
}
