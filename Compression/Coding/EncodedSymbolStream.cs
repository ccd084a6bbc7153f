namespace FocusedQuantization.Compression.Coding;

/// <summary>A coded symbol stream: its code table (empty for table-free coders) and payload, with their exact sizes in bits.</summary>
public sealed record EncodedSymbolStream(byte[] Table, long TableBits, byte[] Payload, long PayloadBits)
{
    /// <summary>Table plus payload bits.</summary>
    public long TotalBits => TableBits + PayloadBits;
}
