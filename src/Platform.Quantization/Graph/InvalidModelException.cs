namespace Platform.Quantization.Graph;

/// <summary>A file or graph that is not a usable ONNX model; the message says what is wrong and where.</summary>
public sealed class InvalidModelException : Exception
{
    public InvalidModelException(string message) : base(message) { }
    public InvalidModelException(string message, Exception inner) : base(message, inner) { }
}
