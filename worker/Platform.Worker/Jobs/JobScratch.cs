using Platform.Data.Artifacts;

namespace Platform.Worker.Jobs;

/// <summary>
/// A job's private folder on local disk: the model and data sets are streamed into it from the artifact
/// store (the engine reads files), the quantized model is written there, and all of it is deleted at the end.
/// Files are named after the model and data sets, so engine messages that quote a file name make sense to the user.
/// </summary>
public sealed class JobScratch : IDisposable
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public string Directory { get; }

    private JobScratch(string directory) => Directory = directory;

    /// <summary>
    /// This worker's own folder under the scratch root. Workers on one machine share the root, so each
    /// only ever deletes inside its own folder.
    /// </summary>
    public static string WorkerRoot(string root, string workerId) =>
        Path.Combine(root, string.Concat(workerId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')));

    /// <summary>
    /// Removes what a previous run of this worker id left behind when it was killed mid-job (a container
    /// restarted under the same host name and pid). Called at start, before any job runs.
    /// </summary>
    public static void CleanLeftovers(string workerRoot)
    {
        try
        {
            if (System.IO.Directory.Exists(workerRoot)) System.IO.Directory.Delete(workerRoot, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not fatal: each job gets a fresh folder anyway.
        }
    }

    public static JobScratch Create(string root, Guid jobId)
    {
        var dir = Path.Combine(root, $"{jobId:N}-{Guid.NewGuid():N}"[..45]);
        System.IO.Directory.CreateDirectory(dir);
        return new JobScratch(dir);
    }

    /// <summary>Copies an artifact to a file named after <paramref name="displayName"/> with <paramref name="extension"/>, one chunk at a time.</summary>
    public async Task<string> StageAsync(ArtifactStore store, string sha256, string displayName, string extension, CancellationToken ct)
    {
        string path = Path.Combine(Directory, UniqueFileName(displayName, extension));
        await using var source = await store.OpenReadAsync(sha256, ct);
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await source.CopyToAsync(target, 1 << 20, ct);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Engine messages quote staged paths: give the user the file name, not our temp folder.</summary>
    public string Unroot(string message) => message.Replace(Directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    private string UniqueFileName(string displayName, string extension)
    {
        var chars = displayName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        string stem = new string(chars).Trim('.');
        if (stem.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) stem = stem[..^extension.Length];
        if (stem.Length == 0) stem = "artifact";
        if (stem.Length > 100) stem = stem[..100];
        string name = stem + extension;
        for (int i = 2; !_names.Add(name); i++) name = $"{stem}-{i}{extension}";
        return name;
    }

    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open elsewhere; the next start of the worker does not depend on it.
        }
    }
}
