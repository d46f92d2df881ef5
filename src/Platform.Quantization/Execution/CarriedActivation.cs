namespace Platform.Quantization.Execution;

/// <summary>
/// An activation that travels as u8 codes from an int8 layer to int8 consumers: the producer's epilogue requantizes
/// with the consumers' input parameters; <see cref="Via"/> lists the nodes between (Relu, MaxPool, Flatten, Reshape).
/// </summary>
public sealed record CarriedActivation(string Producer, IReadOnlyList<string> Consumers, IReadOnlyList<string> Via);
