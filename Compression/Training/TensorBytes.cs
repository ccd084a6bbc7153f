using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Training;

/// <summary>Writes a tensor's dtype, shape and raw bytes, and reads them back bit for bit (on the CPU).</summary>
internal static class TensorBytes
{
    private const int MaxRank = 8;

    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using var host = tensor.detach().cpu().contiguous();
        writer.Write((int)host.dtype);
        writer.Write(host.shape.Length);
        foreach (var dimension in host.shape) writer.Write(dimension);
        var bytes = host.bytes;
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static Tensor Read(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Byte or ScalarType.Int64))
            throw new InvalidDataException($"A saved tensor has the unexpected type {dtype}.");
        var rank = reader.ReadInt32();
        if (rank is < 0 or > MaxRank) throw new InvalidDataException($"A saved tensor claims rank {rank}.");
        var shape = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            shape[i] = reader.ReadInt64();
            if (shape[i] < 0) throw new InvalidDataException("A saved tensor has a negative dimension.");
        }
        var length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new InvalidDataException("A saved tensor is truncated.");
        var tensor = empty(shape, dtype).DetachFromDisposeScope();
        if (tensor.bytes.Length != length)
        {
            tensor.Dispose();
            throw new InvalidDataException($"A saved tensor of shape [{string.Join(", ", shape)}] holds {length} bytes.");
        }
        bytes.CopyTo(tensor.bytes);
        return tensor;
    }
}
