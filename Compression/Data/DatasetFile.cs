namespace FocusedQuantization.Compression.Data;

/// <summary>One IDX file of a data set and how to check it.</summary>
/// <param name="Name">File name without ".gz", e.g. "train-images-idx3-ubyte"; on disk it may carry ".gz" or not.</param>
/// <param name="Size">Size in bytes of the decompressed file.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the decompressed file, which stays the same however it is compressed.</param>
/// <param name="GzipSha256">Lower-case hex SHA-256 of the canonical .gz download, when known; a match is accepted too.</param>
public sealed record DatasetFile(string Name, long Size, string Sha256, string? GzipSha256 = null);
