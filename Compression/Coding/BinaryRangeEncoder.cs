namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// A binary arithmetic (range) coder with a 32-bit range and byte-wise output with carry propagation, coding each
/// decision with the probability of an <see cref="AdaptiveBitModel"/>.
/// </summary>
public sealed class BinaryRangeEncoder
{
    private const uint TopValue = 1u << 24;
    private readonly MemoryStream _output = new();
    private ulong _low;
    private uint _range = uint.MaxValue;
    private byte _cache;
    private long _cacheSize = 1;
    private bool _firstByte = true;
    private bool _finished;

    /// <summary>Codes <paramref name="bit"/> (0 or 1) with <paramref name="model"/>'s probability, then updates the model.</summary>
    public void Encode(ref AdaptiveBitModel model, int bit)
    {
        if (_finished) throw new InvalidOperationException("The encoder has already been finished.");
        var bound = (_range >> 16) * model.ProbabilityOfZero16;
        if (bit == 0) _range = bound;
        else
        {
            _low += bound;
            _range -= bound;
        }
        model.Update(bit);
        while (_range < TopValue)
        {
            _range <<= 8;
            ShiftLow();
        }
    }

    /// <summary>Flushes the coder and returns the coded bytes.</summary>
    public byte[] Finish()
    {
        if (!_finished)
        {
            // Any value in [low, low + range) decodes the same; range >= 2^24, so one exists whose low 24 bits are
            // zero. Trailing zero bytes are then dropped: the decoder reads zeros past the end.
            _low = (_low + 0xFFFFFFu) & ~0xFFFFFFUL;
            for (var i = 0; i < 5; i++) ShiftLow();
            _finished = true;
        }
        var bytes = _output.GetBuffer().AsSpan(0, (int)_output.Length);
        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] == 0) length--;
        return bytes[..length].ToArray();
    }

    private void ShiftLow()
    {
        if ((uint)_low < 0xFF000000u || (_low >> 32) != 0)
        {
            var carry = (byte)(_low >> 32);
            var pending = _cache;
            do
            {
                Emit((byte)(pending + carry));
                pending = 0xFF;
            } while (--_cacheSize != 0);
            _cache = (byte)(_low >> 24);
        }
        _cacheSize++;
        _low = (_low & 0x00FFFFFFu) << 8;
    }

    private void Emit(byte value)
    {
        // The very first byte is always 0 (low starts below 2^32), so it carries no information.
        if (_firstByte)
        {
            _firstByte = false;
            return;
        }
        _output.WriteByte(value);
    }
}
