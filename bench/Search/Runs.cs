using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search;

/// <summary>One seed of one sampler on one problem: every trial's objectives in order (null: failed) and the time spent sampling.</summary>
public sealed record RunResult(string Problem, string Sampler, int Seed, IReadOnlyList<double[]?> Values, double SamplingSeconds);

/// <summary>fq's samplers, in process: trials one after another, each asked with every earlier trial complete.</summary>
public static class FqRun
{
    public static RunResult Run(IProblem problem, string sampler, int seed, int trials)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var instance = SamplerCatalog.Fq[sampler](seed);
        var history = new List<Observation>(trials);
        var values = new double[]?[trials];
        var clock = new Stopwatch();
        for (var number = 0; number < trials; number++)
        {
            clock.Start();
            var point = instance.Ask(problem.Space, history, number);
            clock.Stop();
            values[number] = problem.Evaluate(point);
            history.Add(new Observation(number, point, values[number] is null ? ObservationState.Failed : ObservationState.Complete, values[number]));
        }
        return new RunResult(problem.Name, sampler, seed, values, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>
/// Optuna's samplers through optuna_search.py, run by Debian's /usr/bin/python3 (one process for several seeds, so the
/// interpreter starts once). The peer evaluates the problem itself; every trial's parameters come back and are
/// evaluated again here, so a difference between the two implementations stops the run, and the hypervolume of every
/// sampler is computed from this side's evaluation.
/// </summary>
public static class OptunaRun
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(AppContext.BaseDirectory, "optuna_search.py");

    public static async Task<IReadOnlyList<RunResult>> RunAsync(IProblem problem, string sampler, IReadOnlyList<int> seeds, int trials, bool memoizeMotpe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var request = new JsonObject
        {
            ["mode"] = "run",
            ["problem"] = problem.Describe(),
            ["sampler"] = sampler,
            ["trials"] = trials,
            ["seeds"] = new JsonArray([.. seeds.Select(s => (JsonNode)s)]),
            ["memoize_motpe"] = memoizeMotpe,
        };
        var values = seeds.ToDictionary(s => s, _ => new List<double[]?>(trials));
        var seconds = new Dictionary<int, double>();
        await foreach (var line in CallAsync(request, cancellationToken))
        {
            var node = JsonNode.Parse(line)!.AsObject();
            var seed = node["seed"]!.GetValue<int>();
            if (node["seconds"] is { } time)
            {
                seconds[seed] = time.GetValue<double>();
                continue;
            }
            var parameters = node["params"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>(), StringComparer.Ordinal);
            var ours = problem.Evaluate(new Point(parameters));
            var theirs = node["values"] is JsonArray reported ? reported.Select(v => v!.GetValue<double>()).ToArray() : null;
            if (!Check.Agree(ours, theirs, out var difference))
                throw new InvalidOperationException($"{problem.Name}: {sampler} seed {seed} trial {node["number"]}: the peer's objectives differ from bench/Search's ({difference})");
            values[seed].Add(ours);
        }
        return [.. seeds.Select(s => values[s].Count == trials && seconds.ContainsKey(s)
            ? new RunResult(problem.Name, sampler, s, values[s], seconds[s])
            : throw new InvalidOperationException($"{problem.Name}: {sampler} seed {s} ended after {values[s].Count} of {trials} trials"))];
    }

    /// <summary>Starts the peer with one request on stdin and yields its stdout lines; a failed exit is an exception with its stderr.</summary>
    public static async IAsyncEnumerable<string> CallAsync(JsonObject request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Script },
        };
        // One core per peer: numpy's BLAS would otherwise start a thread per core beside the other runs.
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(request.ToJsonString(new JsonSerializerOptions { WriteIndented = false }).AsMemory(), cancellationToken);
        process.StandardInput.Close();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            if (line.Length > 0) yield return line;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var message = (await errors).Trim();
            throw new InvalidOperationException(message.Contains("No module named 'optuna'", StringComparison.Ordinal)
                ? "python3-optuna is not installed (infra/setup.sh --bench installs it)"
                : string.Create(CultureInfo.InvariantCulture, $"{Python} optuna_search.py exited with {process.ExitCode}: {message}"));
        }
    }
}
