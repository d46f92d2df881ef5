using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Integration.Tests.Harness;

/// <summary>
/// The platform as deployed, scaled down to one test class: a fresh migrated database and a fresh RabbitMQ
/// vhost on the shared services, the real web app in memory (RabbitMQ transport, Hangfire sweeps on short
/// intervals), and workers as separate OS processes started on demand. Disposing kills the workers, stops the
/// app and drops the database and the vhost.
/// </summary>
public class PlatformHarness : IAsyncLifetime
{
    public const string AdminToken = "qp_integration-bootstrap-admin-token";

    private readonly List<WorkerProcess> _workers = [];
    private WebApplicationFactory<Program>? _factory;
    private int _workerCount;

    public PostgresDatabase Database { get; } = new();
    public RabbitVirtualHost Rabbit { get; } = new();
    public LogCollector WebLog { get; } = new();

    /// <summary>A worker's lease and heartbeat: short, so a killed worker's job is reaped within seconds.</summary>
    public virtual TimeSpan Lease => TimeSpan.FromSeconds(3);
    public virtual TimeSpan Heartbeat => TimeSpan.FromSeconds(1);

    /// <summary>Artifacts:MaxBytes of the web app, or null for its default.</summary>
    protected virtual long? MaxBytes => null;

    /// <summary>
    /// What the web app is configured with beyond the database, the token and the bus: sweeps every second (a
    /// reaped job is sent again within seconds), a short send timeout (a submission during a broker outage answers
    /// at once and leaves the job Pending for the dispatch sweep).
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> WebSettings =>
    [
        new("Platform:Sweeps:DispatchInterval", "00:00:01"),
        new("Platform:Sweeps:ReaperInterval", "00:00:01"),
        new("Platform:Sweeps:PollInterval", "00:00:01"),
        new("Platform:Sweeps:PendingGrace", "00:00:01"),
        new("Platform:Sweeps:ClaimTimeout", "00:00:20"),
        new("Platform:Sweeps:SendTimeout", "00:00:05"),
        new("Platform:Jobs:MaxAttempts", "3"),
        new("Platform:Jobs:DispatchTimeout", "00:00:02"),
    ];

    public IReadOnlyList<WorkerProcess> Workers => _workers;

    public virtual async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Rabbit.InitializeAsync());
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Platform", Database.ConnectionString);
            b.UseSetting("Platform:AdminToken", AdminToken);
            b.UseSetting("Platform:Bus:Transport", "RabbitMq");
            b.UseSetting("Platform:Bus:RabbitUri", Rabbit.Uri.ToString());
            if (MaxBytes is { } max) b.UseSetting("Artifacts:MaxBytes", max.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in WebSettings) b.UseSetting(key, value);
            // The console gets what a person reads when a test fails, not every SQL statement of every sweep.
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Logging:LogLevel:Platform", "Information");
            // Its reconnect attempts while the broker is down would fill the console with one warning a second.
            b.UseSetting("Logging:LogLevel:MassTransit", "Error");
            b.ConfigureLogging(l => l.AddProvider(WebLog));
        });
        // The server (and with it the bus and Hangfire) starts on first use; start it now so the sweeps run.
        using var client = _factory.CreateClient();
        using var live = await client.GetAsync("/health/live");
        live.EnsureSuccessStatusCode();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        _workers.Clear();
        if (_factory is not null) await _factory.DisposeAsync();
        await Rabbit.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await Database.DisposeAsync();
    }

    public HttpClient Client(string? token = null)
    {
        var client = _factory!.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public PlatformApi Api(string token) => new(Client(token));

    /// <summary>Creates a team through the admin API and returns a fresh non-admin token of it.</summary>
    public async Task<string> NewTeamTokenAsync(string team)
    {
        using var admin = Client(AdminToken);
        var created = await admin.PostAsJsonAsync("/api/v1/teams", new { name = team });
        Assert.True(created.IsSuccessStatusCode, $"POST /api/v1/teams answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var teamId = (await PlatformApi.JsonOfAsync(created)).GetProperty("id").GetGuid();
        var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { teamId, isAdmin = false });
        Assert.True(token.IsSuccessStatusCode, $"POST /api/v1/tokens answered {(int)token.StatusCode}: {await token.Content.ReadAsStringAsync()}");
        return (await PlatformApi.JsonOfAsync(token)).GetProperty("token").GetString()!;
    }

    /// <summary>The environment a worker process gets: this class's database and vhost, the short lease.</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment => new Dictionary<string, string>
    {
        ["ConnectionStrings__Platform"] = Database.ConnectionString,
        ["QPLAT_PG"] = Database.ConnectionString,
        ["Platform__Bus__Transport"] = "RabbitMq",
        ["Platform__Bus__RabbitUri"] = Rabbit.Uri.ToString(),
        ["QPLAT_RABBIT"] = Rabbit.Uri.ToString(),
        ["Platform__Worker__LeaseSeconds"] = Lease.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["Platform__Worker__HeartbeatSeconds"] = Heartbeat.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>
    /// Starts one more CPU worker process, with <paramref name="settings"/> over <see cref="WorkerEnvironment"/>;
    /// the harness kills it at the end if the test did not.
    /// </summary>
    public WorkerProcess StartWorker(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(WorkerEnvironment);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var worker = WorkerProcess.Start($"w{++_workerCount}", environment);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>A running worker of this harness, started if there is none.</summary>
    public WorkerProcess EnsureWorker() => _workers.FirstOrDefault(w => !w.HasExited) ?? StartWorker();

    /// <summary>Kills every worker this harness started, so a test begins with none running.</summary>
    public async Task StopWorkersAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        _workers.Clear();
    }

    /// <summary>Everything that helps read a failure: the jobs table, the workers' output, the web app's warnings.</summary>
    public string Diagnostics()
    {
        var sb = new StringBuilder();
        try
        {
            using var conn = new NpgsqlConnection(Database.ConnectionString);
            conn.Open();
            using var cmd = new NpgsqlCommand(
                "SELECT id, status, attempt, coalesce(stage, ''), coalesce(lease_owner, ''), coalesce(error, '') FROM platform.jobs ORDER BY created_at", conn);
            using var r = cmd.ExecuteReader();
            sb.AppendLine("---- jobs (id, status, attempt, stage, lease owner, error) ----");
            while (r.Read())
                sb.AppendLine($"{r.GetGuid(0)} {r.GetString(1)} {r.GetInt32(2)} '{r.GetString(3)}' '{r.GetString(4)}' {r.GetString(5)}");
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            sb.AppendLine($"(jobs table unreadable: {e.Message})");
        }
        foreach (var w in _workers) sb.Append(w.Output);
        sb.AppendLine("---- web app log (warnings, errors, Platform.*) ----").AppendLine(WebLog.Text);
        return sb.ToString();
    }

    /// <summary>Polls GET /jobs/{id} until the job reaches <paramref name="status"/> (failing early when it ends otherwise).</summary>
    public async Task<Platform.Contracts.Api.JobResponse> WaitForJobAsync(PlatformApi api, Guid jobId, Platform.Contracts.JobStatus status, TimeSpan timeout)
    {
        var job = await Eventually.UntilAsync(
            $"job {jobId} to be {status}",
            () => api.GetJobAsync(jobId),
            j => j.Status == status || IsFinal(j.Status),
            timeout,
            j => j is null ? "nothing" : $"{j.Status} attempts {j.Attempts} stage '{j.Stage}' progress {j.Progress:F2} error '{j.Error}'",
            Diagnostics,
            TimeSpan.FromMilliseconds(50));
        Assert.True(job.Status == status, $"job {jobId} ended {job.Status} (attempts {job.Attempts}, error '{job.Error}') instead of {status}\n{Diagnostics()}");
        return job;
    }

    public static bool IsFinal(Platform.Contracts.JobStatus s) =>
        s is Platform.Contracts.JobStatus.Succeeded or Platform.Contracts.JobStatus.Failed or Platform.Contracts.JobStatus.Cancelled;
}
