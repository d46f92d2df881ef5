namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// Runs <see cref="Int4GemmTests"/> and <see cref="HalfGemmTests"/> again in a child test process without AVX-512
/// (the Vector256 and AVX-VNNI paths) and without any hardware intrinsics (the scalar paths), since the runtime picks
/// paths once per process.
/// </summary>
public class Int4HardwareVariantsTests
{
    // .NET 10 ignores DOTNET_EnableAVX512F=0 on its own (Vector512 stays accelerated): DOTNET_EnableAVX512=0 turns AVX-512 off.
    [Theory]
    [InlineData("DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0")]
    [InlineData("DOTNET_EnableHWIntrinsic=0")]
    public void Kernel_tests_pass_with_hardware_disabled(string knobs)
    {
        if (HardwareIntrinsicsVariants.InChild) return;
        HardwareIntrinsicsVariants.Run("FullyQualifiedName~Kernels.Int4GemmTests|FullyQualifiedName~Kernels.HalfGemmTests", knobs, TimeSpan.FromMinutes(10));
    }
}
