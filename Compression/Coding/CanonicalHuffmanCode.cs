using System.Buffers.Binary;
using System.Numerics;

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
    /// Reads <paramref name="symbols"/>.Length symbols from the start of <paramref name="data"/>: the same symbols and
    /// the same errors as calling <see cref="Decode"/> for each on a <see cref="BitReader"/> over <paramref name="data"/>,
    /// but table-driven: a 64-bit window of the stream is refilled once per several symbols and each code of up to
    /// 11 bits is found by one table lookup (longer codes by the canonical first-code search on the window).
    /// </summary>
    /// <exception cref="InvalidDataException">The bits match no code or run out: the data is corrupt or truncated.</exception>
    public void DecodeAll(ReadOnlyMemory<byte> data, Span<int> symbols)
    {
        var bytes = data.Span;
        var lookup = _lookup ??= BuildLookup();
        // In a sparse layer the pruned zero has the 1-bit code "0" (canonical codes start at all zeros).
        var runSymbol = _maxLength > 0 && _lengths[_sortedSymbols[0]] == 1 ? _sortedSymbols[0] : -1;
        long position = 0;
        var i = 0;
        // A window read at bit p holds at least 57 valid bits (p mod 8 <= 7), always more than the longest code.
        long fastEnd = ((long)bytes.Length - 8) * 8;
        while (i < symbols.Length && position <= fastEnd)
        {
            var shift = (int)(position & 7);
            var window = BinaryPrimitives.ReadUInt64BigEndian(bytes[(int)(position >> 3)..]) << shift;
            var valid = 64 - shift;
            while (valid >= _maxLength && i < symbols.Length)
            {
                if (runSymbol >= 0)
                {
                    // Each leading 0 bit is the whole 1-bit code "0": a run of the most frequent symbol at once.
                    var run = Math.Min(Math.Min(BitOperations.LeadingZeroCount(window), valid), symbols.Length - i);
                    if (run > 0)
                    {
                        // Runs in a sparse layer are mostly a few symbols long, too short to pay for Fill's call.
                        if (run > 16) symbols.Slice(i, run).Fill(runSymbol);
                        else for (var k = i; k < i + run; k++) symbols[k] = runSymbol;
                        i += run;
                        window = run == 64 ? 0 : window << run;
                        valid -= run;
                        position += run;
                        continue;
                    }
                }
                var entry = lookup[(int)(window >> (64 - LookupBits))];
                int length;
                if (entry != 0)
                {
                    symbols[i++] = entry >> 8;
                    length = entry & 0xFF;
                }
                else
                {
                    symbols[i++] = DecodeLong(window, out length);
                }
                window <<= length;
                valid -= length;
                position += length;
            }
        }
        if (i == symbols.Length) return;
        // The last bytes: the bit-by-bit decoder, so that running out of data fails exactly as it always has.
        var reader = new BitReader(data[(int)(position >> 3)..]);
        reader.Read((int)(position & 7));
        for (; i < symbols.Length; i++) symbols[i] = Decode(reader);
    }

    private const int LookupBits = 11;

    // Per 11-bit prefix: (symbol << 8) | length for a code of at most 11 bits that starts it, 0 when the prefix starts a
    // longer code or none. Built on first use; a race builds two equal tables, either of which is fine.
    private int[]? _lookup;

    private int[] BuildLookup()
    {
        var lookup = new int[1 << LookupBits];
        foreach (var s in _sortedSymbols)
        {
            int l = _lengths[s];
            if (l > LookupBits) continue;
            var first = (int)(_codes[s] << (LookupBits - l));
            lookup.AsSpan(first, 1 << (LookupBits - l)).Fill((s << 8) | l);
        }
        return lookup;
    }

    /// <summary>A code longer than the lookup: the canonical search on the window's leading bits.</summary>
    private int DecodeLong(ulong window, out int length)
    {
        for (var l = LookupBits + 1; l <= _maxLength; l++)
        {
            var code = (uint)(window >> (64 - l));
            var offset = code - _firstCode[l];
            if (offset < (uint)_countOfLength[l])
            {
                length = l;
                return _sortedSymbols[_firstIndex[l] + (int)offset];
            }
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
