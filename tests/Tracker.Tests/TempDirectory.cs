namespace FocusedQuantization.Tracker.Tests;

/// <summary>A fresh folder for one test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>The folder's absolute path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("fq-tracker-").FullName;

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
