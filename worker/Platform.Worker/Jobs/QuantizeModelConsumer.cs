using MassTransit;
using Platform.Contracts.Messages;

namespace Platform.Worker.Jobs;

/// <summary>
/// Runs a <see cref="QuantizeModel"/> command from the worker's device queue or quantize-any. Waiting for
/// a free slot comes first, so a worker never holds more claimed jobs than it can run.
/// </summary>
public sealed class QuantizeModelConsumer(QuantizeJobRunner runner, JobSlots slots) : IConsumer<QuantizeModel>
{
    public async Task Consume(ConsumeContext<QuantizeModel> context)
    {
        using var slot = await slots.AcquireAsync(context.CancellationToken);
        await runner.RunAsync(context.Message.JobId, context, context.CancellationToken);
    }
}
