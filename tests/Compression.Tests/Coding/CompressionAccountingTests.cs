using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class CompressionAccountingTests
{
    [Fact]
    public void The_ratio_of_a_tiny_model_matches_the_hand_count()
    {
        var report = CompressionAccounting.Measure(FqzFileTests.TinyModel(), CodingMode.Paper);
        // Dense: 4 weights + 2 float values at 4 bytes. File: 19 header + 38 layer + 12 float tensor (see FqzFileTests).
        Assert.Equal(24, report.DenseBytes);
        Assert.Equal(69, report.CompressedBytes);
        Assert.Equal(24.0 / 69.0, report.CompressionRatio, 12);
        Assert.Equal(32.0 * 69 / 24, report.BitsPerParameter, 12);
    }

    [Fact]
    public void The_compressed_size_is_the_real_length_of_the_file_in_each_mode()
    {
        var model = FqzFileTests.TinyModel();
        var reports = CompressionAccounting.MeasureAllModes(model);
        Assert.Equal([CodingMode.Paper, CodingMode.ContextArithmetic], reports.Select(r => r.Mode));
        foreach (var report in reports)
        {
            Assert.Equal(FqzFile.ToBytes(model, report.Mode).Length, report.CompressedBytes);
            Assert.Equal(report.CompressedBytes, report.Breakdown.TotalBytes);
        }
        // The arithmetic coder stores no table: one length byte instead of two bytes.
        Assert.Equal(1, reports[1].Breakdown.Layers[0].TableBytes);
    }
}
