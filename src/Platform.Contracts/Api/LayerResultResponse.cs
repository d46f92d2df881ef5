namespace Platform.Contracts.Api;

/// <summary>One layer of a variant: the format it got and what it cost.</summary>
public sealed record LayerResultResponse(
    int Ordinal,
    string Name,
    string Op,
    string Format,
    double? SqnrDb,
    float? ActivationMin,
    float? ActivationMax,
    double? TimeMs);
