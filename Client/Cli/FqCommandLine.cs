using System.CommandLine;
using FocusedQuantization.Client.Sweeps;
using Spectre.Console;

namespace FocusedQuantization.Client.Cli;

/// <summary>The fq command tree, and the one place where errors become messages and exit codes.</summary>
public static class FqCommandLine
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("fq: focused quantization of CNNs (Zhao et al., NeurIPS 2019) and sweeps over its trade-offs.");
        root.Add(CompressCommand.Create());
        root.Add(InspectCommand.Create());
        root.Add(ExportCommand.Create());
        root.Add(SweepCommands.Sweep());
        root.Add(SweepCommands.Pareto());
        root.Add(SiloCommand.Create());
        root.Add(TrackerCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; bad input exits 2 and failures 1, each with a message rather than a stack trace.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
                Console.Error.WriteLine($"fq: {error.Message}");
            Console.Error.WriteLine("Run 'fq --help' for usage.");
            return ExitCodes.BadInput;
        }

        // Redirected output (logs, CI) would otherwise be cut to 80 columns and wrap every table.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token);
        }
        catch (Exception ex) when (UserError.Describe(ex) is { } message)
        {
            AnsiConsole.Console.Profile.Out.Writer.Flush();
            Console.Error.WriteLine($"fq: {message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("fq: cancelled.");
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"fq: failed: {ex.Message}");
            if (Environment.GetEnvironmentVariable("FQ_DEBUG") == "1") Console.Error.WriteLine(ex);
            return ExitCodes.Failure;
        }
    }
}
