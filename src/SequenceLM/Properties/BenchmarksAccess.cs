using System.Runtime.CompilerServices;

// The benchmark harness (benchmarks/SequenceLM.Benchmarks) times single engine training steps and generation calls
// through the internal LanguageModelEngine / GenerationSession wrappers, without the training loop's bookkeeping around them.
[assembly: InternalsVisibleTo("SequenceLM.Benchmarks")]
