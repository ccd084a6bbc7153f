namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// A canonical prefix code: codes of equal length are consecutive numbers in symbol order, and shorter codes come
/// numerically first, so the code lengths alone define the code.
/// </summary>
public sealed class CanonicalHuffmanCode
{
    private readonly byte[] _lengths;
    private readonly uint[] _codes;
    private readonly int[] _sortedSymbols;   // symbols ordered by (length, symbol)
    private readonly uint[] _firstCode;      // per length: code of its first symbol
    private readonly int[] _countOfLength;   // per length: how many symbols have it
    private readonly int[] _firstIndex;      // per length: index of its first symbol in _sortedSymbols
    private readonly int _maxLength;

    private CanonicalHuffmanCode(byte[] lengths)
    {
        _lengths = lengths;
        _maxLength = lengths.Length == 0 ? 0 : lengths.Max();
        _codes = new uint[lengths.Length];
        _countOfLength = new int[_maxLength + 2];
        _firstCode = new uint[_maxLength + 2];
        _firstIndex = new int[_maxLength + 2];
        foreach (var l in lengths)
            if (l > 0) _countOfLength[l]++;
        _sortedSymbols = Enumerable.Range(0, lengths.Length).Where(s => lengths[s] > 0)
            .OrderBy(s => lengths[s]).ThenBy(s => s).ToArray();

        uint code = 0;
        var index = 0;
        for (var l = 1; l <= _maxLength; l++)
        {
            _firstCode[l] = code;
            _firstIndex[l] = index;
            index += _countOfLength[l];
            code = (code + (uint)_countOfLength[l]) << 1;
        }
        var next = (uint[])_firstCode.Clone();
        foreach (var s in _sortedSymbols) _codes[s] = next[lengths[s]]++;
    }

    /// <summary>Number of symbols in the alphabet (used or not).</summary>
    public int SymbolCount => _lengths.Length;

    /// <summary>Code length of every symbol, 0 for symbols without a code.</summary>
    public ReadOnlySpan<byte> CodeLengths => _lengths;

    /// <summary>The code of <paramref name="symbol"/>, in its low <see cref="LengthOf"/> bits.</summary>
    public uint CodeOf(int symbol) => _codes[symbol];

    /// <summary>The code length of <paramref name="symbol"/> in bits, 0 when it has no code.</summary>
    public int LengthOf(int symbol) => _lengths[symbol];

    /// <summary>Builds the optimal code for the given symbol frequencies with codes of at most <paramref name="maxLength"/> bits.</summary>
    public static CanonicalHuffmanCode FromFrequencies(ReadOnlySpan<long> frequencies, int maxLength = HuffmanCodeLengths.DefaultMaxLength) =>
        new(HuffmanCodeLengths.Compute(frequencies, maxLength));

    /// <summary>Rebuilds a code from its lengths; they must form a complete prefix code (or a lone 1-bit code, or no code at all).</summary>
    /// <exception cref="ArgumentException">The lengths do not form such a code.</exception>
    public static CanonicalHuffmanCode FromCodeLengths(ReadOnlySpan<byte> lengths)
    {
        var problem = CheckLengths(lengths);
        if (problem is not null) throw new ArgumentException(problem, nameof(lengths));
        return new CanonicalHuffmanCode(lengths.ToArray());
    }

    /// <summary>Appends the code of <paramref name="symbol"/>.</summary>
    public void Encode(int symbol, BitWriter writer)
    {
        if ((uint)symbol >= (uint)_lengths.Length || _lengths[symbol] == 0)
            throw new ArgumentException($"Symbol {symbol} has no code in this table.", nameof(symbol));
        writer.Write(_codes[symbol], _lengths[symbol]);
    }

    /// <summary>Reads one symbol.</summary>
    /// <exception cref="InvalidDataException">The bits match no code or run out: the data is corrupt or truncated.</exception>
    public int Decode(BitReader reader)
    {
        uint code = 0;
        for (var l = 1; l <= _maxLength; l++)
        {
            code = (code << 1) | (uint)reader.ReadBit();
            var offset = code - _firstCode[l];
            if (offset < (uint)_countOfLength[l]) return _sortedSymbols[_firstIndex[l] + (int)offset];
        }
        throw new InvalidDataException("A Huffman code in the stream matches no symbol of its table: the data is corrupt.");
    }

    /// <summary>
    /// Writes the code lengths compactly: per symbol, relative to the previous length, '0' = same, '10' = one longer,
    /// '110' = one shorter, '111' then 5 bits = the length itself.
    /// </summary>
    public void WriteTable(BitWriter writer)
    {
        var previous = 0;
        foreach (var l in _lengths)
        {
            if (l == previous) writer.Write(0b0, 1);
            else if (l == previous + 1) writer.Write(0b10, 2);
            else if (l == previous - 1) writer.Write(0b110, 3);
            else
            {
                writer.Write(0b111, 3);
                writer.Write(l, 5);
            }
            previous = l;
        }
    }

    /// <summary>Reads a table written by <see cref="WriteTable"/> for an alphabet of <paramref name="symbolCount"/> symbols.</summary>
    /// <exception cref="InvalidDataException">The table is cut short or is not a valid code: the data is corrupt or truncated.</exception>
    public static CanonicalHuffmanCode ReadTable(BitReader reader, int symbolCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(symbolCount);
        var lengths = new byte[symbolCount];
        var previous = 0;
        for (var s = 0; s < symbolCount; s++)
        {
            int l;
            if (reader.ReadBit() == 0) l = previous;
            else if (reader.ReadBit() == 0) l = previous + 1;
            else if (reader.ReadBit() == 0) l = previous - 1;
            else l = (int)reader.Read(5);
            if (l is < 0 or > HuffmanCodeLengths.MaxSupportedLength)
                throw new InvalidDataException($"Huffman table gives symbol {s} the length {l}: the data is corrupt.");
            lengths[s] = (byte)l;
            previous = l;
        }
        var problem = CheckLengths(lengths);
        if (problem is not null) throw new InvalidDataException($"{problem}: the data is corrupt.");
        return new CanonicalHuffmanCode(lengths);
    }

    private static string? CheckLengths(ReadOnlySpan<byte> lengths)
    {
        // Kraft sum scaled by 2^MaxSupportedLength: a complete code sums to exactly that.
        long kraft = 0;
        var used = 0;
        foreach (var l in lengths)
        {
            if (l == 0) continue;
            if (l > HuffmanCodeLengths.MaxSupportedLength) return $"Code length {l} exceeds {HuffmanCodeLengths.MaxSupportedLength}";
            kraft += 1L << (HuffmanCodeLengths.MaxSupportedLength - l);
            used++;
        }
        if (used == 0) return null;
        if (used == 1) return kraft == 1L << (HuffmanCodeLengths.MaxSupportedLength - 1) ? null : "A lone code must be 1 bit long";
        return kraft == 1L << HuffmanCodeLengths.MaxSupportedLength ? null : "Huffman code lengths do not form a complete prefix code";
    }
}
