using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FocusedQuantization.Benchmarks.Coding;
using FocusedQuantization.Benchmarks.Inference;
using FocusedQuantization.Benchmarks.Planning;
using FocusedQuantization.Benchmarks.Quantization;
using FocusedQuantization.Benchmarks.Retraining;
using FocusedQuantization.Benchmarks.Tracking;

namespace FocusedQuantization.Benchmarks.Report;

/// <summary>
/// "report [--orchestration FILE] [--output FILE]": runs every benchmark class once, in process, with a short job, and
/// writes the figures, their targets and the machine into a Markdown file (default docs/BENCHMARKS.md).
/// FILE of --orchestration is what bench/Orchestration printed; its Pareto and orchestration lines are included.
/// </summary>
internal static class ReportCommand
{
    private static readonly Type[] Classes =
    [
        typeof(MixtureFitBenchmark), typeof(ResNet50PlanBenchmark), typeof(ShiftQuantizationBenchmark),
        typeof(EntropyCodingBenchmark), typeof(ShiftLinearBenchmark), typeof(ShiftConv2dBenchmark),
        typeof(FineTuneStepBenchmark), typeof(TrackerThroughputBenchmark),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var output = Option(args, "--output") ?? "docs/BENCHMARKS.md";
        var orchestration = Option(args, "--orchestration");
        var started = DateTime.UtcNow;
        var loadBefore = MachineInfo.LoadAverage();
        var clock = Stopwatch.StartNew();

        // Short jobs in process: no per-class project build, and the whole set runs in a few minutes.
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summaries = Classes.Select(type => BenchmarkRunner.Run(type, config)).ToArray();
        var results = new SuiteResults(summaries);

        var planCpu = PlanCpuTime();
        var coding = new EntropyCodingBenchmark();
        coding.Setup();
        var figures = FigureSet.Compute(results, coding.BitsPerSymbol(), planCpu);
        var orchestrationLines = orchestration is not null && File.Exists(orchestration)
            ? File.ReadAllLines(orchestration).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray()
            : [];
        if (ParetoFigure(orchestrationLines) is { } pareto) figures.Add(pareto);

        var markdown = MarkdownReport.Write(figures, started, clock.Elapsed, loadBefore, MachineInfo.LoadAverage(), orchestrationLines);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        // Figures from the whole-process commands (resnet50, loaders) run by hand follow a marker; they are kept.
        if (File.Exists(output) && await File.ReadAllTextAsync(output) is var previous && previous.IndexOf(KeptMarker, StringComparison.Ordinal) is var kept and >= 0)
            markdown = markdown.TrimEnd() + "\n\n" + previous[kept..];
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine($"Wrote {output}: {figures.Count(f => f.Met == true)} of {figures.Count(f => f.Met is not null)} targets met.");
        return 0;
    }

    /// <summary>Everything from this line on in the existing file is kept when the report is written again.</summary>
    public const string KeptMarker = "<!-- kept by bench/run-all.sh:";

    /// <summary>
    /// Processor time of one sequential plan of the ResNet-50-sized set: what the plan costs, whatever share of the
    /// cores the other users of a shared machine leave it.
    /// </summary>
    private static TimeSpan PlanCpuTime()
    {
        var benchmark = new ResNet50PlanBenchmark();
        benchmark.Setup();
        var process = Process.GetCurrentProcess();
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            benchmark.Sequential();
            process.Refresh();
            var spent = process.TotalProcessorTime - before;
            if (spent < best) best = spent;
        }
        return best;
    }

    /// <summary>The Pareto-at-100k figure from bench/Orchestration's line "pareto: 100,000 trials, median X ms ...".</summary>
    private static Figure? ParetoFigure(IEnumerable<string> lines)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith("pareto:", StringComparison.Ordinal));
        var match = line is null ? null : Regex.Match(line, @"median ([0-9.]+) ms");
        if (match is not { Success: true }) return null;
        var ms = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return new Figure("7. Orchestration", "Pareto front + hypervolume of 100,000 trials", $"{ms:F1} ms", "< 50 ms", ms < 50,
            "median of 7 runs, bench/Orchestration (the computation SweepGrain.GetPareto does)"
            + (ms < 50 ? "" : Reasons.Pareto));
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
