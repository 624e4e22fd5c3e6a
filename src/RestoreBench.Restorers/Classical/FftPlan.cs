using System.Numerics;

namespace RestoreBench.Restorers.Classical;

/// <summary>
/// Complex discrete Fourier transform of one length n, unnormalised in both directions:
/// forward X_k = Σ_j x_j e^(−2πi jk/n), inverse x_j = Σ_k X_k e^(+2πi jk/n) (divide by n yourself).
/// Lengths whose prime factors are all ≤ 31 use a mixed-radix Stockham (self-sorting) decimation
/// in frequency; other lengths use Bluestein's chirp-z algorithm over a power-of-two length.
/// A plan is immutable and thread-safe; each concurrent caller supplies its own workspace.
/// </summary>
public sealed class FftPlan
{
    private const int LargestDirectRadix = 31;

    private readonly int[] _radices;
    private readonly Complex[] _twiddles;
    private readonly Complex[]?[] _radixRoots;

    // Bluestein (only when a prime factor exceeds LargestDirectRadix).
    private readonly FftPlan? _inner;
    private readonly Complex[]? _chirp;
    private readonly Complex[]? _chirpSpectrum;

    /// <summary>Plans a transform of <paramref name="length"/> points (≥ 1).</summary>
    public FftPlan(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        var radices = Factor(length);
        if (radices is not null)
        {
            _radices = radices;
            _twiddles = Roots(length);
            _radixRoots = new Complex[]?[LargestDirectRadix + 1];
            foreach (var p in _radices)
            {
                _radixRoots[p] ??= Roots(p);
            }

            WorkspaceLength = length;
            return;
        }

        // Bluestein: jk = (j² + k² − (k − j)²) / 2, so X_k = w_k Σ_j (x_j w_j) conj(w_(k−j)), w_t = e^(−πi t²/n).
        _radices = [];
        _twiddles = [];
        _radixRoots = [];
        var m = 1;
        while (m < 2 * length - 1)
        {
            m <<= 1;
        }

        _inner = new FftPlan(m);
        _chirp = new Complex[length];
        var period = 2L * length;
        for (var t = 0; t < length; t++)
        {
            var phase = (long)t * t % period;
            _chirp[t] = Complex.FromPolarCoordinates(1.0, -Math.PI * phase / length);
        }

        _chirpSpectrum = new Complex[m];
        _chirpSpectrum[0] = Complex.Conjugate(_chirp[0]);
        for (var t = 1; t < length; t++)
        {
            _chirpSpectrum[t] = Complex.Conjugate(_chirp[t]);
            _chirpSpectrum[m - t] = Complex.Conjugate(_chirp[t]);
        }

        _inner.Forward(_chirpSpectrum, new Complex[_inner.WorkspaceLength]);
        WorkspaceLength = m + _inner.WorkspaceLength;
    }

    /// <summary>Number of points n.</summary>
    public int Length { get; }

    /// <summary>True when the length has a prime factor above 31 and Bluestein's algorithm is used.</summary>
    public bool UsesBluestein => _inner is not null;

    /// <summary>Length of the workspace that <see cref="Forward"/> and <see cref="Inverse"/> need.</summary>
    public int WorkspaceLength { get; }

    /// <summary>In-place forward transform (e^(−2πi jk/n), no scaling).</summary>
    /// <exception cref="ArgumentException">A span is shorter than required.</exception>
    public void Forward(Span<Complex> data, Span<Complex> workspace)
    {
        Check(data, workspace);
        if (_inner is not null)
        {
            Bluestein(data[..Length], workspace);
        }
        else
        {
            Stockham(data[..Length], workspace[..Length]);
        }
    }

    /// <summary>In-place inverse transform (e^(+2πi jk/n), no 1/n scaling): conj(F(conj(x))).</summary>
    /// <exception cref="ArgumentException">A span is shorter than required.</exception>
    public void Inverse(Span<Complex> data, Span<Complex> workspace)
    {
        Check(data, workspace);
        var d = data[..Length];
        Conjugate(d);
        Forward(d, workspace);
        Conjugate(d);
    }

    private void Check(Span<Complex> data, Span<Complex> workspace)
    {
        if (data.Length < Length)
        {
            throw new ArgumentException($"Data has {data.Length} points; the plan needs {Length}.", nameof(data));
        }

        if (workspace.Length < WorkspaceLength)
        {
            throw new ArgumentException($"Workspace has {workspace.Length} points; the plan needs {WorkspaceLength}.", nameof(workspace));
        }
    }

    private static void Conjugate(Span<Complex> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Complex.Conjugate(data[i]);
        }
    }

    /// <summary>Radices (4s first, then ascending primes), or null when a prime factor exceeds the direct limit.</summary>
    private static int[]? Factor(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0)
        {
            radices.Add(4);
            n /= 4;
        }

        for (var p = 2; p <= LargestDirectRadix && n > 1; p++)
        {
            while (n % p == 0)
            {
                radices.Add(p);
                n /= p;
            }
        }

        return n == 1 ? [.. radices] : null;
    }

    /// <summary>e^(−2πi t/n) for t = 0 … n−1, each computed directly (no recurrence error).</summary>
    private static Complex[] Roots(int n)
    {
        var roots = new Complex[n];
        for (var t = 0; t < n; t++)
        {
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * t / n);
            roots[t] = new Complex(cos, -sin);
        }

        return roots;
    }

    /// <summary>
    /// Stockham decimation in frequency. With sub-length L = n/s, stride s and radix p (m = L/p):
    /// y[k + s(pq + r)] = ω_L^(qr) Σ_j x[k + s(q + mj)] ω_p^(jr); the output comes out in natural order.
    /// </summary>
    private void Stockham(Span<Complex> data, Span<Complex> scratch)
    {
        var n = Length;
        if (n == 1)
        {
            return;
        }

        var x = data;
        var y = scratch;
        var inData = true;
        var stride = 1;
        Span<Complex> a = stackalloc Complex[LargestDirectRadix];
        foreach (var p in _radices)
        {
            var sub = n / stride;
            var m = sub / p;
            for (var q = 0; q < m; q++)
            {
                for (var k = 0; k < stride; k++)
                {
                    for (var j = 0; j < p; j++)
                    {
                        a[j] = x[k + stride * (q + m * j)];
                    }

                    var outBase = k + stride * p * q;
                    Butterfly(a, p, y, outBase, stride, q * stride);
                }
            }

            stride *= p;
            var t = x;
            x = y;
            y = t;
            inData = !inData;
        }

        if (!inData)
        {
            x.CopyTo(data);
        }
    }

    /// <summary>Radix-p DFT of a[0..p) with output twiddles ω_n^(r·twiddleStep), written at outBase + stride·r.</summary>
    private void Butterfly(Span<Complex> a, int p, Span<Complex> y, int outBase, int stride, int twiddleStep)
    {
        switch (p)
        {
            case 2:
            {
                var s0 = a[0] + a[1];
                var s1 = a[0] - a[1];
                y[outBase] = s0;
                y[outBase + stride] = s1 * _twiddles[twiddleStep];
                return;
            }

            case 4:
            {
                var t0 = a[0] + a[2];
                var t1 = a[0] - a[2];
                var t2 = a[1] + a[3];
                var d = a[1] - a[3];
                var t3 = new Complex(d.Imaginary, -d.Real); // −i·(a1 − a3)
                y[outBase] = t0 + t2;
                y[outBase + stride] = (t1 + t3) * _twiddles[twiddleStep];
                y[outBase + 2 * stride] = (t0 - t2) * _twiddles[2 * twiddleStep];
                y[outBase + 3 * stride] = (t1 - t3) * _twiddles[3 * twiddleStep];
                return;
            }

            default:
            {
                var roots = _radixRoots[p]!;
                for (var r = 0; r < p; r++)
                {
                    var sum = a[0];
                    var index = 0;
                    for (var j = 1; j < p; j++)
                    {
                        index += r;
                        if (index >= p)
                        {
                            index -= p;
                        }

                        sum += a[j] * roots[index];
                    }

                    y[outBase + stride * r] = r == 0 ? sum : sum * _twiddles[r * twiddleStep];
                }

                return;
            }
        }
    }

    private void Bluestein(Span<Complex> data, Span<Complex> workspace)
    {
        var inner = _inner!;
        var chirp = _chirp!;
        var m = inner.Length;
        var buffer = workspace[..m];
        var innerWork = workspace.Slice(m, inner.WorkspaceLength);
        buffer.Clear();
        for (var t = 0; t < Length; t++)
        {
            buffer[t] = data[t] * chirp[t];
        }

        inner.Forward(buffer, innerWork);
        var spectrum = _chirpSpectrum!;
        for (var i = 0; i < m; i++)
        {
            buffer[i] *= spectrum[i];
        }

        inner.Inverse(buffer, innerWork);
        var scale = 1.0 / m;
        for (var k = 0; k < Length; k++)
        {
            data[k] = buffer[k] * chirp[k] * scale;
        }
    }
}
