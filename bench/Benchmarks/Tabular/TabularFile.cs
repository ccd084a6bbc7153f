using System.Globalization;
using FocusedQuantization.Compression.Pipeline;

namespace FocusedQuantization.Benchmarks.Tabular;

/// <summary>One configuration's figures, as a row of the tabular benchmark's CSV (NaN where a failed trial has none).</summary>
internal sealed record Row(
    TabularCommand.Config Config, int Epochs, long? EstimatedBytes, long CompressedBytes, double Cr, double ValTop1, double TestTop1,
    double DenseValTop1, double DenseTestTop1, double FineTuneSeconds, string State, IReadOnlyList<double> ValRungs, IReadOnlyList<double> TestRungs)
{
    public static Row Completed(TabularCommand.Config config, CompressionReport report, double denseValidation, double denseTest)
    {
        var epochs = report.FineTuneEpochs.Count;
        var rungs = report.Rungs.ToDictionary(r => r.Epoch);
        return new Row(config, epochs, report.EstimatedCompressedBytes, report.CompressedBytes, report.CompressionRatio,
            report.Validation!.Top1Compressed, report.Top1Compressed, denseValidation, denseTest,
            // Training time only: the rung evaluations this recording adds are not part of a trial's cost.
            report.FineTuneEpochs.Sum(e => e.Duration.TotalSeconds), "completed",
            Enumerable.Range(1, epochs).Select(e => rungs.TryGetValue(e, out var r) ? r.ValidationTop1 : double.NaN).ToArray(),
            Enumerable.Range(1, epochs).Select(e => rungs.TryGetValue(e, out var r) ? r.TestTop1 : double.NaN).ToArray());
    }

    public static Row Failed(TabularCommand.Config config, int epochs, long? estimated, double denseValidation, double denseTest) =>
        new(config, epochs, estimated, 0, double.NaN, double.NaN, double.NaN, denseValidation, denseTest, double.NaN, "failed",
            Enumerable.Repeat(double.NaN, epochs).ToArray(), Enumerable.Repeat(double.NaN, epochs).ToArray());

    public string ToCsv()
    {
        static string F(double value) => double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
        var fields = new List<string>
        {
            Config.Key,
            Epochs.ToString(CultureInfo.InvariantCulture),
            EstimatedBytes is { } e ? e.ToString(CultureInfo.InvariantCulture) : "NaN",
            State == "completed" ? CompressedBytes.ToString(CultureInfo.InvariantCulture) : "NaN",
            F(Cr), F(ValTop1), F(TestTop1), F(DenseValTop1), F(DenseTestTop1),
            double.IsNaN(FineTuneSeconds) ? "NaN" : FineTuneSeconds.ToString("F2", CultureInfo.InvariantCulture),
            State,
        };
        fields.AddRange(ValRungs.Select(F));
        fields.AddRange(TestRungs.Select(F));
        return string.Join(',', fields);
    }
}

/// <summary>The tabular benchmark's CSV: a header, then one row per configuration, appended as trials finish.</summary>
internal sealed class TabularFile(string path, int epochs)
{
    private readonly Lock _gate = new();

    public string Header =>
        "sparsity,bits,w_sep,fine_tune_lr,epochs,estimated_bytes,compressed_bytes,cr,val_top1,test_top1,dense_val_top1,dense_test_top1,finetune_seconds,state,"
        + string.Join(',', Enumerable.Range(1, epochs).Select(e => $"val_top1@{e}")) + ","
        + string.Join(',', Enumerable.Range(1, epochs).Select(e => $"test_top1@{e}"));

    /// <summary>The keys (first four fields) of the rows already recorded; writes the header when the file is new.</summary>
    public HashSet<string> ReadKeys()
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, Header + "\n");
            return [];
        }
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
            throw new InvalidDataException($"{path} does not start with the header of a {epochs}-epoch recording; move it away or pass another --out.");
        // A row cut short by a stopped recording is dropped and run again.
        var whole = lines.Skip(1).Where(l => l.Split(',').Length == Header.Split(',').Length).ToArray();
        if (whole.Length != lines.Length - 1) File.WriteAllLines(path, whole.Prepend(Header));
        return whole.Select(l => string.Join(',', l.Split(',').Take(4))).ToHashSet(StringComparer.Ordinal);
    }

    public void Append(Row row)
    {
        lock (_gate) File.AppendAllText(path, row.ToCsv() + "\n");
    }

    /// <summary>Rewrites the rows in grid order (sparsity, bits, w_sep, learning rate).</summary>
    public void Sort()
    {
        lock (_gate)
        {
            var rows = File.ReadAllLines(path).Skip(1)
                .OrderBy(l => Key(l, 0)).ThenBy(l => Key(l, 1)).ThenBy(l => Key(l, 2)).ThenBy(l => Key(l, 3)).ToArray();
            File.WriteAllLines(path, rows.Prepend(Header));
        }
    }

    private static double Key(string line, int field) => double.Parse(line.Split(',')[field], CultureInfo.InvariantCulture);
}
