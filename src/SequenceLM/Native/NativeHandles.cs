using Microsoft.Win32.SafeHandles;

namespace Microsoft.ML.SequenceLM.Native;

/// <summary>Owns a native model; released exactly once, never while a native call is using it.</summary>
internal sealed class ModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ModelHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.ModelFree(handle);
        return true;
    }
}

/// <summary>Owns a native generator (its sampling state and the primed model state).</summary>
internal sealed class GeneratorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public GeneratorHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.GeneratorFree(handle);
        return true;
    }
}
