using System.CommandLine;
using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq inspect`: the per-layer breakdown and the compression ratio, from a .fqz file alone.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A compressed model (.fqz)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("inspect", "Show what a .fqz file holds: per-layer modes, parameters, coded sizes, and the compression ratio.") { file, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
            var bytes = File.ReadAllBytes(path);
            var model = FqzFile.FromBytes(bytes);
            var breakdown = FqzFile.Inspect(bytes);
            var inspection = FqzInspection.From(model, breakdown);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(inspection, ReportJson.Options));
                return ExitCodes.Success;
            }

            AnsiConsole.MarkupLineInterpolated($"[bold]{path}[/]: {model.ModelName}, coding {CodingModes.NameOf(breakdown.Mode)}");
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
            return ExitCodes.Success;
        });
        return command;
    }
}
