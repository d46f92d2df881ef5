namespace Platform.Web.Sweeps;

/// <summary>Turns a sweep interval into Hangfire's cron (six fields when it needs seconds).</summary>
public static class SweepSchedule
{
    /// <summary>
    /// A cron that fires every <paramref name="interval"/>: whole seconds dividing a minute, whole minutes
    /// dividing an hour, or whole hours dividing a day, so runs stay evenly spaced across boundaries.
    /// </summary>
    public static string Cron(TimeSpan interval, string key)
    {
        if (interval.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            long seconds = interval.Ticks / TimeSpan.TicksPerSecond;
            if (seconds is > 0 and < 60 && 60 % seconds == 0)
                return seconds == 1 ? "* * * * * *" : $"*/{seconds} * * * * *";
            if (seconds % 60 == 0)
            {
                long minutes = seconds / 60;
                if (minutes < 60 && 60 % minutes == 0)
                    return minutes == 1 ? "0 * * * * *" : $"0 */{minutes} * * * *";
                if (minutes % 60 == 0)
                {
                    long hours = minutes / 60;
                    if (hours < 24 && 24 % hours == 0)
                        return hours == 1 ? "0 0 * * * *" : $"0 0 */{hours} * * *";
                    if (hours == 24) return "0 0 0 * * *";
                }
            }
        }
        throw new InvalidOperationException(
            $"{key} is {interval}; use whole seconds that divide a minute (1, 2, 5, 10, 15, 30 s), whole minutes that divide an hour, or whole hours that divide a day.");
    }
}
