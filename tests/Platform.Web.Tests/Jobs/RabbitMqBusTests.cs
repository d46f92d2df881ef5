using System.Net;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data.Entities;
using Platform.Data.Jobs;

namespace Platform.Web.Tests.Jobs;

/// <summary>The same paths as on the in-memory bus, through a real broker: command out, events in, readiness.</summary>
[Trait("Services", "RabbitMQ")]
public sealed class RabbitMqBusTests(RabbitMqWebAppFixture app) : IClassFixture<RabbitMqWebAppFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Over_RabbitMQ_the_command_reaches_its_queue_progress_comes_back_and_ready_is_200()
    {
        var bus = app.Services.GetRequiredService<IBus>();
        var busControl = app.Services.GetRequiredService<IBusControl>();
        Assert.Equal(BusHealthStatus.Healthy, await busControl.WaitForHealthStatus(BusHealthStatus.Healthy, Wait));
        var ready = await app.Client().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var data = await JobTestData.CreateAsync(app, "rabbit-team");
        await using var cpu = await QueueProbe.StartAsync(bus, "quantize-cpu");
        var response = await data.SubmitAsync(data.Job("cpu"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (await response.JsonAsync()).GetProperty("id").GetGuid();
        await cpu.WaitForAsync(jobId, Wait);
        Assert.Equal("Dispatched", await app.Database.ScalarAsync<string>("SELECT status FROM platform.jobs WHERE id = $1", jobId));

        await using (var db = app.Database.NewContext())
            Assert.Equal(1, await JobLeases.TryClaimAsync(db, jobId, "rabbit-worker", TimeSpan.FromMinutes(1)));
        using var probe = new ConsumedProbe<JobProgressed>(bus, m => m.Stage);
        await probe.PublishAndWaitAsync(bus, new JobProgressed(jobId, "rabbit-worker", 1, 0.4, "calibrate", DateTimeOffset.UtcNow), Wait);
        await using (var db = app.Database.NewContext())
        {
            var row = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal((JobStatus.Running, 0.4, "calibrate"), (row.Status, row.Progress, row.Stage));
        }
    }
}
