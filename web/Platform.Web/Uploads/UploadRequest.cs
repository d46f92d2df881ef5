namespace Platform.Web.Uploads;

/// <summary>
/// The multipart form of an upload, for the OpenAPI document only: the endpoints read the form
/// themselves (<see cref="UploadForm"/>) so that a too-large body answers 413, not a binding 400.
/// </summary>
/// <param name="File">The file: .onnx for models, .npz for data sets.</param>
/// <param name="Name">Display name; the file name without extension when left out.</param>
public sealed record UploadRequest(IFormFile File, string? Name);
