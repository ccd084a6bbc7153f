using System.Globalization;

namespace FocusedQuantization.Benchmarks.Search.Problems;

/// <summary>One recorded configuration of the tabular benchmark (a row of the CSV; see /work/wt/PLAN.md's format).</summary>
public sealed record TabularRow(
    IReadOnlyList<double> Config,
    bool Completed,
    int Epochs,
    double EstimatedBytes,
    double CompressedBytes,
    double Cr,
    double ValTop1,
    double DenseValTop1,
    double FinetuneSeconds,
    IReadOnlyList<double> ValTop1At)
{
    /// <summary>The dense model's size in bytes, as this row's figures give it (cr x compressed bytes; NaN for a failed row).</summary>
    public double DenseBytes => Cr * CompressedBytes;
}

/// <summary>
/// The recorded LeNet-5 trials: the configuration columns are those before <c>epochs</c> (sparsity, bits, w_sep,
/// fine_tune_lr today), then the figures, then val_top1@1..E and test_top1@1..E. Lines starting with '#' are comments.
/// </summary>
public sealed class TabularData
{
    private TabularData(string path, IReadOnlyList<string> configColumns, IReadOnlyList<TabularRow> rows, int epochs)
    {
        Path = path;
        ConfigColumns = configColumns;
        Rows = rows;
        FullEpochs = epochs;
    }

    public string Path { get; }

    public IReadOnlyList<string> ConfigColumns { get; }

    public IReadOnlyList<TabularRow> Rows { get; }

    /// <summary>E: the fine-tuning epochs of a trial run to the end (the number of val_top1@e columns).</summary>
    public int FullEpochs { get; }

    /// <summary>The dense model's size (the same for every row).</summary>
    public double DenseBytes => Median([.. Rows.Where(r => r.Completed).Select(r => r.DenseBytes)]);

    /// <summary>The compression ratio known before fine-tuning: the dense size over the row's estimated bytes.</summary>
    public double EstimatedCr(TabularRow row) => DenseBytes / (row ?? throw new ArgumentNullException(nameof(row))).EstimatedBytes;

    /// <summary>The dense model's validation top-1 (the same for every row; the median of completed rows guards against a stray one).</summary>
    public double DenseValTop1 => Median([.. Rows.Where(r => r.Completed).Select(r => r.DenseValTop1)]);

    public static TabularData Load(string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count < 2) throw new InvalidDataException($"{path}: needs a header row and at least one configuration.");
        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column '{name}'.");
        var epochsColumn = Column("epochs");
        if (epochsColumn == 0) throw new InvalidDataException($"{path}: no configuration columns before 'epochs'.");
        var rungColumns = new List<int>();
        for (var e = 1; Array.IndexOf(header, $"val_top1@{e}") is var c and >= 0; e++) rungColumns.Add(c);
        if (rungColumns.Count == 0) throw new InvalidDataException($"{path}: no val_top1@1.. columns.");
        int estimated = Column("estimated_bytes"), compressed = Column("compressed_bytes"), cr = Column("cr"), val = Column("val_top1"),
            dense = Column("dense_val_top1"), seconds = Column("finetune_seconds"), state = Column("state");

        var rows = new List<TabularRow>();
        foreach (var (line, number) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{path}: row {number} has {cells.Length} cells, the header {header.Length}.");
            double Number(int c) => double.Parse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture);
            var completed = cells[state].Trim() switch
            {
                "completed" => true,
                "failed" => false,
                var other => throw new InvalidDataException($"{path}: row {number} has state '{other}' (completed or failed)."),
            };
            rows.Add(new TabularRow(
                [.. Enumerable.Range(0, epochsColumn).Select(Number)], completed, (int)Number(epochsColumn), Number(estimated), Number(compressed),
                Number(cr), Number(val), Number(dense), Number(seconds), [.. rungColumns.Select(Number)]));
        }
        return new TabularData(path, header[..epochsColumn], rows, rungColumns.Count);
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
