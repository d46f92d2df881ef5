namespace Platform.Web.Tests.Sweeps;

/// <summary>The web app with its Hangfire server on: retention every second, the other sweeps hourly (out of the way).</summary>
public sealed class HangfireAppFixture : SweepsAppFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Platform:Sweeps:Enabled"] = "true",
        ["Platform:Sweeps:RetentionInterval"] = "00:00:01",
        ["Platform:Sweeps:ArtifactRetentionHours"] = "0",
        ["Platform:Sweeps:DispatchInterval"] = "01:00:00",
        ["Platform:Sweeps:ReaperInterval"] = "01:00:00",
        ["Platform:Sweeps:PollInterval"] = "00:00:01",
    };
}
