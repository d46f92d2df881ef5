using MassTransit;
using Platform.Contracts.Messages;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>Stands in for the web app's event consumers: records what the worker published.</summary>
public sealed class EventCollector(BusEvents events) : IConsumer<JobProgressed>, IConsumer<JobSucceeded>, IConsumer<JobFailed>
{
    public Task Consume(ConsumeContext<JobProgressed> context) { events.Add(context.Message); return Task.CompletedTask; }
    public Task Consume(ConsumeContext<JobSucceeded> context) { events.Add(context.Message); return Task.CompletedTask; }
    public Task Consume(ConsumeContext<JobFailed> context) { events.Add(context.Message); return Task.CompletedTask; }
}
