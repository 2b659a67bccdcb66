using System.Runtime.CompilerServices;
using System.Numerics;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Vectorised float32 kernels over raw memory for the C# generation step and the fused layers (no libtorch call per
/// operation). They and their callers' loops are compiled fully optimised at the first call (AggressiveOptimization):
/// tiered compilation would run them unoptimised first and recompile them on a thread that competes for the cores.
/// </summary>
internal static unsafe class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    /// row is read from memory once for all batch rows (the products are memory-bound at small batches). One thread:
    /// splitting rows across two threads halved batch-1 char-LSTM generation on the loaded 2-core machine (852 -> 496
    /// tokens/s at load 6).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatVec(float* w, float* bias, int rows, int cols, float* x, int batch, float* y)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = w + (long)r * cols;
            float b = bias == null ? 0f : bias[r];
            for (int k = 0; k < batch; k++) y[(long)k * rows + r] = Dot(row, x + (long)k * cols, cols) + b;
        }
    }

    /// <summary>
    /// y[b] = x[b] W (+ y[b] when <paramref name="accumulate"/>, else + bias) for x [batch, k], W [k, n] and
    /// y [batch, n], row-major: each output row is built in registers, 4 vectors at a time, from the rows of W
    /// (the recurrent products of the fused layers: small k and n, so W stays in cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(float* x, int batch, int k, float* w, int n, float* bias, float* y, bool accumulate)
    {
        int width = Vector<float>.Count;
        for (int b = 0; b < batch; b++)
        {
            float* xRow = x + (long)b * k, yRow = y + (long)b * n;
            int j = 0;
            for (; j <= n - 4 * width; j += 4 * width)
            {
                Vector<float> a0 = Start(yRow, bias, j, accumulate), a1 = Start(yRow, bias, j + width, accumulate),
                    a2 = Start(yRow, bias, j + 2 * width, accumulate), a3 = Start(yRow, bias, j + 3 * width, accumulate);
                for (int i = 0; i < k; i++)
                {
                    var xi = new Vector<float>(xRow[i]);
                    float* wRow = w + (long)i * n + j;
                    a0 = Vector.FusedMultiplyAdd(xi, Vector.Load(wRow), a0);
                    a1 = Vector.FusedMultiplyAdd(xi, Vector.Load(wRow + width), a1);
                    a2 = Vector.FusedMultiplyAdd(xi, Vector.Load(wRow + 2 * width), a2);
                    a3 = Vector.FusedMultiplyAdd(xi, Vector.Load(wRow + 3 * width), a3);
                }
                a0.Store(yRow + j);
                a1.Store(yRow + j + width);
                a2.Store(yRow + j + 2 * width);
                a3.Store(yRow + j + 3 * width);
            }
            for (; j <= n - width; j += width)
            {
                var a = Start(yRow, bias, j, accumulate);
                for (int i = 0; i < k; i++) a = Vector.FusedMultiplyAdd(new Vector<float>(xRow[i]), Vector.Load(w + (long)i * n + j), a);
                a.Store(yRow + j);
            }
            for (; j < n; j++)
            {
                float a = accumulate ? yRow[j] : bias == null ? 0f : bias[j];
                for (int i = 0; i < k; i++) a += xRow[i] * w[(long)i * n + j];
                yRow[j] = a;
            }
        }
    }

    private static Vector<float> Start(float* y, float* bias, int column, bool accumulate) =>
        accumulate ? Vector.Load(y + column) : bias == null ? Vector<float>.Zero : Vector.Load(bias + column);

    /// <summary>LayerNorm over n values (eps 1e-5, as torch.nn.LayerNorm's default) into y; bias may be null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNorm(float* x, float* weight, float* bias, int n, float* y)
    {
        float mean = 0, variance = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        for (int i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
        float scale = 1f / MathF.Sqrt(variance / n + 1e-5f);
        for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * scale * weight[i] + (bias == null ? 0f : bias[i]);
    }

    /// <summary>Exact (erf) GELU, torch.nn.functional.gelu's default, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gelu(float* x, int n)
    {
        for (int i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1f + Erf(x[i] * 0.70710678f));
    }

    /// <summary>The tanh-approximate GELU (torch.nn.functional.gelu with approximate="tanh"), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluTanh(float* x, int n)
    {
        const float root2OverPi = 0.7978845608f;
        for (int i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1f + MathF.Tanh(root2OverPi * (x[i] + 0.044715f * x[i] * x[i] * x[i])));
    }

    // Abramowitz and Stegun 7.1.26, in double: absolute error below 1.5e-7.
    private static float Erf(float value)
    {
        double x = Math.Abs(value), t = 1 / (1 + 0.3275911 * x);
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return (float)(value < 0 ? -y : y);
    }
}
