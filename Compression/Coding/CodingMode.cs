namespace FocusedQuantization.Compression.Coding;

/// <summary>How each layer's symbol stream is entropy coded.</summary>
public enum CodingMode
{
    /// <summary>Per-symbol canonical Huffman coding with the code lengths stored, as in the paper.</summary>
    Paper = 0,

    /// <summary>Adaptive context-modelled binary arithmetic coding, table-free and below one bit per zero; the default.</summary>
    ContextArithmetic = 1,
}
