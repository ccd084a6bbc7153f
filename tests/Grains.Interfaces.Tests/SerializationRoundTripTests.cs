using System.Net;
using System.Text;
using CsCheck;

namespace FocusedQuantization.Grains.Interfaces.Tests;

public sealed class SerializationRoundTripTests(OrleansSerializerFixture fixture) : IClassFixture<OrleansSerializerFixture>
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char.AlphaNumeric, 0, 12];

    private static readonly Gen<TrialConfig> TrialConfigs =
        from model in Name
        from dataset in Name
        from bits in Gen.Int[2, 8]
        from wSep in Gen.Double[0, 5]
        from overflow in Gen.Double[0, 0.5].Nullable()
        from sparsity in Gen.Double[0, 0.99]
        from scale in Gen.Double[0.1, 4]
        from learningRate in Gen.Double[1e-5, 0.1]
        from coding in Gen.OneOf("huffman", "none")
        from seed in Gen.Int
        select new TrialConfig(model, dataset, bits, wSep, overflow, sparsity, scale, learningRate, coding, seed);

    private static readonly Gen<TrialOutcome> TrialOutcomes =
        from ratio in Gen.Double[1, 100]
        from top1 in Gen.Double[0, 1]
        from top5 in Gen.Double[0, 1]
        from sparsity in Gen.Double[0, 1]
        from bytes in Gen.Long[0, long.MaxValue]
        select new TrialOutcome(ratio, top1, top5, sparsity, bytes);

    [Fact]
    public void Trial_configs_come_back_equal_after_a_round_trip() =>
        TrialConfigs.Sample(config => Assert.Equal(config, fixture.RoundTrip(config)), iter: 200);

    [Fact]
    public void A_missing_overflow_rate_stays_missing_and_a_given_one_stays_given()
    {
        var withDefault = new TrialConfig("vgg-mini", "fashion-mnist", 5, 2.0, null, 0.7, 1.0, 0.01, "huffman", 7);
        var withRate = withDefault with { OverflowRate = 1.0 / 17 };

        Assert.Null(fixture.RoundTrip(withDefault).OverflowRate);
        Assert.Equal(1.0 / 17, fixture.RoundTrip(withRate).OverflowRate);
    }

    [Fact]
    public void Trial_outcomes_come_back_equal_after_a_round_trip() =>
        TrialOutcomes.Sample(outcome => Assert.Equal(outcome, fixture.RoundTrip(outcome)), iter: 200);

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
        var config = new TrialConfig("resnet-tiny", "mnist", 4, 1.5, 0.05, 0.5, 2.0, 0.001, "huffman", 1);

        var bytes = fixture.Serializer.SerializeToArray<object>(config);
        var back = fixture.Serializer.Deserialize<object>(bytes);

        Assert.Equal(config, Assert.IsType<TrialConfig>(back));
        // The alias, not the CLR name, is the stable contract: renaming or moving the type must not break old data.
        var wire = Encoding.UTF8.GetString(bytes);
        Assert.Contains("fq.TrialConfig", wire);
        Assert.DoesNotContain("FocusedQuantization", wire);
    }
}
