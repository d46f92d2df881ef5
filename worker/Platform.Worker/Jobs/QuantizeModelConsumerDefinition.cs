using MassTransit;
using Platform.Worker.Hosting;

namespace Platform.Worker.Jobs;

/// <summary>
/// Consumer policy: as many messages at once as the worker runs jobs, and retries only for transient
/// database errors (the runner has released the job first). Bad input is never retried: the runner stores
/// it as Failed and acknowledges the message.
/// </summary>
public sealed class QuantizeModelConsumerDefinition : ConsumerDefinition<QuantizeModelConsumer>
{
    public QuantizeModelConsumerDefinition(WorkerOptions options)
    {
        ConcurrentMessageLimit = options.Concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<QuantizeModelConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(JobErrors.IsTransient);
            r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        });
    }
}
