namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Where a trainer puts the model: the options' device, or the context's <see cref="MLContext.GpuDeviceId"/>.</summary>
internal static class TrainerDevice
{
    public const string Auto = "auto";

    /// <summary>
    /// An explicit <paramref name="optionsDevice"/> wins; otherwise <paramref name="gpuDeviceId"/> selects <c>cuda:N</c>,
    /// falling back to the CPU when that GPU is absent and <paramref name="fallbackToCpu"/> is set.
    /// </summary>
    public static string Resolve(string optionsDevice, int? gpuDeviceId, bool fallbackToCpu)
    {
        if (optionsDevice != Auto || gpuDeviceId is not int id) return optionsDevice;
        if (id < TorchRuntime.CudaDeviceCount) return $"cuda:{id}";
        if (fallbackToCpu) return "cpu";
        throw new InvalidOperationException(
            $"MLContext.GpuDeviceId is {id} but libtorch sees {TorchRuntime.CudaDeviceCount} CUDA device(s). Set MLContext.FallbackToCpu = true to train on the CPU instead.");
    }
}
