using System.Numerics;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>Vectorised float32 kernels over raw memory for the C# generation step (no libtorch call per operation).</summary>
internal static unsafe class VectorMath
{
    public static float Dot(float* a, float* b, int n)
    {
        int width = Vector<float>.Count, i = 0;
        var s0 = Vector<float>.Zero;
        var s1 = Vector<float>.Zero;
        for (; i <= n - 2 * width; i += 2 * width)
        {
            s0 = Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), s0);
            s1 = Vector.FusedMultiplyAdd(Vector.Load(a + i + width), Vector.Load(b + i + width), s1);
        }
        float sum = Vector.Sum(s0 + s1);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// y[b, r] = W[r] . x[b] + bias[r] for W [rows, cols] and batch rows x [batch, cols], y [batch, rows]: each weight
    /// row is read from memory once for all batch rows (the products are memory-bound at small batches).
    /// </summary>
    public static void MatVec(float* w, float* bias, int rows, int cols, float* x, int batch, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = w + (long)r * cols;
            float b = bias == null ? 0f : bias[r];
            for (int k = 0; k < batch; k++) y[(long)k * rows + r] = Dot(row, x + (long)k * cols, cols) + b;
        }
    }
}
