namespace Platform.Web.DataSets;

/// <param name="Dtype">NumPy's dtype string as stored in the file, e.g. "&lt;f4".</param>
public sealed record DataSetArrayResponse(string Name, string Dtype, IReadOnlyList<int> Shape);
