namespace Platform.Quantization.Pipeline;

/// <summary>Where a pipeline run is: a stage name ("load", "calibrate", "quantize", "evaluate", "measure", "done") and the whole run's fraction done.</summary>
public readonly record struct PipelineProgress(string Stage, double Fraction);
