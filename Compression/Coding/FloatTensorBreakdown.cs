namespace FocusedQuantization.Compression.Coding;

/// <summary>Bytes one float tensor takes in an .fqz file: name, shape and 4 bytes per value.</summary>
public sealed record FloatTensorBreakdown(string Name, long ValueCount, long Bytes);
