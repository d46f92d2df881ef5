namespace Platform.Web.Tests;

/// <summary>The app with a 4 KiB upload limit, so the 413 path runs without gigabytes.</summary>
public sealed class SmallLimitWebAppFixture : WebAppFixture
{
    public const long Limit = 4096;

    protected override long? MaxBytes => Limit;
}
