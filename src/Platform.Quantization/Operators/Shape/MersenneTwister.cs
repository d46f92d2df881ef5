namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// MT19937 seeded and drawn as numpy's legacy <c>np.random.seed(s); np.random.uniform(0, 1)</c>,
/// so training-mode Dropout with a seed reproduces the ONNX reference masks bit for bit.
/// </summary>
internal sealed class MersenneTwister
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    public MersenneTwister(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N) Generate();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A double in [0, 1) with 53 random bits, as numpy's random_sample.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void Generate()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
            _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _index = 0;
    }
}
