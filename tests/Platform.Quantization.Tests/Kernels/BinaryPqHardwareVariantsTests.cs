using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// The binary and PQ kernel tests once more in child processes started with AVX-512 off (the Vector256 / Avx2 paths)
/// and DOTNET_EnableHWIntrinsic=0 (the scalar paths): the JIT reads these switches at start-up only. .NET 10 ignores
/// DOTNET_EnableAVX512F=0 (measured: Avx512F.IsSupported stays true); its switch is DOTNET_EnableAVX512=0, so both are set.
/// </summary>
public class BinaryPqHardwareVariantsTests
{
    private const string Filter = "FullyQualifiedName~Kernels.BinaryGemmTests|FullyQualifiedName~Kernels.PqGemmTests|FullyQualifiedName~Kernels.BinaryPqHardwareVariantsTests.The_switches_took_effect";

    [Theory]
    [InlineData("DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0")]
    [InlineData("DOTNET_EnableHWIntrinsic=0")]
    public void Kernel_tests_pass_with_the_switch_off(string knobs)
    {
        if (HardwareIntrinsicsVariants.InChild) return;
        HardwareIntrinsicsVariants.Run(Filter, knobs, TimeSpan.FromMinutes(10), atLeast: 101);
    }

    /// <summary>Meaningful in the children: proves the switch reached the JIT, so the other paths did run.</summary>
    [Fact]
    public void The_switches_took_effect()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.False(Avx512F.IsSupported);
            Assert.False(Vector512.IsHardwareAccelerated);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.False(Avx2.IsSupported);
            Assert.False(Vector256.IsHardwareAccelerated);
        }
    }
}
