using TorchSharp;

namespace FocusedQuantization.Compression.Training;

/// <summary>Saves and loads a model's full state (parameters and buffers) with TorchSharp's format.</summary>
public static class Checkpoint
{
    /// <summary>Writes the state of <paramref name="module"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(torch.nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        var destination = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                Save(module, stream);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes the state of <paramref name="module"/> to <paramref name="stream"/>.</summary>
    public static void Save(torch.nn.Module module, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
    }

    /// <summary>
    /// Loads the state saved at <paramref name="path"/> into <paramref name="module"/>, which must have the same
    /// parameter and buffer names and shapes; otherwise an <see cref="InvalidDataException"/> says so.
    /// </summary>
    public static void Load(torch.nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        Load(module, stream, path);
    }

    /// <summary>Loads a state written by <see cref="Save(torch.nn.Module, Stream)"/> from <paramref name="stream"/>.</summary>
    public static void Load(torch.nn.Module module, Stream stream, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            module.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"Checkpoint '{source}' does not fit this model or is corrupt: {e.Message}", e);
        }
    }
}
