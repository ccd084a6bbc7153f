using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>
/// `fq inspect`: the per-layer breakdown and the compression ratio, from a .fqz file alone; with --eval, also the
/// test accuracy of the decoded float model and of its shift-only form.
/// </summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A compressed model (.fqz)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var eval = new Option<bool>("--eval") { Description = "Evaluate the decoded float model and its shift-only (int8 activations, shifts and adds) form on the test split; exit 1 if they differ by more than --tolerance." };
        var dataset = new Option<string?>("--dataset") { Description = "Data set to evaluate on (default: the one recorded in the file)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the data set's IDX files (default: search the Debian package path and the cache)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate only the first N test images (default: all)." };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Largest |shift-only - float| top-1 and top-5 difference, in percentage points, that passes.",
            DefaultValueFactory = _ => ShiftComparison.DefaultTolerancePercentPoints,
        };
        var offline = new Option<bool>("--offline") { Description = "Never download the data set; fail if it is not on disk." };
        var module = new Option<string?>("--module")
        {
            Description = "A .fqz made from a TorchScript module: check this module file against the SHA-256 the .fqz records (exit 2 if it differs).",
        };
        var command = new Command("inspect", "Show what a .fqz file holds: per-layer modes, parameters, coded sizes, and the compression ratio; with --eval, float against shift-only accuracy.")
        {
            file, json, eval, dataset, dataDir, testLimit, tolerance, offline,
        };
        command.Options.Add(module);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
            var evaluationOptions = new Option[] { dataset, dataDir, testLimit, tolerance, offline };
            if (!parse.GetValue(eval) && evaluationOptions.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
                throw new ArgumentException($"{stray.Name} only applies with --eval.");
            var bytes = File.ReadAllBytes(path);
            var model = FqzFile.FromBytes(bytes);
            var breakdown = FqzFile.Inspect(bytes);
            var inspection = FqzInspection.From(model, breakdown);
            var asJson = parse.GetValue(json);
            if (!asJson) WriteBreakdown(path, model, breakdown, inspection);
            if (parse.GetValue(module) is { } moduleFile)
            {
                // Loads the module only if its bytes have the recorded SHA-256; InvalidDataException (exit 2) otherwise.
                using var script = ModelState.TorchScriptOf(model, moduleFile);
                if (!asJson) AnsiConsole.MarkupLineInterpolated($"TorchScript module [bold]{script.Path}[/]: SHA-256 {script.Sha256} matches.");
            }
            else if (!asJson && model.Metadata.TryGetValue(ModelState.TorchScriptSha256Key, out var sha256))
            {
                AnsiConsole.MarkupLineInterpolated($"Made from a TorchScript module with SHA-256 {sha256}; check a file against it with --module FILE.");
            }
            if (!parse.GetValue(eval))
            {
                if (asJson) Console.WriteLine(JsonSerializer.Serialize(inspection, ReportJson.Options));
                return ExitCodes.Success;
            }

            var limit = parse.GetValue(testLimit);
            if (limit is < 1) throw new ArgumentException($"--test-limit must be at least 1, got {limit}.");
            var name = parse.GetValue(dataset)
                ?? (model.Metadata.TryGetValue(ModelState.DatasetKey, out var recorded) ? recorded : null)
                ?? throw new ArgumentException($"{path} does not record its data set; name one with --dataset ({string.Join(", ", DatasetCatalog.Names)}).");
            var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = parse.GetValue(dataDir), AllowDownload = !parse.GetValue(offline) });
            var test = await catalog.LoadAsync(name, DatasetSplit.Test, limit is { } n ? DatasetSubset.First(n) : null, cancellationToken);
            if (!asJson) AnsiConsole.MarkupLineInterpolated($"Evaluating on {test.Count:N0} images of {test.Name}...");
            var comparison = ShiftComparison.Run(model, test, parse.GetValue(tolerance));

            if (asJson) Console.WriteLine(JsonSerializer.Serialize(inspection with { Evaluation = comparison }, ReportJson.Options));
            else WriteComparison(comparison);
            if (comparison.WithinTolerance) return ExitCodes.Success;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fq: shift-only accuracy differs from float by {comparison.Top1Difference:+0.00;-0.00;0.00} pp top-1 and {comparison.Top5Difference:+0.00;-0.00;0.00} pp top-5, beyond the tolerance of {comparison.TolerancePercentPoints} pp."));
            return ExitCodes.Failure;
        });
        return command;
    }

    private static void WriteBreakdown(string path, CompressedModel model, FqzBreakdown breakdown, FqzInspection inspection)
    {
        var shape = ModelState.ShapeOf(model);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{path}[/]: {model.ModelName} ({shape.Classes} classes, input {shape.Channels}x{shape.Height}x{shape.Width}), coding {CodingModes.NameOf(breakdown.Mode)}");
        if (model.Metadata.TryGetValue(ModelState.WeightsFileKey, out var weights))
            AnsiConsole.MarkupLineInterpolated($"compressed from PyTorch weights {weights} (SHA-256 {model.Metadata.GetValueOrDefault(ModelState.WeightsSha256Key, "?")})");
        AnsiConsole.Write(ReportTable.LayerTable(inspection.Layers));
        var parts = new Table().AddColumns("part", "bytes");
        parts.AddRow("header and metadata", breakdown.HeaderBytes.ToString("N0"));
        parts.AddRow("per-layer parameters", breakdown.ParameterBytes.ToString("N0"));
        parts.AddRow("code tables", breakdown.TableBytes.ToString("N0"));
        parts.AddRow("coded weights", breakdown.PayloadBytes.ToString("N0"));
        parts.AddRow("float tensors (biases, batch norm)", breakdown.FloatTensorBytes.ToString("N0"));
        parts.AddRow("[bold]file[/]", breakdown.TotalBytes.ToString("N0"));
        AnsiConsole.Write(parts);
        AnsiConsole.MarkupLineInterpolated($"dense fp32 {ReportTable.Bytes(inspection.DenseBytes)}, compressed {ReportTable.Bytes(inspection.CompressedBytes)}: CR [bold]{inspection.CompressionRatio:F2}x[/], sparsity {inspection.Sparsity:P2}");
    }

    private static void WriteComparison(ShiftComparison c)
    {
        static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().Title($"{c.Dataset}, {c.Images:N0} images")
            .AddColumns("inference", "top-1 %", "top-5 %", "loss", "seconds");
        table.AddRow("float (decoded weights)", F(c.Float.Top1Percent), F(c.Float.Top5Percent), F(c.Float.Loss, "F4"), F(c.FloatSeconds));
        table.AddRow("shift-only (int8 activations)", F(c.ShiftOnly.Top1Percent), F(c.ShiftOnly.Top5Percent), F(c.ShiftOnly.Loss, "F4"), F(c.ShiftOnlySeconds));
        table.AddRow("difference (pp)", F(c.Top1Difference, "+0.00;-0.00;0.00"), F(c.Top5Difference, "+0.00;-0.00;0.00"), "", "");
        AnsiConsole.Write(table);
        var verdict = c.WithinTolerance ? "[green]within[/]" : "[red]exceeded[/]";
        AnsiConsole.MarkupLine(
            $"top-1 agreement {F(c.Top1AgreementPercent)} % ({F(c.DisagreeingImages, "N0")} images differ); tolerance {F(c.TolerancePercentPoints)} pp: {verdict}");
    }
}
