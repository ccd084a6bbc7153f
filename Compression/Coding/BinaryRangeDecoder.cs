namespace FocusedQuantization.Compression.Coding;

/// <summary>Decodes what a <see cref="BinaryRangeEncoder"/> wrote, given the same sequence of models.</summary>
public sealed class BinaryRangeDecoder
{
    private const uint TopValue = 1u << 24;
    private readonly ReadOnlyMemory<byte> _input;
    private int _position;
    private uint _range = uint.MaxValue;
    private uint _code;

    /// <summary>Starts decoding <paramref name="input"/>.</summary>
    public BinaryRangeDecoder(ReadOnlyMemory<byte> input)
    {
        _input = input;
        for (var i = 0; i < 4; i++) _code = (_code << 8) | NextByte();
    }

    /// <summary>Decodes one decision with <paramref name="model"/>'s probability, then updates the model.</summary>
    public int Decode(ref AdaptiveBitModel model)
    {
        var bound = (_range >> 16) * model.ProbabilityOfZero16;
        int bit;
        if (_code < bound)
        {
            _range = bound;
            bit = 0;
        }
        else
        {
            _code -= bound;
            _range -= bound;
            bit = 1;
        }
        model.Update(bit);
        while (_range < TopValue)
        {
            _range <<= 8;
            _code = (_code << 8) | NextByte();
        }
        return bit;
    }

    // The encoder drops trailing zero bytes, so reading past the end yields zeros; the file checksum catches truncation.
    private uint NextByte() => _position < _input.Length ? _input.Span[_position++] : 0u;
}
