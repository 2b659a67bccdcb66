using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Native;

/// <summary>P/Invoke declarations of the C ABI in native/include/sequencelm.h (source-generated marshalling).</summary>
internal static unsafe partial class NativeMethods
{
    internal const string LibraryName = "SequenceLMNative";
    internal const int ExpectedAbiVersion = 2;

    [LibraryImport(LibraryName, EntryPoint = "slm_abi_version")]
    internal static partial int AbiVersion();

    [LibraryImport(LibraryName, EntryPoint = "slm_last_error")]
    internal static partial IntPtr LastError();

    [LibraryImport(LibraryName, EntryPoint = "slm_torch_version")]
    internal static partial IntPtr TorchVersion();

    [LibraryImport(LibraryName, EntryPoint = "slm_set_num_threads")]
    internal static partial int SetNumThreads(int threads);

    [LibraryImport(LibraryName, EntryPoint = "slm_get_num_threads")]
    internal static partial int GetNumThreads();

    [LibraryImport(LibraryName, EntryPoint = "slm_cuda_device_count")]
    internal static partial int CudaDeviceCount();

    [LibraryImport(LibraryName, EntryPoint = "slm_model_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus ModelCreate(in NativeModelConfig config, string device, out ModelHandle model);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_free")]
    internal static partial void ModelFree(IntPtr model);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_device")]
    internal static partial NativeStatus ModelDevice(ModelHandle model, byte* buffer, int capacity);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_parameter_count")]
    internal static partial NativeStatus ModelParameterCount(ModelHandle model, out long count);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_tensor_count")]
    internal static partial NativeStatus ModelTensorCount(ModelHandle model, int kind, out int count);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_tensor_info")]
    internal static partial NativeStatus ModelTensorInfo(ModelHandle model, int kind, int index, byte* name, int nameCapacity,
        long* shape, int shapeCapacity, out int ndim);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_tensor_read")]
    internal static partial NativeStatus ModelTensorRead(ModelHandle model, int kind, int index, float* destination, long count);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_tensor_write")]
    internal static partial NativeStatus ModelTensorWrite(ModelHandle model, int kind, int index, float* source, long count);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_set_optimizer")]
    internal static partial NativeStatus ModelSetOptimizer(ModelHandle model, in NativeOptimizerConfig config);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_optimizer_steps")]
    internal static partial NativeStatus ModelOptimizerSteps(ModelHandle model, out long steps);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_set_optimizer_steps")]
    internal static partial NativeStatus ModelSetOptimizerSteps(ModelHandle model, long steps);

    [LibraryImport(LibraryName, EntryPoint = "slm_train_step")]
    internal static partial NativeStatus TrainStep(ModelHandle model, long* inputs, long* targets, long batch, long steps,
        in NativeStepOptions options, out float loss, out float gradNorm);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_train_state_batch")]
    internal static partial NativeStatus ModelTrainStateBatch(ModelHandle model, out long batch);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_train_state_read")]
    internal static partial NativeStatus ModelTrainStateRead(ModelHandle model, float* h, float* c, long count);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_train_state_write")]
    internal static partial NativeStatus ModelTrainStateWrite(ModelHandle model, float* h, float* c, long batch, long count);

    [LibraryImport(LibraryName, EntryPoint = "slm_reset_state")]
    internal static partial NativeStatus ResetState(ModelHandle model, int which);

    [LibraryImport(LibraryName, EntryPoint = "slm_model_last_good")]
    internal static partial NativeStatus ModelLastGood(ModelHandle model, int op, out int restored);

    [LibraryImport(LibraryName, EntryPoint = "slm_evaluate_batch")]
    internal static partial NativeStatus EvaluateBatch(ModelHandle model, long* inputs, long* targets, long batch, long steps,
        int carryState, out double lossSum, out long tokenCount, double* positionLoss, long* positionCount);

    [LibraryImport(LibraryName, EntryPoint = "slm_forward_logits")]
    internal static partial NativeStatus ForwardLogits(ModelHandle model, long* inputs, long batch, long steps, float* logits);

    [LibraryImport(LibraryName, EntryPoint = "slm_hidden_gradient_norms")]
    internal static partial NativeStatus HiddenGradientNorms(ModelHandle model, long* inputs, long* targets, long batch,
        long steps, float* norms);

    [LibraryImport(LibraryName, EntryPoint = "slm_generator_create")]
    internal static partial NativeStatus GeneratorCreate(ModelHandle model, long* prompts, long* lengths, int batch,
        in NativeSampling sampling, long* banned, int bannedCount, out GeneratorHandle generator);

    [LibraryImport(LibraryName, EntryPoint = "slm_generator_free")]
    internal static partial void GeneratorFree(IntPtr generator);

    [LibraryImport(LibraryName, EntryPoint = "slm_generator_next")]
    internal static partial NativeStatus GeneratorNext(GeneratorHandle generator, int count, long stopToken, long* tokens,
        byte* finished);
}
