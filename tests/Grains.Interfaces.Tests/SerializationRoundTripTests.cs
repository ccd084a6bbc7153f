using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Interfaces.Tests;

/// <summary>
/// The sweep records round-trip through the real Orleans serializer. They hold lists, so record equality is by
/// reference; they are compared structurally, as their System.Text.Json text.
/// </summary>
public sealed class SerializationRoundTripTests(OrleansSerializerFixture fixture) : IClassFixture<OrleansSerializerFixture>
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char.AlphaNumeric, 0, 12];

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class =>
        Gen.Bool.SelectMany(present => present ? gen.Select(value => (T?)value) : Gen.Const((T?)null));

    private static readonly Gen<TrainingSpec> Trainings =
        from epochs in Gen.Int[0, 10]
        from prune in Gen.Int[0, 10]
        from batch in Gen.Int[1, 512]
        from rate in Gen.Double[1e-4, 1]
        from trainLimit in Gen.Int[1, 60000].Nullable()
        from testLimit in Gen.Int[1, 10000].Nullable()
        from dir in Maybe(Name)
        select new TrainingSpec(epochs, prune, batch, rate, trainLimit, testLimit, dir);

    private static readonly Gen<TrialConfig> TrialConfigs =
        from model in Name
        from dataset in Name
        from seed in Gen.Int
        from training in Trainings
        from sparsity in Gen.Double[0, 0.99].Nullable()
        from alpha in Gen.Double[0, 3].Nullable()
        from policy in Gen.Enum<BitsPolicy>()
        from bits in Gen.Int[3, 8]
        from candidates in Gen.Int[3, 8].List[1, 6]
        from budget in Gen.Double[0.1, 8].Nullable()
        from wSep in Gen.Double[0, 5]
        from overflow in Gen.Double[0, 0.5].Nullable()
        from scale in Gen.Double[0.1, 4]
        from learningRate in Gen.Double[1e-5, 0.1]
        from coding in Gen.Enum<CodingScheme>()
        from fineTune in Gen.Enum<FineTuning>()
        select new TrialConfig(model, dataset, seed, training, sparsity, alpha, policy, bits, candidates, budget, wSep, overflow, scale, learningRate, coding)
        {
            FineTune = fineTune,
        };

    private static readonly Gen<TrialResult> TrialResults =
        from ratio in Gen.Double[1, 100]
        from top1 in Gen.Double[0, 100]
        from top5 in Gen.Double[0, 100]
        from sparsity in Gen.Double[0, 1]
        from bytes in Gen.Long[0, long.MaxValue]
        from layers in (from name in Name
                        from mode in Gen.Enum<LayerMode>()
                        from bits in Gen.Int[3, 8]
                        from weights in Gen.Long[0, 1 << 30]
                        from layerSparsity in Gen.Double[0, 1]
                        from coded in Gen.Long[0, 1L << 40]
                        select new LayerOutcome(name, mode, bits, weights, layerSparsity, coded)).List[0, 5]
        from path in Name
        from recoveries in Name.List[0, 3]
        select new TrialResult(ratio, top1, top5, sparsity, bytes, bytes * 2, top1 + 0.5, top5, layers, path) { Recoveries = recoveries };

    private static readonly Gen<DateTimeOffset> Instants =
        Gen.Long[0, 4_000_000_000_000].Select(ms => DateTimeOffset.FromUnixTimeMilliseconds(ms));

    private static readonly Gen<TrialStatus> TrialStatuses =
        from id in Name
        from index in Gen.Int[0, 10000]
        from state in Gen.Enum<TrialState>()
        from silo in Maybe(Name)
        from config in TrialConfigs
        from stage in Maybe(Name)
        from fraction in Gen.Double[0, 1]
        from result in Maybe(TrialResults)
        let summary = result is null ? null : TrialSummary.Of(result)
        from started in Instants.Nullable()
        from finished in Instants.Nullable()
        from error in Maybe(Name)
        from attempts in Gen.Int[0, 5]
        from stopReason in Maybe(Name)
        from lateFrom in Gen.Int[0, 3].Nullable()
        select new TrialStatus(id, index, state, silo, config, stage, fraction, summary, started, finished, error, attempts)
        {
            StopReason = stopReason,
            ResumedLateFrom = lateFrom is { } rung ? new RungPosition(rung, 4, 2 * rung + 1, 8) : null,
        };

    private static readonly Gen<SweepSpec> SweepSpecs =
        from name in Name
        from seed in Gen.Int
        from objectives in (from metric in Gen.Enum<ObjectiveMetric>() from max in Gen.Bool select new ObjectiveSpec(metric, max)).List[1, 3]
        from drop in Gen.Double[0, 5].Nullable()
        from concurrency in Gen.Int[1, 16]
        from strategy in Gen.OneOf(Gen.Const(new StrategySpec(StrategyKind.Grid, null, null)),
            from budget in Gen.Int[1, 100] from strategySeed in Gen.Int.Nullable() select new StrategySpec(StrategyKind.Random, budget, strategySeed))
        from training in Trainings
        from sparsity in Gen.Double[0, 0.99].List[1, 4]
        from bits in Gen.Int[3, 8].List[1, 4]
        from budgets in Maybe(Gen.Double[0.5, 6].List[1, 3])
        from overflow in Gen.Double[0, 0.5].Nullable().List[1, 3]
        from coding in Gen.Enum<CodingScheme>().List[1, 2]
        from fineTune in Gen.Enum<FineTuning>().List[1, 2]
        select new SweepSpec(name, "lenet5", "fashion-mnist", seed, objectives, drop, concurrency, strategy, training,
            new SearchSpace(sparsity, null, new BitsSpace(budgets is null ? BitsPolicy.Uniform : BitsPolicy.PerLayer, bits, budgets), [2.0], overflow, [0.2, 0.5], [0.002], coding)
            {
                FineTune = fineTune,
            });

    // NaN is a real value here (a validation figure not known), so it must compare as text too.
    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    private void AssertRoundTrips<T>(T value) => Assert.Equal(Json(value), Json(fixture.RoundTrip(value)));

    [Fact]
    public void Trial_configs_come_back_the_same_after_a_round_trip() => TrialConfigs.Sample(AssertRoundTrips, iter: 200);

    [Fact]
    public void Trial_results_come_back_the_same_after_a_round_trip() => TrialResults.Sample(AssertRoundTrips, iter: 200);

    [Fact]
    public void Trial_statuses_come_back_the_same_after_a_round_trip() => TrialStatuses.Sample(AssertRoundTrips, iter: 100);

    [Fact]
    public void Sweep_specs_come_back_the_same_after_a_round_trip() => SweepSpecs.Sample(AssertRoundTrips, iter: 100);

    [Fact]
    public void Sweep_statuses_and_pareto_results_come_back_the_same_after_a_round_trip() =>
        Gen.Select(SweepSpecs, TrialStatuses.List[0, 4], Instants, Gen.Enum<SweepState>()).Sample((spec, trials, created, state) =>
        {
            var counts = new TrialCounts(1, trials.Count, 2, 3, 4);
            AssertRoundTrips(new SweepStatus("sweep-1", state, spec, created, created.AddMinutes(3), counts, trials, trials.Take(2).ToList(), 17));
            AssertRoundTrips(new ParetoResult(trials.Take(2).ToList(), trials.Count, 2, 12.5, 1.0, 90.47));
            AssertRoundTrips(new SweepUpdate(18, state, counts, trials.FirstOrDefault(), trials, null));
            AssertRoundTrips(new TrialPage(trials, 0, trials.Count));
            AssertRoundTrips(new SweepSummary("sweep-1", spec.Name, state, trials.Count, trials.Count(t => t.State == TrialState.Completed), created));
        }, iter: 50);

    [Fact]
    public void A_space_with_ranges_layers_and_a_choice_of_policies_comes_back_the_same_and_an_old_one_has_none()
    {
        var space = new SearchSpace([], null, new BitsSpace(BitsPolicy.Uniform, [4, 5], []) { Policies = [BitsPolicy.Uniform, BitsPolicy.PerLayer], Candidates = [3, 4, 5] },
            [], [null], [0.2], [0.001], [CodingScheme.Arithmetic])
        {
            Ranges = new Dictionary<string, ValueRange>
            {
                ["sparsity"] = new(0.8, 0.97),
                ["w_sep"] = new(1.5, 3.0, Step: 0.5),
                ["budget_bits_per_weight"] = new(0.8, 1.2, Log: true),
            },
            Layers = [new LayerSpace("fc1", "fc1.weight") { SparsityRange = new(0.9, 0.99), Bits = [3, 4] }, new LayerSpace("conv2", "conv2.weight") { Sparsity = [0.5] }],
        };
        var spec = new SweepSpec("s", "lenet5", "fashion-mnist", 1, [new ObjectiveSpec(ObjectiveMetric.Cr, true)], null, 1,
            new StrategySpec(StrategyKind.Nsga2, 48, 3) { Lag = 2, WarmStart = "earlier", Population = 12, Startup = 8 }, new TrainingSpec(1, 1, 64, 0.02, null, null, null), space)
        {
            EarlyStopping = new EarlyStoppingSpec(3, 1.0 / 9) { Rungs = [1, 2, 4] },
        };

        AssertRoundTrips(spec);
        var back = fixture.RoundTrip(spec);
        Assert.Equal([1, 2, 4], back.EarlyStopping!.Rungs!);
        Assert.Null(fixture.RoundTrip(new EarlyStoppingSpec(2, 0.125)).Rungs);
        Assert.Equal(new ValueRange(1.5, 3.0, Step: 0.5), back.Space.RangeOf("w_sep"));
        Assert.Equal("fc1.weight", back.Space.Layers![0].Weight);
        Assert.True(back.Space.Bits.SearchesPolicy);
        var old = fixture.RoundTrip(space with { Ranges = null, Layers = null, Bits = new BitsSpace(BitsPolicy.Uniform, [5], null) });
        Assert.Null(old.Ranges);
        Assert.Null(old.Layers);
        Assert.False(old.Bits.SearchesPolicy);
        // The spec's JSON (the tracker's fq.spec tag) reads as it did for a space of lists, and carries what it has.
        var json = Json(old);
        Assert.DoesNotContain("Ranges", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Layers", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Policies", json, StringComparison.Ordinal);
        Assert.DoesNotContain("SearchesPolicy", json, StringComparison.Ordinal);
        Assert.Contains("\"w_sep\":{\"Low\":1.5,\"High\":3,\"Log\":false,\"Step\":0.5}", Json(spec), StringComparison.Ordinal);
        Assert.Equal(Json(spec), Json(JsonSerializer.Deserialize<SweepSpec>(Json(spec), JsonOptions)));
    }

    [Fact]
    public void A_prune_request_carries_its_layer_targets_and_without_them_its_json_is_what_it_was()
    {
        var plain = new PruneRequest(new BaselineRequest("lenet5", "fashion-mnist", 1, new TrainingSpec(1, 1, 64, 0.02, null, null, null)), 0.9, null);
        var layered = plain with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.97 } };

        Assert.Equal(0.97, fixture.RoundTrip(layered).LayerSparsity!["fc1.weight"]);
        Assert.Null(fixture.RoundTrip(plain).LayerSparsity);
        // The model grain keys its pruning jobs by this JSON: a request without layer targets keeps its key.
        Assert.DoesNotContain("LayerSparsity", JsonSerializer.Serialize(plain), StringComparison.Ordinal);
        Assert.Contains("\"LayerSparsity\":{\"fc1.weight\":0.97}", JsonSerializer.Serialize(layered), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_overflow_rate_stays_missing_and_a_given_one_stays_given()
    {
        var withDefault = TrialConfigs.Single() with { OverflowRate = null };
        var withRate = withDefault with { OverflowRate = 1.0 / 17 };

        Assert.Null(fixture.RoundTrip(withDefault).OverflowRate);
        Assert.Equal(1.0 / 17, fixture.RoundTrip(withRate).OverflowRate);
    }

    [Fact]
    public void A_fine_tuning_mode_comes_back_as_given_and_a_config_or_space_stored_without_one_reads_as_ste()
    {
        var inq = TrialConfigs.Single() with { FineTune = FineTuning.Inq };
        var space = SweepSpecs.Single().Space with { FineTune = [FineTuning.Inq] };

        Assert.Equal(FineTuning.Inq, fixture.RoundTrip(inq).FineTune);
        Assert.Equal([FineTuning.Inq], fixture.RoundTrip(space).FineTune);
        // State written before the knob existed has no such field: the property reads as the default (ste, member 0).
        Assert.Equal(FineTuning.Ste, fixture.RoundTrip(inq with { FineTune = default }).FineTune);
        Assert.Equal([FineTuning.Ste], fixture.RoundTrip(space with { FineTune = null! }).FineTune);
    }

    [Fact]
    public void Every_member_of_every_sweep_enum_comes_back_the_same_alone_and_inside_its_record()
    {
        AssertMembersRoundTrip<BitsPolicy>();
        AssertMembersRoundTrip<StrategyKind>();
        AssertMembersRoundTrip<CodingScheme>();
        AssertMembersRoundTrip<FineTuning>();
        AssertMembersRoundTrip<LayerMode>();
        AssertMembersRoundTrip<ObjectiveMetric>();
        var config = TrialConfigs.Single();
        foreach (var policy in Enum.GetValues<BitsPolicy>())
            foreach (var coding in Enum.GetValues<CodingScheme>())
                Assert.Equal((policy, coding), fixture.RoundTrip(config with { BitsPolicy = policy, Coding = coding }) is var back ? (back.BitsPolicy, back.Coding) : default);
        foreach (var mode in Enum.GetValues<LayerMode>())
        {
            Assert.Equal(mode, fixture.RoundTrip(new LayerOutcome("fc1.weight", mode, 5, 10, 0.9, 40)).Mode);
            Assert.Equal(mode, fixture.RoundTrip(new LayerPoint(5, mode, 40, 0.1, 0.2, 90)).Mode);
        }
        var request = new LayerSearchRequest("ck", "lenet5", "fashion-mnist", "fc1.weight", [4, 5], 2.0, null, CodingScheme.Paper, 1, config.Training);
        Assert.Equal(CodingScheme.Paper, fixture.RoundTrip(request).Coding);
    }

    private void AssertMembersRoundTrip<T>() where T : struct, Enum
    {
        foreach (var member in Enum.GetValues<T>()) Assert.Equal(member, fixture.RoundTrip(member));
    }

    [Fact]
    public void The_json_of_the_records_spells_each_enum_as_the_spec_does()
    {
        // The tracker's fq.spec tag and the layer grains' keys are made of this JSON: it must read as it did with strings.
        var spec = SweepSpecs.Single() is var s ? s with
        {
            Objectives = [new ObjectiveSpec(ObjectiveMetric.CompressedBytes, false)],
            Strategy = new StrategySpec(StrategyKind.Random, 4, null),
            Space = s.Space with { Bits = new BitsSpace(BitsPolicy.PerLayer, [3, 4], [3.5]), Coding = [CodingScheme.Arithmetic, CodingScheme.Paper], FineTune = [FineTuning.Inq] },
        } : null!;

        var json = Json(spec);

        Assert.Contains("\"Metric\":\"compressed_bytes\"", json);
        Assert.Contains("\"Kind\":\"random\"", json);
        Assert.Contains("\"Policy\":\"per-layer\"", json);
        Assert.Contains("\"Coding\":[\"arithmetic\",\"paper\"]", json);
        Assert.Contains("\"FineTune\":[\"inq\"]", json);
        Assert.Equal(Json(spec), Json(JsonSerializer.Deserialize<SweepSpec>(json, JsonOptions)));
        Assert.Equal("\"recentralized\"", JsonSerializer.Serialize(LayerMode.Recentralized));
    }

    [Fact]
    public void Pareto_points_and_silo_infos_come_back_equal_after_a_round_trip()
    {
        var point = new ParetoPoint("trial-3", 12.5, 0.91);
        var silo = new SiloInfo("silo-1", SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 42), "dev");

        Assert.Equal(point, fixture.RoundTrip(point));
        Assert.Equal(silo, fixture.RoundTrip(silo));
    }

    [Fact]
    public void A_record_sent_as_object_is_named_on_the_wire_by_its_alias_and_read_back_as_its_type()
    {
        var config = TrialConfigs.Single();

        var bytes = fixture.Serializer.SerializeToArray<object>(config);
        var back = fixture.Serializer.Deserialize<object>(bytes);

        Assert.Equal(Json(config), Json(Assert.IsType<TrialConfig>(back)));
        // The alias, not the CLR name, is the stable contract: renaming or moving the type must not break old data.
        var wire = Encoding.UTF8.GetString(bytes);
        Assert.Contains("fq.TrialConfig", wire);
        Assert.DoesNotContain("FocusedQuantization", wire);
    }
}
