using BenchmarkDotNet.Running;
using FocusedQuantization.Benchmarks.Report;

namespace FocusedQuantization.Benchmarks;

/// <summary>
/// Entry point: "report ..." runs every figure and writes docs/BENCHMARKS.md; "loaders ..." compares the image-folder
/// pipeline with torchvision's; "resnet50 ..." measures a
/// trial's phases on ResNet-50 (each in a child process, "resnet50-phase NAME"); "tabular ..." records the tabular benchmark
/// of bench/Search (real LeNet-5 trials) and "tabular-signals CSV" measures its early-stopping signals; anything else goes
/// to BenchmarkDotNet.
/// </summary>
internal static class EntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["report", .. var rest]) return await ReportCommand.RunAsync(rest);
        if (args is ["loaders", .. var loaderArgs]) return Loaders.LoaderCommand.Run(loaderArgs);
        if (args is ["resnet50", .. var resnetArgs]) return Sizes.ResNet50Command.Run(resnetArgs);
        if (args is ["resnet50-phase", .. var phaseArgs]) return Sizes.ResNet50Command.RunPhase(phaseArgs);
        if (args is ["tabular", .. var tabularArgs]) return Tabular.TabularCommand.Run(tabularArgs);
        if (args is ["tabular-signals", .. var signalArgs]) return Tabular.SignalsCommand.Run(signalArgs);
        // Every public benchmark class in this assembly is picked up; choose with --filter, e.g. --filter '*Linear*'.
        BenchmarkSwitcher.FromAssembly(typeof(EntryPoint).Assembly).Run(args);
        return 0;
    }
}
