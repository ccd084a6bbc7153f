using System.Globalization;
using FocusedQuantization.Compression.Stages;
using LayerSearchRequest = FocusedQuantization.Grains.Interfaces.Sweeps.LayerSearchRequest;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using Microsoft.Extensions.DependencyInjection;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>
/// Mixed precision through the cluster: the layer answers come off the wire, and the width each trial gets must be
/// the one <see cref="MixedPrecision.Choose"/> makes in process on the same measurements.
/// </summary>
[Collection(SweepClusterCollection.Name)]
public sealed class MixedPrecisionSweepTests(SweepClusterFixture fixture)
{
    private static readonly int[] Candidates = [3, 4, 5, 6];

    private static SweepSpec Spec(string name, IReadOnlyList<double> budgets) => new(
        name, "lenet-300-100", "fashion-mnist", Seed: 5,
        [new ObjectiveSpec(ObjectiveMetric.Cr, true), new ObjectiveSpec(ObjectiveMetric.Top1, true)], MaxTop1Drop: null, Concurrency: 3,
        new StrategySpec(StrategyKind.Grid, null, null),
        new TrainingSpec(BaselineEpochs: 1, PruneEpochs: 1, BatchSize: 64, LearningRate: 0.05, TrainLimit: 1000, TestLimit: 300, DataDirectory: null),
        new SearchSpace([0.9], null, new BitsSpace(BitsPolicy.PerLayer, Candidates, budgets), [2.0], [null], [0.2], [0.005], [CodingScheme.Arithmetic]));

    [Fact]
    public async Task Two_budgets_give_two_configurations_through_the_trials_and_an_infeasible_one_fails_naming_both_numbers()
    {
        var answers = await SearchAsync();
        var (total, cheapest) = Cheapest(answers);
        var smallest = (double)cheapest / total;
        // Exactly the cheapest widths fit; 32 bits a weight affords every layer its best width.
        var tight = (cheapest + 0.5) / total;
        var infeasible = Math.Round(smallest / 2, 3);
        var sweep = fixture.Cluster.Client.GetGrain<ISweepGrain>("mixed-" + Guid.NewGuid().ToString("N")[..8]);

        await sweep.Launch(Spec("mixed", [infeasible, tight, 32.0]));
        var (_, trials) = await SweepWaiting.EndedAsync(sweep, TimeSpan.FromMinutes(5));

        var byBudget = trials.ToDictionary(t => t.Config!.BudgetBitsPerWeight!.Value);
        var failed = byBudget[infeasible];
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"budget_bits_per_weight {infeasible:G4} cannot be met"), failed.Error);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"takes {smallest:F4} bits per weight"), failed.Error);

        var configurations = new List<Dictionary<string, int>>();
        foreach (var budget in new[] { tight, 32.0 })
        {
            var trial = byBudget[budget];
            Assert.True(trial.State == TrialState.Completed, $"budget {budget}: {trial.State} {trial.Error}");
            var result = await fixture.Cluster.Client.GetGrain<ITrialGrain>(trial.TrialId).GetResult();
            var bits = result!.Layers.ToDictionary(l => l.Name, l => l.Bits);
            Assert.Equal(InProcess(answers, budget).BitsPerLayer.OrderBy(p => p.Key), bits.OrderBy(p => p.Key));
            configurations.Add(bits);
        }
        Assert.True(configurations[0].Any(p => configurations[1][p.Key] != p.Value),
            $"both budgets gave {Describe(configurations[0])}");
    }

    [Fact]
    public async Task ChooseBits_on_answers_off_the_wire_makes_the_in_process_choice_and_refuses_an_infeasible_budget()
    {
        var answers = await SearchAsync();
        var runner = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IStageRunner>();
        var (total, cheapest) = Cheapest(answers);

        // The reference crossed the wire: one checkpoint, one set of images, one top-1 for every layer.
        Assert.All(answers, a => Assert.InRange(a.Top1Reference, 1, 100));
        Assert.Single(answers.Select(a => a.Top1Reference).Distinct());
        // And the runner's mapping loses nothing the choice reads.
        Assert.All(answers, a =>
        {
            var back = StageRunner.ToAnswer(StageRunner.ToResult(a), a.Silo);
            Assert.Equal(a.Points, back.Points);
            Assert.Equal(a with { Points = back.Points }, back);
        });

        var tight = runner.ChooseBits(answers, (cheapest + 0.5) / total);
        var generous = runner.ChooseBits(answers, 32);
        Assert.Equal(InProcess(answers, (cheapest + 0.5) / total).BitsPerLayer.OrderBy(p => p.Key), tight.OrderBy(p => p.Key));
        Assert.Equal(InProcess(answers, 32).BitsPerLayer.OrderBy(p => p.Key), generous.OrderBy(p => p.Key));
        Assert.True(tight.Any(p => generous[p.Key] != p.Value), $"both budgets gave {Describe(tight)}");

        var error = Assert.Throws<ArgumentException>(() => runner.ChooseBits(answers, 0.5 * cheapest / total));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"takes {(double)cheapest / total:F4} bits per weight"), error.Message);
    }

    /// <summary>The layer answers a trial of <see cref="Spec"/> gets, asked of the grains exactly as TrialGrain asks.</summary>
    private async Task<LayerSearchAnswer[]> SearchAsync()
    {
        var config = SweepPlan.Expand(Spec("search", [1.0])).Single();
        var grains = fixture.Cluster.Client;
        var baselineRequest = new BaselineRequest(config.Model, config.Dataset, config.Seed, config.Training);
        var model = grains.GetGrain<IModelGrain>(Keys.Of(baselineRequest));
        await model.BaselineAsync(baselineRequest);
        var pruned = await model.PrunedAsync(new PruneRequest(baselineRequest, config.TargetSparsity, config.PruneAlpha));
        var layers = await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IStageRunner>().LayerNamesAsync(config.Model, config.Dataset, config.Training, CancellationToken.None);
        return await Task.WhenAll(layers.Select(layer =>
        {
            var request = new LayerSearchRequest(pruned.Id, config.Model, config.Dataset, layer, config.CandidateBits,
                config.WSep, config.OverflowRate, config.Coding, config.Seed, config.Training);
            return grains.GetGrain<ILayerGrain>(Keys.Of(request)).SearchAsync(request);
        }));
    }

    /// <summary>The layers' total weights and the coded bits of their cheapest points.</summary>
    private static (long Total, long Cheapest) Cheapest(IReadOnlyList<LayerSearchAnswer> answers) =>
        (answers.Sum(a => a.Weights), answers.Sum(a => a.Points.Min(p => p.CodedBits)));

    /// <summary>The in-process choice on the same measurements.</summary>
    private static MixedPrecisionChoice InProcess(IReadOnlyList<LayerSearchAnswer> answers, double budget) =>
        MixedPrecision.Choose(answers.Select(StageRunner.ToResult).ToArray(), budget);

    private static string Describe(IReadOnlyDictionary<string, int> bits) => string.Join(", ", bits.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
}
