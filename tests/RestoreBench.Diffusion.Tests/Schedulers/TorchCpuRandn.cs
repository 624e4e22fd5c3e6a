using RestoreBench.Diffusion.Schedulers;

namespace RestoreBench.Diffusion.Tests.Schedulers;

/// <summary>
/// Reproduces <c>torch.manual_seed(s); torch.randn(n)</c> on the CPU for float32 tensors of n ≥ 16
/// elements (n a multiple of 16 here): MT19937 seeded with s; n uniforms u = (r &amp; 0xFFFFFF)·2⁻²⁴ from
/// successive 32-bit outputs r; then, per block of 16, Box–Muller pairs (i, i + 8):
/// ρ = √(−2 ln(1 − u_i)), θ = 2π·u_{i+8}, n_i = ρ cos θ, n_{i+8} = ρ sin θ (ATen's normal_fill).
/// Used only to replay diffusers' golden tests, which draw their DDPM noise this way; checked
/// against torch 1.13 (first values −1.1258, −1.1524, −0.2506, −0.4339 for seed 0).
/// </summary>
internal sealed class TorchCpuRandn : IGaussianNoise
{
    private readonly uint[] _mt = new uint[624];
    private int _index;

    public TorchCpuRandn(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < 624; i++)
        {
            _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        }

        _index = 624;
    }

    public void Fill(Span<float> destination)
    {
        if (destination.Length % 16 != 0)
        {
            throw new ArgumentException("this replay supports multiples of 16 elements only");
        }

        var u = new float[destination.Length];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = (NextUInt32() & 0xFFFFFF) * (1.0f / (1 << 24));
        }

        for (var j = 0; j < u.Length; j += 16)
        {
            for (var i = 0; i < 8; i++)
            {
                var u1 = 1.0f - u[j + i];
                var u2 = u[j + i + 8];
                var radius = MathF.Sqrt(-2.0f * MathF.Log(u1));
                var theta = 2.0f * MathF.PI * u2;
                destination[j + i] = radius * MathF.Cos(theta);
                destination[j + i + 8] = radius * MathF.Sin(theta);
            }
        }
    }

    private uint NextUInt32()
    {
        if (_index >= 624)
        {
            for (var k = 0; k < 624; k++)
            {
                var y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % 624] & 0x7fffffffu);
                _mt[k] = _mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
            }

            _index = 0;
        }

        var x = _mt[_index++];
        x ^= x >> 11;
        x ^= (x << 7) & 0x9d2c5680u;
        x ^= (x << 15) & 0xefc60000u;
        x ^= x >> 18;
        return x;
    }
}
