using CsCheck;

namespace FocusedQuantization.Tracking.Tests;

public sealed class LogBatchSplitterTests
{
    private const string RunId = "0123456789abcdef";

    private static readonly Gen<string> Key = Gen.OneOf(Gen.String[Gen.Char["abc_./ -"], 1, 12], Gen.Const("é→✓"));

    private static readonly Gen<MlflowMetric> Metric =
        Gen.Select(Key, Gen.OneOf(Gen.Double, Gen.OneOf(Gen.Const(double.NaN), Gen.Const(double.PositiveInfinity), Gen.Const(double.NegativeInfinity))),
            Gen.Long[0, 2_000_000_000_000], Gen.Long[-5, 100_000],
            (key, value, timestamp, step) => new MlflowMetric(key, value, timestamp, step));

    // Few distinct param keys, so that repeats (which must not share a request) are common.
    private static readonly Gen<MlflowParam> Param =
        Gen.Select(Gen.String[Gen.Char["pq"], 1, 2], Gen.String[Gen.Char.AlphaNumeric, 0, 40], (k, v) => new MlflowParam(k, v));

    private static readonly Gen<MlflowRunTag> Tag =
        Gen.Select(Key, Gen.String[Gen.Char.AlphaNumeric, 0, 60], (k, v) => new MlflowRunTag(k, v));

    private static readonly Gen<LogBatchRequest> Batch =
        Gen.Select(Metric.List[0, 40], Param.List[0, 15], Tag.List[0, 15], (m, p, t) => new LogBatchRequest(RunId, m, p, t));

    private static readonly Gen<(LogBatchRequest Batch, LogBatchLimits Limits)> BatchWithLimits =
        Gen.Select(Batch, Gen.Int[1, 8], Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[1, 12], Gen.Int[0, 400],
            (batch, metrics, parameters, tags, entities, slack) =>
            {
                // Room for the largest single item, so that every input can be split.
                var largest = batch.Metrics.Select(m => LogBatchSplitter.Size(new LogBatchRequest(RunId, [m], [], [])))
                    .Concat(batch.Params.Select(p => LogBatchSplitter.Size(new LogBatchRequest(RunId, [], [p], []))))
                    .Concat(batch.Tags.Select(t => LogBatchSplitter.Size(new LogBatchRequest(RunId, [], [], [t]))))
                    .DefaultIfEmpty(0).Max();
                return (batch, new LogBatchLimits
                {
                    MaxMetrics = metrics, MaxParams = parameters, MaxTags = tags, MaxEntities = entities,
                    MaxRequestBytes = largest + slack,
                });
            });

    [Fact]
    public void Every_item_lands_exactly_once_and_in_order() =>
        BatchWithLimits.Sample(input =>
        {
            var parts = LogBatchSplitter.Split(input.Batch, input.Limits);

            Assert.Equal(input.Batch.Metrics, parts.SelectMany(p => p.Metrics));
            Assert.Equal(input.Batch.Params, parts.SelectMany(p => p.Params));
            Assert.Equal(input.Batch.Tags, parts.SelectMany(p => p.Tags));
            Assert.All(parts, p => Assert.Equal(RunId, p.RunId));
        }, iter: 300);

    [Fact]
    public void Every_request_is_within_every_limit_and_has_no_repeated_param_key() =>
        BatchWithLimits.Sample(input =>
        {
            var limits = input.Limits;
            foreach (var part in LogBatchSplitter.Split(input.Batch, limits))
            {
                Assert.InRange(part.Metrics.Count, 0, limits.MaxMetrics);
                Assert.InRange(part.Params.Count, 0, limits.MaxParams);
                Assert.InRange(part.Tags.Count, 0, limits.MaxTags);
                Assert.InRange(part.Metrics.Count + part.Params.Count + part.Tags.Count, 1, limits.MaxEntities);
                Assert.InRange(LogBatchSplitter.Size(part), 0, limits.MaxRequestBytes);
                Assert.Equal(part.Params.Count, part.Params.Select(p => p.Key).Distinct().Count());
            }
        }, iter: 300);

    [Fact]
    public void Counts_are_split_at_mlflows_limits_filling_each_request_before_the_next()
    {
        var metrics = Enumerable.Range(0, 2500).Select(i => new MlflowMetric("loss", i, 1700000000000 + i, i)).ToArray();
        var parameters = Enumerable.Range(0, 250).Select(i => new MlflowParam($"p{i}", "v")).ToArray();
        var tags = Enumerable.Range(0, 250).Select(i => new MlflowRunTag($"t{i}", "v")).ToArray();

        var parts = LogBatchSplitter.Split(new LogBatchRequest(RunId, metrics, parameters, tags));

        // 1000 entities a request: 1000 metrics, 1000 metrics, then 500 metrics + 100 params + 100 tags, then the rest.
        Assert.Equal([(1000, 0, 0), (1000, 0, 0), (500, 100, 100), (0, 100, 100), (0, 50, 50)],
            parts.Select(p => (p.Metrics.Count, p.Params.Count, p.Tags.Count)));
    }

    [Fact]
    public void Large_values_are_split_at_one_megabyte()
    {
        // 100 params of 6000 characters and 100 tags of 5000 are each within MLflow's per-kind count, but 1.1 MB together.
        var parameters = Enumerable.Range(0, 100).Select(i => new MlflowParam($"p{i:D3}", new string('x', 6000))).ToArray();
        var tags = Enumerable.Range(0, 100).Select(i => new MlflowRunTag($"t{i:D3}", new string('y', 5000))).ToArray();

        var parts = LogBatchSplitter.Split(new LogBatchRequest(RunId, [], parameters, tags));

        // {"key":"p000","value":"..."} is 6025 bytes, a tag 5025, each after the first in its array one more for the
        // comma; the envelope {"run_id":"...","metrics":[],"params":[],"tags":[]} is 64. So k tags fit while
        // 64 + (100 * 6025 + 99) + (5026 * k - 1) <= 1 000 000, i.e. k = 79.
        Assert.Equal(2, parts.Count);
        Assert.Equal((100, 79), (parts[0].Params.Count, parts[0].Tags.Count));
        Assert.Equal((0, 21), (parts[1].Params.Count, parts[1].Tags.Count));
        Assert.All(parts, p => Assert.InRange(LogBatchSplitter.Size(p), 0, 1_000_000));
    }

    [Fact]
    public void The_size_estimate_is_exactly_the_sent_body()
    {
        var request = new LogBatchRequest(RunId, [new MlflowMetric("a", double.NaN, 1, 2)], [new MlflowParam("p", "é")], []);

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(
            """{"run_id":"0123456789abcdef","metrics":[{"key":"a","value":"NaN","timestamp":1,"step":2}],"params":[{"key":"p","value":"\u00E9"}],"tags":[]}"""),
            LogBatchSplitter.Size(request));
    }

    [Fact]
    public void Nothing_to_log_gives_no_request() =>
        Assert.Empty(LogBatchSplitter.Split(new LogBatchRequest(RunId, [], [], [])));

    [Fact]
    public void An_item_too_large_for_any_request_is_refused_naming_its_key()
    {
        var batch = new LogBatchRequest(RunId, [], [], [new MlflowRunTag("huge", new string('z', 200))]);

        var error = Assert.Throws<ArgumentException>(() =>
            LogBatchSplitter.Split(batch, new LogBatchLimits { MaxRequestBytes = 150 }));

        Assert.Contains("tag 'huge'", error.Message);
    }

    [Fact]
    public void A_limit_below_one_is_refused_naming_it() =>
        Assert.Contains("MaxEntities", Assert.Throws<ArgumentException>(() => LogBatchSplitter.Split(
            new LogBatchRequest(RunId, [], [], []), new LogBatchLimits { MaxEntities = 0 })).Message);
}
