namespace Platform.Integration.Tests.Harness;

/// <summary>The platform with a 1 MiB upload limit: the fixture model (830 KB) fits, a 413 needs no gigabytes.</summary>
public sealed class SmallUploadLimitHarness : PlatformHarness
{
    public const long Limit = 1 << 20;

    protected override long? MaxBytes => Limit;
}
