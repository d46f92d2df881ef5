using Microsoft.Extensions.Configuration;
using Platform.Web.Sweeps;

namespace Platform.Web.Tests.Sweeps;

public sealed class SweepScheduleTests
{
    [Theory]
    [InlineData("00:00:01", "* * * * * *")]
    [InlineData("00:00:10", "*/10 * * * * *")]
    [InlineData("00:01:00", "0 * * * * *")]
    [InlineData("00:05:00", "0 */5 * * * *")]
    [InlineData("01:00:00", "0 0 * * * *")]
    [InlineData("06:00:00", "0 0 */6 * * *")]
    [InlineData("1.00:00:00", "0 0 0 * * *")]
    public void Intervals_become_evenly_spaced_six_field_crons(string interval, string cron) =>
        Assert.Equal(cron, SweepSchedule.Cron(TimeSpan.Parse(interval), "key"));

    [Theory]
    [InlineData("00:00:07")]
    [InlineData("00:00:00.500")]
    [InlineData("00:07:00")]
    [InlineData("05:00:00")]
    public void Uneven_intervals_are_refused_naming_the_key(string interval)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SweepSchedule.Cron(TimeSpan.Parse(interval), "Platform:Sweeps:DispatchInterval"));
        Assert.Contains("Platform:Sweeps:DispatchInterval", e.Message);
        Assert.Contains("divide a minute", e.Message);
    }

    [Fact]
    public void Bad_sweep_settings_fail_at_start_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Sweeps:DispatchBatchSize"] = "0",
        }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => SweepOptions.From(configuration));
        Assert.Contains("Platform:Sweeps:DispatchBatchSize", e.Message);

        var attempts = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SweepOptions.MaxAttemptsKey] = "0" }).Build();
        Assert.Contains(SweepOptions.MaxAttemptsKey, Assert.Throws<InvalidOperationException>(() => SweepOptions.MaxAttempts(attempts)).Message);
    }
}
