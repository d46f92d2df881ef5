using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Quantization.Pipeline;

namespace Platform.Worker.Jobs;

/// <summary>
/// Takes the engine's progress on its own thread and sends it from another: every stage change, and within
/// a stage at most one report per interval, so a fast inner loop never floods the bus or the database.
/// A failed send is logged and dropped; progress is advisory. It also times the stages (metrics, trace events).
/// </summary>
public sealed class ProgressPump : IProgress<PipelineProgress>
{
    private readonly Channel<PipelineProgress> _channel = Channel.CreateUnbounded<PipelineProgress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<PipelineProgress, Task> _send;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private readonly Activity? _activity;
    private readonly Action<string, TimeSpan>? _stageEnded;
    private string? _stage;
    private long _lastSent;
    private long _stageStarted;

    /// <param name="stageEnded">Called with each stage's name and duration when the next one starts (and at the end).</param>
    public ProgressPump(Func<PipelineProgress, Task> send, TimeSpan interval, ILogger log, TimeProvider? clock = null,
        Action<string, TimeSpan>? stageEnded = null)
    {
        _send = send; _interval = interval; _log = log; _clock = clock ?? TimeProvider.System; _stageEnded = stageEnded;
        _activity = Activity.Current;
        _loop = Task.Run(PumpAsync);
    }

    public void Report(PipelineProgress value)
    {
        lock (_gate)
        {
            long now = _clock.GetTimestamp();
            if (value.Stage == _stage && _clock.GetElapsedTime(_lastSent, now) < _interval) return;
            if (value.Stage != _stage)
            {
                EndStage(now);
                _stageStarted = now;
                _activity?.AddEvent(new ActivityEvent("stage " + value.Stage));
            }
            _stage = value.Stage;
            _lastSent = now;
        }
        _channel.Writer.TryWrite(value);
    }

    /// <summary>Sends what is queued and stops; call it before the job's final event so progress never arrives after it.</summary>
    public async Task CompleteAsync()
    {
        if (_channel.Writer.TryComplete())
            lock (_gate) EndStage(_clock.GetTimestamp());
        await _loop;
    }

    private void EndStage(long now)
    {
        if (_stage is not null) _stageEnded?.Invoke(_stage, _clock.GetElapsedTime(_stageStarted, now));
    }

    private async Task PumpAsync()
    {
        await foreach (var p in _channel.Reader.ReadAllAsync())
        {
            try
            {
                await _send(p);
            }
            catch (Exception e)
            {
                _log.LogDebug(e, "Progress report {Stage} {Fraction:P0} not sent", p.Stage, p.Fraction);
            }
        }
    }
}
