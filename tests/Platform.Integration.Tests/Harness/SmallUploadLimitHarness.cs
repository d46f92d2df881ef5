namespace Platform.Integration.Tests.Harness;

/// <summary>
/// The platform with a 1 MiB upload limit: the fixture model (830 KB) fits, a 413 needs no gigabytes.
/// Holds one team with a valid model and data set, which the bad-input cases put wrong things next to.
/// </summary>
public sealed class SmallUploadLimitHarness : PlatformHarness
{
    public const long Limit = 1 << 20;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, Guid Model, Guid Data)? _valid;

    protected override long? MaxBytes => Limit;

    /// <summary>A team token, its accepted Fashion model and a small accepted calibration set.</summary>
    public async Task<(string Token, Guid Model, Guid Data)> ValidInputsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_valid is { } v) return v;
            var token = await NewTeamTokenAsync("bad-input");
            using var api = Api(token);
            _valid = (token, await api.CreateModelAsync(FashionMnistSets.Model), await api.CreateDataSetAsync(FashionMnistSets.Calibration(64)));
            return _valid.Value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
