namespace FocusedQuantization.Compression.Stages;

/// <summary>One file of a stage checkpoint as its manifest records it, so a load can tell a damaged file from a sound one.</summary>
/// <param name="Name">The file's name in the store.</param>
/// <param name="Bytes">Its length.</param>
/// <param name="Sha256">The SHA-256 of its content, lowercase hex.</param>
public sealed record CheckpointFile(string Name, long Bytes, string Sha256);
