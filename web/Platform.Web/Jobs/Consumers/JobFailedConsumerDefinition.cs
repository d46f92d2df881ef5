using MassTransit;

namespace Platform.Web.Jobs.Consumers;

/// <summary>Bounded concurrency (each message is a short UPDATE or read) and a few quick retries for a database blip.</summary>
public sealed class JobFailedConsumerDefinition : ConsumerDefinition<JobFailedConsumer>
{
    public JobFailedConsumerDefinition(JobsOptions options) => ConcurrentMessageLimit = options.EventConcurrency;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<JobFailedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000));
}
