using System.Buffers.Binary;
using System.IO.Hashing;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// Reads and writes the compressed model file (.fqz): a header, every quantized layer's parameters, code table and
/// coded symbols, the float tensors at float32, and a CRC-32 of everything before it. Layout in docs/CODING.md.
/// </summary>
public static class FqzFile
{
    /// <summary>The four bytes every .fqz file starts with ("FQZM").</summary>
    public static ReadOnlySpan<byte> Magic => "FQZM"u8;

    /// <summary>The format version this code writes and reads.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Largest tensor rank the format accepts.</summary>
    public const int MaxRank = 8;

    /// <summary>Largest number of elements of one tensor (2^28), which bounds what a reader ever allocates for one.</summary>
    public const int MaxElementsPerTensor = 1 << 28;

    private const int ChecksumBytes = 4;

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>, coding every layer in <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentException">The model is inconsistent (shape and data lengths differ, a symbol is outside its alphabet, ...).</exception>
    public static void Write(Stream stream, CompressedModel model, CodingMode mode = CodingMode.ContextArithmetic)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(model, mode));
    }

    /// <summary>Writes <paramref name="model"/> to the file at <paramref name="path"/>, replacing it.</summary>
    public static void Write(string path, CompressedModel model, CodingMode mode = CodingMode.ContextArithmetic)
    {
        var bytes = ToBytes(model, mode);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The .fqz bytes of <paramref name="model"/>.</summary>
    public static byte[] ToBytes(CompressedModel model, CodingMode mode = CodingMode.ContextArithmetic)
    {
        Validate(model, mode);
        var w = new FqzWriter();
        w.Bytes(Magic);
        w.UInt16(FormatVersion);
        w.Byte((byte)mode);
        w.String(model.ModelName);
        var metadata = model.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        w.VarUInt((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            w.String(key);
            w.String(value);
        }

        w.VarUInt((ulong)model.Layers.Count);
        foreach (var layer in model.Layers)
        {
            var p = layer.Parameters;
            w.String(layer.Name);
            w.Shape(layer.Shape);
            w.Byte((byte)p.Mode);
            w.Byte((byte)p.Bits);
            w.VarInt(p.Bias);
            w.Single(p.MuNegative);
            w.Single(p.MuPositive);
            w.Single(p.Sigma);
            w.Single(p.Alpha);
            var coded = SymbolStreamCoder.Encode(layer.Symbols, p.SymbolCount, mode);
            w.VarUInt((ulong)coded.Table.Length);
            w.Bytes(coded.Table);
            // The exact bit count, not the byte count: the reader derives the bytes and learns the payload's true size.
            w.VarUInt((ulong)coded.PayloadBits);
            w.Bytes(coded.Payload);
        }

        w.VarUInt((ulong)model.FloatTensors.Count);
        foreach (var tensor in model.FloatTensors)
        {
            w.String(tensor.Name);
            w.Shape(tensor.Shape);
            w.Singles(tensor.Values);
        }

        var body = w.ToArray();
        var file = new byte[body.Length + ChecksumBytes];
        body.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(body.Length), Crc32.HashToUInt32(body));
        return file;
    }

    /// <summary>Reads a model written by <see cref="Write(Stream, CompressedModel, CodingMode)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static CompressedModel Read(Stream stream) => Parse(ReadAll(stream), decodeSymbols: true).Model!;

    /// <summary>Reads the model in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static CompressedModel Read(string path) => Parse(File.ReadAllBytes(path), decodeSymbols: true).Model!;

    /// <summary>Reads a model from its .fqz bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static CompressedModel FromBytes(ReadOnlyMemory<byte> bytes) => Parse(bytes, decodeSymbols: true).Model!;

    /// <summary>Where the bytes of an .fqz file go, part by part, without decoding the symbols.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static FqzBreakdown Inspect(Stream stream) => Parse(ReadAll(stream), decodeSymbols: false).Breakdown;

    /// <summary>Where the bytes of the file at <paramref name="path"/> go.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static FqzBreakdown Inspect(string path) => Parse(File.ReadAllBytes(path), decodeSymbols: false).Breakdown;

    /// <summary>Where the bytes of an .fqz image go.</summary>
    /// <exception cref="InvalidDataException">The bytes are corrupt, truncated, not an .fqz file, or of an unknown version.</exception>
    public static FqzBreakdown Inspect(ReadOnlyMemory<byte> bytes) => Parse(bytes, decodeSymbols: false).Breakdown;

    private static byte[] ReadAll(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static (CompressedModel? Model, FqzBreakdown Breakdown) Parse(ReadOnlyMemory<byte> file, bool decodeSymbols)
    {
        var fixedHeader = Magic.Length + 2 + 1;
        if (file.Length < fixedHeader + ChecksumBytes)
            throw FqzReader.Corrupt($"it is {file.Length} bytes long, shorter than the smallest possible .fqz file");
        if (!file.Span[..Magic.Length].SequenceEqual(Magic))
            throw FqzReader.Corrupt("it does not start with the .fqz magic bytes \"FQZM\" (is it an .fqz file at all?)");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(file.Span[Magic.Length..]);
        if (version != FormatVersion)
            throw FqzReader.Corrupt($"it has format version {version}, and this build reads version {FormatVersion} only (a file from a newer writer?)");
        var body = file[..^ChecksumBytes];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(file.Span[^ChecksumBytes..]);
        if (Crc32.HashToUInt32(body.Span) != stored)
            throw FqzReader.Corrupt("its CRC-32 checksum does not match its contents");

        var r = new FqzReader(body);
        r.Bytes(Magic.Length + 2, "magic and version");
        var modeByte = r.Byte("coding mode");
        if (!Enum.IsDefined((CodingMode)modeByte)) throw FqzReader.Corrupt($"coding mode {modeByte} is unknown");
        var mode = (CodingMode)modeByte;
        var modelName = r.String("model name");
        var metadataCount = r.Length("metadata entry count", r.Remaining / 2);
        var metadata = new Dictionary<string, string>(metadataCount, StringComparer.Ordinal);
        for (var i = 0; i < metadataCount; i++)
        {
            var key = r.String("metadata key");
            if (!metadata.TryAdd(key, r.String("metadata value"))) throw FqzReader.Corrupt($"metadata key \"{key}\" appears twice");
        }

        // Every layer and tensor takes at least a few bytes, which bounds the counts by what is left.
        var layerCount = r.Length("layer count", r.Remaining / 2);
        var layers = new List<QuantizedLayer>(decodeSymbols ? layerCount : 0);
        var layerParts = new List<LayerBreakdown>(layerCount);
        for (var i = 0; i < layerCount; i++)
        {
            var start = r.Position;
            var name = r.String($"name of layer {i}");
            var (shape, count) = r.Shape($"shape of layer \"{name}\"", MaxElementsPerTensor);
            var parameters = ReadParameters(r, name);
            var parameterEnd = r.Position;
            var tableLength = r.Length($"table length of layer \"{name}\"", r.Remaining);
            var table = r.Bytes(tableLength, $"code table of layer \"{name}\"");
            var tableEnd = r.Position;
            var payloadBits = r.VarUInt($"payload length of layer \"{name}\"");
            if (payloadBits > (ulong)r.Remaining * 8) throw FqzReader.Corrupt($"payload of layer \"{name}\" claims {payloadBits} bits but only {r.Remaining} bytes remain");
            var payload = r.Bytes((int)((payloadBits + 7) / 8), $"payload of layer \"{name}\"");
            layerParts.Add(new LayerBreakdown(name, count, parameterEnd - start, tableEnd - parameterEnd, r.Position - tableEnd, (long)payloadBits));
            if (!decodeSymbols) continue;
            int[] symbols;
            try
            {
                symbols = SymbolStreamCoder.Decode(table, payload, parameters.SymbolCount, count, mode);
            }
            catch (InvalidDataException e)
            {
                throw FqzReader.Corrupt($"layer \"{name}\" does not decode ({e.Message.TrimEnd('.')})");
            }
            layers.Add(new QuantizedLayer(name, shape, parameters, symbols));
        }

        var tensorCount = r.Length("float tensor count", r.Remaining / 2);
        var tensors = new List<FloatTensor>(decodeSymbols ? tensorCount : 0);
        var tensorParts = new List<FloatTensorBreakdown>(tensorCount);
        for (var i = 0; i < tensorCount; i++)
        {
            var start = r.Position;
            var name = r.String($"name of float tensor {i}");
            var (shape, count) = r.Shape($"shape of float tensor \"{name}\"", MaxElementsPerTensor);
            var values = r.Singles(count, $"values of float tensor \"{name}\"");
            tensorParts.Add(new FloatTensorBreakdown(name, count, r.Position - start));
            if (decodeSymbols) tensors.Add(new FloatTensor(name, shape, values));
        }
        if (r.Remaining != 0) throw FqzReader.Corrupt($"{r.Remaining} unexpected bytes follow the last float tensor");
        // Whatever no layer or tensor owns (magic, version, mode, name, metadata, counts, checksum) is header.
        var headerBytes = file.Length - layerParts.Sum(l => l.TotalBytes) - tensorParts.Sum(t => t.Bytes);
        var breakdown = new FqzBreakdown(mode, headerBytes, layerParts, tensorParts, file.Length);
        var model = decodeSymbols ? new CompressedModel(modelName, layers, tensors, metadata) : null;
        return (model, breakdown);
    }

    private static LayerQuantization ReadParameters(FqzReader r, string name)
    {
        var modeByte = r.Byte($"quantization mode of layer \"{name}\"");
        if (!Enum.IsDefined((QuantizationMode)modeByte)) throw FqzReader.Corrupt($"quantization mode {modeByte} of layer \"{name}\" is unknown");
        var bits = r.Byte($"bit width of layer \"{name}\"");
        if (bits is < LayerQuantization.MinBits or > LayerQuantization.MaxBits)
            throw FqzReader.Corrupt($"bit width {bits} of layer \"{name}\" is outside {LayerQuantization.MinBits}..{LayerQuantization.MaxBits}");
        var bias = r.VarInt32($"bias of layer \"{name}\"");
        return new LayerQuantization(
            (QuantizationMode)modeByte, bits, bias,
            r.Single($"mu- of layer \"{name}\""),
            r.Single($"mu+ of layer \"{name}\""),
            r.Single($"sigma of layer \"{name}\""),
            r.Single($"alpha of layer \"{name}\""));
    }

    private static void Validate(CompressedModel model, CodingMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown coding mode.");
        ArgumentNullException.ThrowIfNull(model.ModelName, "model.ModelName");
        foreach (var (key, value) in model.Metadata)
            if (value is null) throw new ArgumentException($"Metadata entry \"{key}\" has no value.", nameof(model));
        foreach (var layer in model.Layers)
        {
            if (layer?.Name is null || layer.Shape is null || layer.Parameters is null || layer.Symbols is null)
                throw new ArgumentException("A quantized layer lacks its name, shape, parameters or symbols.", nameof(model));
            var count = CheckShape(layer.Shape, $"layer \"{layer.Name}\"");
            if (count != layer.Symbols.Length)
                throw new ArgumentException($"Layer \"{layer.Name}\" has shape [{string.Join(", ", layer.Shape)}] ({count} weights) but {layer.Symbols.Length} symbols.", nameof(model));
            var p = layer.Parameters;
            if (!Enum.IsDefined(p.Mode)) throw new ArgumentException($"Layer \"{layer.Name}\" has an unknown quantization mode {p.Mode}.", nameof(model));
            if (p.Bits is < LayerQuantization.MinBits or > LayerQuantization.MaxBits)
                throw new ArgumentException($"Layer \"{layer.Name}\" has {p.Bits} bits; the format takes {LayerQuantization.MinBits} to {LayerQuantization.MaxBits}.", nameof(model));
            var symbolCount = p.SymbolCount;
            for (var i = 0; i < layer.Symbols.Length; i++)
                if ((uint)layer.Symbols[i] >= (uint)symbolCount)
                    throw new ArgumentException($"Layer \"{layer.Name}\" has symbol {layer.Symbols[i]} at position {i}, outside its alphabet 0..{symbolCount - 1}.", nameof(model));
        }
        foreach (var tensor in model.FloatTensors)
        {
            if (tensor?.Name is null || tensor.Shape is null || tensor.Values is null)
                throw new ArgumentException("A float tensor lacks its name, shape or values.", nameof(model));
            var count = CheckShape(tensor.Shape, $"float tensor \"{tensor.Name}\"");
            if (count != tensor.Values.Length)
                throw new ArgumentException($"Float tensor \"{tensor.Name}\" has shape [{string.Join(", ", tensor.Shape)}] ({count} values) but {tensor.Values.Length} values.", nameof(model));
        }
    }

    private static long CheckShape(int[] shape, string what)
    {
        if (shape.Length > MaxRank) throw new ArgumentException($"The {what} has rank {shape.Length}; the format takes at most {MaxRank}.");
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"The {what} has a negative dimension {d}.");
            count *= d;
            if (count > MaxElementsPerTensor) throw new ArgumentException($"The {what} has more than {MaxElementsPerTensor} elements, the format's limit.");
        }
        return count;
    }
}
