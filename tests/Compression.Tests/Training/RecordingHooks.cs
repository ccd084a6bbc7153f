using FocusedQuantization.Compression.Training;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Training;

/// <summary>Records every hook call as text, and what the gradients looked like when the step hooks ran.</summary>
internal sealed class RecordingHooks(nn.Module model) : ITrainingHooks
{
    public List<string> Calls { get; } = [];

    public List<bool> GradientsClearBeforeForward { get; } = [];

    public List<bool> GradientsPresentBeforeStep { get; } = [];

    public Action<long>? AfterStep { get; init; }

    public Action<long>? BeforeStep { get; init; }

    public void OnEpochStart(int epoch) => Calls.Add($"start {epoch}");

    public void BeforeForward(long step)
    {
        Calls.Add($"forward {step}");
        GradientsClearBeforeForward.Add(model.parameters().All(p => p.grad is null || p.grad.abs().sum().item<float>() == 0));
    }

    public void BeforeOptimizerStep(long step)
    {
        Calls.Add($"before step {step}");
        BeforeStep?.Invoke(step);
        GradientsPresentBeforeStep.Add(model.parameters().All(p => p.grad is not null) && model.parameters().Any(p => p.grad!.abs().sum().item<float>() > 0));
    }

    public void AfterOptimizerStep(long step)
    {
        Calls.Add($"after step {step}");
        AfterStep?.Invoke(step);
    }

    public void OnEpochEnd(int epoch) => Calls.Add($"end {epoch}");
}
