using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Web.Tests.Jobs;

/// <summary>
/// Tells when the app's consumers have finished with a message of type <typeparamref name="T"/>, so a test
/// can assert that a message was ignored without sleeping.
/// </summary>
internal sealed class ConsumedProbe<T> : IConsumeMessageObserver<T>, IDisposable where T : class
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private readonly Func<T, string> _key;
    private readonly ConnectHandle _handle;

    /// <param name="key">Identifies the message to wait for (e.g. a fresh id the test puts in it).</param>
    public ConsumedProbe(IBus bus, Func<T, string> key)
    {
        _key = key;
        _handle = bus.ConnectConsumeMessageObserver(this);
    }

    /// <summary>Publishes <paramref name="message"/> and waits until it has been consumed.</summary>
    public async Task PublishAndWaitAsync(IBus bus, T message, TimeSpan timeout)
    {
        var done = _waiting.GetOrAdd(_key(message), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await bus.Publish(message);
        await done.Task.WaitAsync(timeout);
    }

    public Task PreConsume(ConsumeContext<T> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<T> context)
    {
        if (_waiting.TryRemove(_key(context.Message), out var done)) done.TrySetResult();
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<T> context, Exception exception)
    {
        if (_waiting.TryRemove(_key(context.Message), out var done)) done.TrySetException(exception);
        return Task.CompletedTask;
    }

    public void Dispose() => _handle.Disconnect();
}
