using System.CommandLine;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq export`: a .fqz file's decoded weights as a PyTorch state_dict (torch.save format) or safetensors file.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A compressed model (.fqz)." };
        var output = new Option<string>("--out") { Description = "Where to write the state_dict (.pt, .pth or .safetensors).", Required = true };
        var format = new Option<string?>("--format")
        {
            Description = "pytorch (what torch.save writes; load with torch.load) or safetensors. Default: safetensors for a .safetensors file name, else pytorch.",
        };
        var command = new Command("export", "Write a .fqz file's decoded weights (dequantized, pruned ones zero) with its float parameters and buffers as a state_dict that PyTorch loads into the same architecture.")
        {
            file, output, format,
        };
        command.SetAction((parse, _) =>
        {
            var path = parse.GetValue(file)!;
            var outPath = parse.GetValue(output)!;
            var chosen = parse.GetValue(format) is { } name ? ParseFormat(name) : FqzExport.FormatOf(outPath);
            var exported = FqzExport.Export(path, outPath, chosen);
            AnsiConsole.MarkupLineInterpolated(
                $"{exported.Model} ({exported.Shape.Classes} classes): {exported.Tensors} tensors, {exported.QuantizedWeights:N0} decoded weights, written to [bold]{outPath}[/] ({exported.Format.ToString().ToLowerInvariant()}, {exported.Bytes:N0} bytes)");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static StateDictFormat ParseFormat(string name) => name.Trim().ToLowerInvariant() switch
    {
        "pytorch" or "torch" or "pt" or "pth" => StateDictFormat.PyTorch,
        "safetensors" => StateDictFormat.Safetensors,
        _ => throw new ArgumentException($"--format must be pytorch or safetensors, got '{name}'."),
    };
}
