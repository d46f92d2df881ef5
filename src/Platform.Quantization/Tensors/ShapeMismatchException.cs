namespace Platform.Quantization.Tensors;

/// <summary>Shapes that an operator cannot combine; the message names them.</summary>
public sealed class ShapeMismatchException(string message) : Exception(message);
