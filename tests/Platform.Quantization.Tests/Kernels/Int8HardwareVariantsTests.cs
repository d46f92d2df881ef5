using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>The int8 kernel tests again with each vector path switched off in turn, so every path runs here.</summary>
public class Int8HardwareVariantsTests
{
    private const string Filter =
        "FullyQualifiedName~Platform.Quantization.Tests.Kernels.Int8GemmTests|FullyQualifiedName~Platform.Quantization.Tests.Kernels.Int8ConvTests|FullyQualifiedName~Int8HardwareVariantsTests.Path_follows";

    [Theory]
    [InlineData("DOTNET_EnableHWIntrinsic=0")]
    [InlineData("DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0")]
    [InlineData("DOTNET_EnableAVXVNNI=0")]
    [InlineData("DOTNET_EnableAVXVNNI=0;DOTNET_EnableAVX512=0")]
    [InlineData("DOTNET_EnableAVX2=0")]
    public void Int8_tests_pass_with(string knobs)
    {
        if (HardwareIntrinsicsVariants.InChild) return;
        HardwareIntrinsicsVariants.Run(Filter, knobs);
    }

    /// <summary>In a child: proves the knobs took effect, so the re-run really exercised another path.</summary>
    [Fact]
    public void Path_follows_the_capabilities()
    {
        var expected = AvxVnni.IsSupported ? "AvxVnni" : Avx512BW.IsSupported ? "Avx512BW" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "Scalar";
        Assert.Equal(expected, Int8GemmKernels.Path.ToString());
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0") Assert.Equal(Int8GemmKernels.KernelPath.Scalar, Int8GemmKernels.Path);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVXVNNI") == "0") Assert.NotEqual(Int8GemmKernels.KernelPath.AvxVnni, Int8GemmKernels.Path);
    }
}
