namespace Platform.Web.Tests.Sweeps;

/// <summary>The web app with its Hangfire server on and every sweep due each second, on the in-memory bus.</summary>
public sealed class HangfireAppFixture : SweepsAppFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Platform:Sweeps:Enabled"] = "true",
        ["Platform:Sweeps:RetentionInterval"] = "00:00:01",
        ["Platform:Sweeps:ArtifactRetentionHours"] = "0",
        ["Platform:Sweeps:DispatchInterval"] = "00:00:01",
        ["Platform:Sweeps:ReaperInterval"] = "00:00:01",
        ["Platform:Sweeps:PollInterval"] = "00:00:01",
    };
}
