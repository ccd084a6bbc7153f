using System.CommandLine;
using System.Diagnostics;
using FocusedQuantization.Client.Cli;
using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Silo;
using FocusedQuantization.Specs;
using FocusedQuantization.Telemetry;
using Spectre.Console;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>`fq sweep launch|watch|status|list|cancel` and `fq pareto`.</summary>
public static class SweepCommands
{
    private static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = "A Redis-based cluster, redis://HOST:PORT. Default: the embedded silo in this process, state in ./.fq (FQ_HOME).",
    };

    public static Command Sweep()
    {
        var command = new Command("sweep", "Launch, watch and manage hyperparameter sweeps.");
        command.Add(Launch());
        command.Add(Watch());
        command.Add(Status());
        command.Add(List());
        command.Add(Cancel());
        return command;
    }

    private static Command Launch()
    {
        var spec = new Argument<string>("spec") { Description = "The sweep spec (YAML); see examples/." };
        var cluster = ClusterOption();
        var watch = new Option<bool>("--watch") { Description = "Show live progress until the sweep ends (always so in the embedded default)." };
        var id = new Option<string?>("--id") { Description = "Sweep id (default: from the spec's name and the time)." };
        var command = new Command("launch", "Validate a sweep spec and run it; prints the sweep id on the last line.") { spec, cluster, watch, id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Layer patterns (space.layers) are resolved here against the model zoo's layers: the spec sent holds concrete names.
            var sweepSpec = SweepSpecLoader.Load(parse.GetValue(spec)!, ModelLayerNames.Of);
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweepId = parse.GetValue(id) ?? SweepIds.New(sweepSpec.Name);
            var sweep = connection.Grains.GetGrain<ISweepGrain>(sweepId);
            var status = await LaunchTracedAsync(sweep, sweepId, sweepSpec);
            AnsiConsole.MarkupLineInterpolated($"Sweep [bold]{sweepId}[/] accepted: {status.Counts.Total} trials, concurrency {sweepSpec.Concurrency}.");
            if (await connection.TrackingAddressAsync() is { } tracking) Console.WriteLine($"Tracking: {tracking.AbsoluteUri}");
            if (connection.IsEmbedded || parse.GetValue(watch))
            {
                status = await SweepWatcher.WatchAsync(sweep, cancellationToken);
                ParetoTable.Render(await sweep.GetPareto(null), AnsiConsole.Console);
            }
            Console.WriteLine(sweepId);
            return status.State is SweepState.Failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Launches inside the fq.launch span, the root of the sweep's trace: the sweep keeps its context and runs every trial
    /// under it. Watching is left outside, or every status poll would join the trace.
    /// </summary>
    private static async Task<SweepStatus> LaunchTracedAsync(ISweepGrain sweep, string sweepId, SweepSpec spec)
    {
        using var span = FqTelemetry.Source.StartActivity(FqSpans.Launch, ActivityKind.Client);
        span?.SetTag(FqTags.SweepId, sweepId).SetTag(FqTags.Model, spec.Model);
        try
        {
            var status = await sweep.Launch(spec);
            span?.SetTag(FqTags.Trials, status.Counts.Total);
            return status;
        }
        catch (Exception ex)
        {
            span.RecordFailure(ex);
            throw;
        }
    }

    private static Command Watch()
    {
        var id = new Argument<string>("id") { Description = "The sweep id." };
        var cluster = ClusterOption();
        var command = new Command("watch", "Follow a sweep live until it ends.") { id, cluster };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweep = await FindAsync(connection, parse.GetValue(id)!);
            var status = await SweepWatcher.WatchAsync(sweep, cancellationToken);
            ParetoTable.Render(await sweep.GetPareto(null), AnsiConsole.Console);
            return status.State is SweepState.Failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<string>("id") { Description = "The sweep id." };
        var cluster = ClusterOption();
        var json = new Option<bool>("--json") { Description = "Print JSON: the sweep's state and a trials array." };
        var command = new Command("status", "Show a sweep and every trial.") { id, cluster, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweep = await FindAsync(connection, parse.GetValue(id)!);
            var status = await sweep.GetStatus();
            // The rows are paged from the sweep; each completed trial's layers come from its own grain.
            var trials = await sweep.AllTrialsAsync(cancellationToken: cancellationToken);
            if (parse.GetValue(json)) Console.WriteLine(SweepJson.Status(status, trials, await connection.Grains.ResultsAsync(trials, cancellationToken)));
            else SweepStatusTable.Render(status, trials, AnsiConsole.Console);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List()
    {
        var cluster = ClusterOption();
        var command = new Command("list", "List the sweeps of the cluster (or of ./.fq), newest first.") { cluster };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweeps = await connection.Grains.GetGrain<ISweepRegistryGrain>(0).List();
            var table = new Table().AddColumns("sweep", "name", "state", "trials", "completed", "created (UTC)");
            foreach (var s in sweeps)
                table.AddRow(Markup.Escape(s.SweepId), Markup.Escape(s.Name), s.State.ToString().ToLowerInvariant(), s.Trials.ToString(), s.Completed.ToString(), s.CreatedAt.ToString("u"));
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The sweep id." };
        var cluster = ClusterOption();
        var command = new Command("cancel", "Cancel a sweep: pending trials never start, running ones stop.") { id, cluster };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweep = await FindAsync(connection, parse.GetValue(id)!);
            await sweep.Cancel();
            var status = await sweep.GetStatus();
            AnsiConsole.MarkupLineInterpolated($"Sweep [bold]{status.SweepId}[/] is {status.State.ToString().ToLowerInvariant()}.");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Pareto()
    {
        var id = new Argument<string>("id") { Description = "The sweep id." };
        var cluster = ClusterOption();
        var maxDrop = new Option<double?>("--max-top1-drop") { Description = "Only trials within this many top-1 points of the dense baseline." };
        var json = new Option<bool>("--json") { Description = "Print JSON: the front's trials (shaped as in the status) and the hypervolume." };
        var plot = new Option<string?>("--plot") { Description = "Also draw every trial and the front to FILE.png or FILE.svg." };
        var objectives = new Option<string?>("--objectives")
        {
            Description = "Rank the completed trials again on these objectives, e.g. 'cr,top5' or 'min compressed_bytes,max top1' (cr, top1, top5 are maximized and compressed_bytes minimized unless prefixed).",
        };
        var command = new Command("pareto", "The best trade-offs of a sweep: the non-dominated trials, CR against top-1, best first.") { id, cluster, maxDrop, json, plot, objectives };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var drop = parse.GetValue(maxDrop);
            if (drop is < 0 or > 100) throw new ArgumentException($"--max-top1-drop must be between 0 and 100, got {drop}.");
            var plotPath = parse.GetValue(plot);
            if (plotPath is not null && !ParetoPlot.IsSupported(plotPath))
                throw new ArgumentException($"--plot must name a .png or .svg file, got {plotPath}.");
            var ranked = parse.GetValue(objectives) is { } text ? ObjectiveFront.Parse(text) : null;
            if (ranked is not null && plotPath is not null) throw new ArgumentException("--plot draws the sweep's own front (CR against top-1); leave it out with --objectives.");
            await using var connection = await FqConnection.OpenAsync(parse.GetValue(cluster), cancellationToken);
            var sweep = await FindAsync(connection, parse.GetValue(id)!);
            var stopped = (await sweep.GetStatus()).Counts.Stopped;
            if (ranked is not null)
            {
                var (front, hypervolume, considered) = ObjectiveFront.Compute(await sweep.AllTrialsAsync(TrialState.Completed, cancellationToken), ranked, drop);
                if (parse.GetValue(json)) Console.WriteLine(ObjectiveFront.Json(ranked, front, hypervolume, stopped));
                else ObjectiveFront.Render(ranked, front, hypervolume, considered, stopped, AnsiConsole.Console);
                return ExitCodes.Success;
            }
            var pareto = await sweep.GetPareto(drop);
            if (parse.GetValue(json)) Console.WriteLine(SweepJson.Pareto(pareto, await connection.Grains.ResultsAsync(pareto.Front, cancellationToken)));
            else
            {
                ParetoTable.Render(pareto, AnsiConsole.Console);
                if (stopped > 0) AnsiConsole.MarkupLine($"[grey]{stopped} trials stopped early are not on the front: only trials that finished their schedule count (fq sweep status lists why each stopped).[/]");
            }
            if (plotPath is not null)
            {
                ParetoPlot.Save(pareto, await sweep.AllTrialsAsync(TrialState.Completed, cancellationToken), plotPath);
                if (!parse.GetValue(json)) AnsiConsole.MarkupLineInterpolated($"Plot written to [bold]{plotPath}[/]");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The sweep grain of an id that exists; an unknown id is the user's mistake (exit 2).</summary>
    private static async Task<ISweepGrain> FindAsync(FqConnection connection, string id)
    {
        var known = await connection.Grains.GetGrain<ISweepRegistryGrain>(0).List();
        if (known.All(s => s.SweepId != id))
        {
            var hint = known.Count == 0 ? "no sweeps have been launched here" : "known: " + string.Join(", ", known.Take(5).Select(s => s.SweepId));
            throw new ArgumentException($"There is no sweep '{id}' ({hint}).");
        }
        return connection.Grains.GetGrain<ISweepGrain>(id);
    }
}
