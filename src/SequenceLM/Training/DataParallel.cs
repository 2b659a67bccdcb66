using Microsoft.ML.SequenceLM.Distributed;
using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// This process's part in synchronous data-parallel training over MPI. Every process holds the whole model and trains
/// on its share of each global batch (<see cref="ShardedBatchSource"/>); after backward the engine hands the step's
/// flat buffer to <see cref="Sum"/> (one all-reduce), so every process applies the same update. Rank 0 (the root)
/// validates, keeps the best weights, writes checkpoints and reports progress; what it decides reaches the others
/// through the step's control values or a broadcast at the same point of the loop on every process.
/// </summary>
internal sealed class DataParallel : IGradientExchange
{
    private const int Root = 0;
    private readonly MpiWorld _world;
    private bool _stopHere, _budgetSpentHere;

    private DataParallel(MpiWorld world) => _world = world;

    public int Rank => _world.Rank;
    public int Size => _world.Size;
    public bool IsRoot => _world.Rank == Root;

    /// <summary>After a step: some process asked to stop (cancellation).</summary>
    public bool StopRequested { get; private set; }

    /// <summary>After a step: the root's time budget is spent.</summary>
    public bool BudgetSpent { get; private set; }

    /// <summary>Seconds spent in the all-reduce so far (for the scaling figures).</summary>
    public double ExchangeSeconds { get; private set; }

    /// <summary>
    /// Joins the MPI job when <see cref="LanguageModelTrainerOptions.Distributed"/> says so (null: when started by
    /// mpirun with more than one process); null means single-process training. (Processes on one machine share its
    /// cores: see <see cref="TorchRuntime.Threads"/>.)
    /// </summary>
    public static DataParallel? Start(LanguageModelTrainerOptions options)
    {
        if (!(options.Distributed ?? MpiJob.IsLaunched)) return null;
        return new DataParallel(MpiWorld.Join());
    }

    /// <summary>The control values the next step carries: this process wants to stop; the root's budget is spent.</summary>
    public void SetControls(bool stop, bool budgetSpent)
    {
        _stopHere = stop;
        _budgetSpentHere = budgetSpent && IsRoot;
    }

    public int ControlLength => 2;

    public void Sum(Span<float> buffer)
    {
        buffer[^2] = _stopHere ? 1 : 0;
        buffer[^1] = _budgetSpentHere ? 1 : 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _world.Calls.SumInPlace(buffer);
        ExchangeSeconds += clock.Elapsed.TotalSeconds;
        StopRequested = buffer[^2] > 0;
        BudgetSpent = buffer[^1] > 0;
    }

    /// <summary>
    /// Called by every process once preparation is over: throws on all of them when it failed on any (the failing one
    /// rethrows its own error), so that no process waits in a collective for one that gave up.
    /// </summary>
    public void Agree(Exception? failure)
    {
        Span<float> failed = stackalloc float[] { failure != null ? 1 : 0 };
        _world.Calls.SumInPlace(failed);
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (failed[0] > 0)
            throw new DistributedTrainingException(
                $"{failed[0]:F0} other process(es) of the MPI job failed to prepare training (their output says why); rank {Rank} stopped with them.");
    }

    /// <summary>Gives every process the root's tensors of <paramref name="kind"/> (initial or resumed weights and optimizer state).</summary>
    public void BroadcastFromRoot(LanguageModelEngine model, TensorKind kind)
    {
        var tensors = model.ReadTensors(kind);
        if (tensors.Count == 0) return;
        var flat = new float[tensors.Sum(t => t.Data.LongLength)];
        long at = 0;
        foreach (var t in tensors) { t.Data.CopyTo(flat, at); at += t.Data.LongLength; }
        _world.Calls.Broadcast(flat, Root);
        if (IsRoot) return;
        at = 0;
        foreach (var t in tensors) { Array.Copy(flat, at, t.Data, 0, t.Data.LongLength); at += t.Data.LongLength; }
        model.WriteTensors(kind, tensors);
    }

    /// <summary>The root's <paramref name="value"/> on every process.</summary>
    public double FromRoot(double value)
    {
        Span<double> shared = stackalloc double[] { value };
        _world.Calls.Broadcast(shared, Root);
        return shared[0];
    }

    /// <summary>
    /// The root receives the whole run's recurrent state, <c>[layers, global batch, hidden]</c>, rows in rank order
    /// (what one process with the global batch would hold); the other processes get null.
    /// </summary>
    public IReadOnlyList<NamedTensor>? GatherTrainingState(IReadOnlyList<NamedTensor> mine)
    {
        var whole = new List<NamedTensor>();
        foreach (var part in mine)
        {
            long layers = part.Shape[0], rows = part.Shape[1], width = part.Shape[2];
            var all = new float[IsRoot ? part.Data.LongLength * Size : 0];
            _world.Calls.Gather(part.Data, all, Root);
            if (!IsRoot) continue;
            var merged = new float[all.Length];
            long globalRows = rows * Size;
            for (int r = 0; r < Size; r++)
                for (long l = 0; l < layers; l++)
                    Array.Copy(all, (r * layers + l) * rows * width, merged, (l * globalRows + r * rows) * width, rows * width);
            whole.Add(new NamedTensor(part.Name, new[] { layers, globalRows, width }, merged));
        }
        return IsRoot ? whole : null;
    }

    /// <summary>This process's rows of a whole run's recurrent state (the inverse of <see cref="GatherTrainingState"/>).</summary>
    public IReadOnlyList<NamedTensor> ShareOf(IReadOnlyList<NamedTensor> whole) => whole.Select(t =>
    {
        long layers = t.Shape[0], globalRows = t.Shape[1], width = t.Shape[2];
        var (first, count) = ShardedBatchSource.RowsOf((int)globalRows, Rank, Size);
        var data = new float[layers * count * width];
        for (long l = 0; l < layers; l++)
            Array.Copy(t.Data, (l * globalRows + first) * width, data, l * count * width, count * width);
        return new NamedTensor(t.Name, new[] { layers, (long)count, width }, data);
    }).ToList();

    /// <summary>Ends the whole job after a failure on this process (the others would wait for it forever).</summary>
    public void Abort(Exception failure) =>
        _world.Abort($"training failed, ending the MPI job: {failure.GetType().Name}: {failure.Message}");
}
