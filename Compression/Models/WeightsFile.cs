using System.Security.Cryptography;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// A PyTorch weights file (state_dict or safetensors) and the SHA-256 of its content, its identity: a baseline made
/// from it is keyed by the hash, so other weights give another baseline and the same weights at another path the same.
/// </summary>
/// <param name="Path">The file, as an absolute path.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
public sealed record WeightsFile(string Path, string Sha256)
{
    /// <summary>Hashes the file at <paramref name="path"/>; <see cref="FileNotFoundException"/> when there is none.</summary>
    public static WeightsFile Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Weights file {path} does not exist.", full);
        return new WeightsFile(full, HashOf(full));
    }

    /// <summary>Throws <see cref="InvalidDataException"/> when the file is gone or its content is no longer the one hashed.</summary>
    public void Verify()
    {
        if (!File.Exists(Path)) throw new FileNotFoundException($"Weights file {Path} does not exist.", Path);
        if (HashOf(Path) != Sha256)
            throw new InvalidDataException($"Weights file {Path} has changed since it was named (SHA-256 {Sha256[..12]}... expected): name it again.");
    }

    private static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
