namespace FocusedQuantization.Compression.Coding;

/// <summary>What coding a stream of <paramref name="StreamLength"/> symbols costs in one mode.</summary>
public sealed record CodingCost(CodingMode Mode, long StreamLength, long TableBits, long PayloadBits)
{
    /// <summary>Table plus payload bits.</summary>
    public long TotalBits => TableBits + PayloadBits;

    /// <summary>Total bits per symbol (0 for an empty stream).</summary>
    public double BitsPerSymbol => StreamLength == 0 ? 0 : (double)TotalBits / StreamLength;
}
