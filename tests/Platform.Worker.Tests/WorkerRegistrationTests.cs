using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Worker.Jobs;
using Platform.Worker.Tests.Infrastructure;

namespace Platform.Worker.Tests;

public sealed class WorkerRegistrationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_worker_registers_heartbeats_and_deregisters_on_a_clean_stop()
    {
        // What a killed predecessor with the same id left in its scratch folder.
        var scratchRoot = Path.Combine(Path.GetTempPath(), "qplat-worker-tests", "registration-" + Guid.NewGuid().ToString("N")[..8]);
        var leftover = Path.Combine(JobScratch.WorkerRoot(scratchRoot, "registration-test"), "stale-job", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllTextAsync(leftover, "x");

        await using var worker = await WorkerTestHost.StartAsync(database, id: "registration-test",
            settings: new Dictionary<string, string?> { ["Platform:Worker:ScratchDirectory"] = scratchRoot });
        Assert.False(File.Exists(leftover), "the predecessor's scratch files were not removed at start");

        await using var db = database.NewContext();
        var row = await db.WorkerInstances.AsNoTracking().SingleAsync(w => w.Id == "registration-test");
        Assert.Equal(DeviceClass.Cpu, row.Device);
        Assert.Equal(Environment.MachineName, row.Host);
        using var caps = JsonDocument.Parse(row.CapabilitiesJson);
        Assert.Equal(Environment.ProcessorCount, caps.RootElement.GetProperty("cores").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(caps.RootElement.GetProperty("model").GetString()));
        var isa = caps.RootElement.GetProperty("isa").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(Avx2.IsSupported, isa.Contains("Avx2"));
        Assert.Equal(Avx512F.IsSupported, isa.Contains("Avx512F"));
        Assert.Equal(AvxVnni.IsSupported, isa.Contains("AvxVnni"));

        var first = row.LastHeartbeatAt;
        await Poll.UntilAsync(async () =>
        {
            await using var fresh = database.NewContext();
            return await fresh.WorkerInstances.AnyAsync(w => w.Id == "registration-test" && w.LastHeartbeatAt > first);
        }, "a heartbeat after registration");

        await worker.StopAsync();
        Assert.False(await db.WorkerInstances.AnyAsync(w => w.Id == "registration-test"));
    }
}
