namespace Platform.Quantization.Pipeline;

/// <summary>How the pipeline runs the quantized model for evaluation and latency.</summary>
public enum ExecutionMode
{
    /// <summary>Each layer on its format's real kernel (<see cref="Execution.QuantizedPlan"/>).</summary>
    Real,
    /// <summary>fp32 with weights dequantized and inputs quantized → dequantized: the definition the kernels are checked against.</summary>
    FakeQuant,
}
