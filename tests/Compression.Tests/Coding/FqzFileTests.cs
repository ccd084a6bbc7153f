using System.Buffers.Binary;
using System.IO.Hashing;
using CsCheck;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class FqzFileTests
{
    private static readonly Gen<CompressedModel> Models =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int, Gen.Double[0, 1]).Select(t =>
        {
            var (layerCount, tensorCount, seed, zeros) = t;
            var random = new Random(seed);
            var layers = Enumerable.Range(0, layerCount).Select(i =>
            {
                var mode = random.Next(2) == 0 ? QuantizationMode.Shift : QuantizationMode.Recentralized;
                var parameters = new LayerQuantization(mode, random.Next(3, 9), random.Next(-3, 12),
                    -MathF.ScaleB(1, -random.Next(8)), MathF.ScaleB(1, -random.Next(8)), random.NextSingle(), 0.5f + random.NextSingle());
                int[] shape = random.Next(3) switch
                {
                    0 => [random.Next(0, 50)],
                    1 => [random.Next(1, 20), random.Next(1, 30)],
                    _ => [random.Next(1, 6), random.Next(1, 6), 3, 3],
                };
                var symbols = SparseStreams.Generate(shape.Aggregate(1, (a, b) => a * b), zeros, parameters.SymbolCount, random.Next());
                return new QuantizedLayer($"layer{i}.weight", shape, parameters, symbols);
            }).ToList();
            var tensors = Enumerable.Range(0, tensorCount).Select(i =>
            {
                var n = random.Next(0, 40);
                return new FloatTensor($"bn{i}.running_var", [n], [.. Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f)]);
            }).ToList();
            var metadata = new Dictionary<string, string> { ["seed"] = seed.ToString(), ["κ"] = "ünïcode" };
            return new CompressedModel($"model-{seed}", layers, tensors, metadata);
        });

    [Theory]
    [InlineData(CodingMode.Paper)]
    [InlineData(CodingMode.ContextArithmetic)]
    public void Reading_a_written_model_gives_back_exactly_the_same_model(CodingMode mode)
    {
        Models.Sample(model =>
        {
            var stream = new MemoryStream();
            FqzFile.Write(stream, model, mode);
            stream.Position = 0;
            AssertSameModel(model, FqzFile.Read(stream));
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void Decoded_symbols_dequantize_to_bit_identical_weights()
    {
        var model = TinyModel();
        var back = FqzFile.FromBytes(FqzFile.ToBytes(model));
        var expected = model.Layers[0].Dequantize().Select(BitConverter.SingleToInt32Bits);
        Assert.Equal(expected, back.Layers[0].Dequantize().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Writing_to_a_path_and_reading_it_back_round_trips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fqz-test-{Guid.NewGuid():N}.fqz");
        try
        {
            FqzFile.Write(path, TinyModel(), CodingMode.Paper);
            AssertSameModel(TinyModel(), FqzFile.Read(path));
            Assert.Equal(new FileInfo(path).Length, FqzFile.Inspect(path).TotalBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(CodingMode.Paper)]
    [InlineData(CodingMode.ContextArithmetic)]
    public void Any_flipped_byte_is_reported_as_a_corrupt_or_truncated_file(CodingMode mode)
    {
        var bytes = FqzFile.ToBytes(TinyModel(), mode);
        for (var i = 0; i < bytes.Length; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x10;
            var error = Assert.Throws<InvalidDataException>(() => FqzFile.FromBytes(corrupt));
            Assert.Contains("corrupt or truncated", error.Message);
        }
    }

    [Fact]
    public void Every_truncation_is_reported_as_a_corrupt_or_truncated_file()
    {
        var bytes = FqzFile.ToBytes(TinyModel());
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => FqzFile.FromBytes(bytes.AsMemory(0, length)));
            Assert.Contains("corrupt or truncated", error.Message);
        }
    }

    [Fact]
    public void A_garbage_length_behind_a_valid_checksum_is_rejected_without_a_huge_allocation()
    {
        // Header, then a layer whose shape claims 2^27 x 2^27 weights.
        var body = new List<byte>();
        body.AddRange("FQZM"u8.ToArray());
        body.AddRange([1, 0, (byte)CodingMode.ContextArithmetic, 1, (byte)'m', 0, 1, 1, (byte)'w', 2]);
        body.AddRange(VarUInt(1UL << 27));
        body.AddRange(VarUInt(1UL << 27));
        body.AddRange(new byte[40]);
        var error = Assert.Throws<InvalidDataException>(() => FqzFile.FromBytes(WithChecksum(body)));
        Assert.Contains("corrupt or truncated", error.Message);
        Assert.Contains("elements", error.Message);

        // A layer count of 2^40.
        body = [.. "FQZM"u8.ToArray(), 1, 0, 1, 1, (byte)'m', 0, .. VarUInt(1UL << 40), 0, 0];
        error = Assert.Throws<InvalidDataException>(() => FqzFile.FromBytes(WithChecksum(body)));
        Assert.Contains("layer count", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_fqz_file_says_so()
    {
        var error = Assert.Throws<InvalidDataException>(() => FqzFile.FromBytes("PK\x03\x04 not a model at all"u8.ToArray()));
        Assert.Contains("magic", error.Message);
    }

    [Theory]
    [InlineData(CodingMode.Paper)]
    [InlineData(CodingMode.ContextArithmetic)]
    public void The_breakdown_adds_up_to_the_file_length(CodingMode mode)
    {
        Models.Sample(model =>
        {
            var bytes = FqzFile.ToBytes(model, mode);
            var parts = FqzFile.Inspect(bytes);
            Assert.Equal(bytes.Length, parts.TotalBytes);
            Assert.Equal(parts.TotalBytes, parts.HeaderBytes + parts.Layers.Sum(l => l.TotalBytes) + parts.FloatTensorBytes);
            Assert.Equal(model.Layers.Select(l => (long)l.Symbols.Length), parts.Layers.Select(l => l.WeightCount));
            Assert.Equal(model.FloatTensors.Select(t => t.Name), parts.FloatTensors.Select(t => t.Name));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void The_breakdown_of_a_tiny_model_matches_the_layout_counted_by_hand()
    {
        var parts = FqzFile.Inspect(FqzFile.ToBytes(TinyModel(), CodingMode.Paper));
        // Magic 4, version 2, mode 1, name "tiny" 1 + 4, metadata count 1, layer count 1, tensor count 1, CRC 4.
        Assert.Equal(19, parts.HeaderBytes);
        var layer = Assert.Single(parts.Layers);
        // Name "conv.weight" 1 + 11, rank 1, dims 1 + 1, mode 1, bits 1, bias 1, four float32 16.
        Assert.Equal(34, layer.ParameterBytes);
        // Lengths 1, 1, 0, 0, 0 -> '10' '0' '110' '0' '0' = 8 bits: 1 length byte + 1 byte.
        Assert.Equal(2, layer.TableBytes);
        // Symbols 0, 0, 1, 0 with codes 0 and 1 -> 4 bits: 1 length byte + 1 byte.
        Assert.Equal((4, 2), (layer.PayloadBits, layer.PayloadBytes));
        // Name 1 + 1, rank 1, dim 1, two float32 8.
        Assert.Equal(12, Assert.Single(parts.FloatTensors).Bytes);
        Assert.Equal(19 + 38 + 12, parts.TotalBytes);
    }

    [Fact]
    public void An_inconsistent_model_is_refused_with_a_message_naming_the_layer()
    {
        var model = TinyModel();
        var badShape = model with { Layers = [model.Layers[0] with { Shape = [3, 2] }] };
        Assert.Contains("conv.weight", Assert.Throws<ArgumentException>(() => FqzFile.ToBytes(badShape)).Message);
        var badSymbol = model with { Layers = [model.Layers[0] with { Symbols = [0, 0, 5, 0] }] };
        Assert.Contains("outside its alphabet", Assert.Throws<ArgumentException>(() => FqzFile.ToBytes(badSymbol)).Message);
        var badTensor = model with { FloatTensors = [new FloatTensor("b", [3], [1f])] };
        Assert.Contains("\"b\"", Assert.Throws<ArgumentException>(() => FqzFile.ToBytes(badTensor)).Message);
    }

    /// <summary>One 3-bit shift layer of 2 x 2 weights (5 symbols) and one float tensor of 2 values.</summary>
    internal static CompressedModel TinyModel() => new(
        "tiny",
        [new QuantizedLayer("conv.weight", [2, 2], new LayerQuantization(QuantizationMode.Shift, 3, 0, 0f, 0f, 1f, 0.75f), [0, 0, 1, 0])],
        [new FloatTensor("b", [2], [0.5f, -2f])],
        new Dictionary<string, string>());

    private static void AssertSameModel(CompressedModel expected, CompressedModel actual)
    {
        Assert.Equal(expected.ModelName, actual.ModelName);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key), actual.Metadata.OrderBy(p => p.Key));
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        foreach (var (e, a) in expected.Layers.Zip(actual.Layers))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.Parameters, a.Parameters);
            Assert.Equal(e.Symbols, a.Symbols);
        }
        Assert.Equal(expected.FloatTensors.Count, actual.FloatTensors.Count);
        foreach (var (e, a) in expected.FloatTensors.Zip(actual.FloatTensors))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.Values.Select(BitConverter.SingleToInt32Bits), a.Values.Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static byte[] VarUInt(ulong value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7) bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static byte[] WithChecksum(List<byte> body)
    {
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(body.ToArray()));
        return [.. body, .. crc];
    }
}
