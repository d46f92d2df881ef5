namespace Platform.Quantization.Evaluation;

/// <summary>
/// A data set file (.npy, .npz, IDX) that cannot be used as it is; the message names the file and array
/// and says what is wrong, so a person can fix the upload.
/// </summary>
public sealed class InvalidDataSetException : Exception
{
    public InvalidDataSetException(string message) : base(message) { }
    public InvalidDataSetException(string message, Exception inner) : base(message, inner) { }
}
