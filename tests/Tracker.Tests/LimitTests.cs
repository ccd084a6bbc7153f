using System.Net;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>MLflow's length limits on experiment tags and run names, which a client could otherwise fill with megabytes.</summary>
public sealed class LimitTests : TrackerTestBase
{
    private const int OneMegabyte = 1_000_000;

    private static string Text(int length) => new('x', length);

    private Task<(HttpStatusCode Status, JsonElement Body)> CreateExperimentWithTagAsync(string name, string key, string value) =>
        PostAsync("experiments/create", JsonSerializer.Serialize(new { name, tags = new[] { new { key, value } } }));

    private async Task<JsonElement> RunAsync(string runId) =>
        (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");

    private static string? Tag(JsonElement run, string key) =>
        run.GetProperty("data").GetProperty("tags").EnumerateArray()
            .Where(t => t.GetProperty("key").GetString() == key).Select(t => t.GetProperty("value").GetString()).SingleOrDefault();

    public static TheoryData<int, int> OverlongExperimentTags() => new()
    {
        { OneMegabyte, 1 }, { 1, OneMegabyte }, { OneMegabyte, OneMegabyte }, { 251, 1 }, { 1, 5001 },
    };

    [Theory]
    [MemberData(nameof(OverlongExperimentTags))]
    public async Task An_experiment_tag_over_250_key_or_5000_value_characters_is_refused_and_nothing_created(int keyLength, int valueLength)
    {
        AssertInvalid(await CreateExperimentWithTagAsync("tagged", Text(keyLength), Text(valueLength)));

        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await GetAsync("experiments/get-by-name?experiment_name=tagged"));
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("bad*key")]
    [InlineData("")]
    public async Task An_experiment_tag_key_follows_the_rules_of_run_tag_keys(string key) =>
        AssertInvalid(await CreateExperimentWithTagAsync("tagged", key, "v"));

    [Fact]
    public async Task An_experiment_tag_at_the_limits_is_kept_whole()
    {
        var created = await CreateExperimentWithTagAsync("at limits", Text(250), Text(5000));
        Assert.Equal(HttpStatusCode.OK, created.Status);

        var tag = (await GetOkAsync("experiments/get-by-name?experiment_name=at%20limits"))
            .GetProperty("experiment").GetProperty("tags").EnumerateArray().Single();
        Assert.Equal(250, tag.GetProperty("key").GetString()!.Length);
        Assert.Equal(5000, tag.GetProperty("value").GetString()!.Length);
    }

    [Theory]
    [InlineData(8001)]
    [InlineData(OneMegabyte)]
    public async Task A_run_name_longer_than_a_tag_value_is_refused_by_runs_create_and_runs_update(int length)
    {
        var experiment = await CreateExperimentAsync("names");
        AssertInvalid(await PostAsync("runs/create", JsonSerializer.Serialize(new { experiment_id = experiment, run_name = Text(length) })));
        var runId = (await PostOkAsync("runs/create", JsonSerializer.Serialize(new { experiment_id = experiment, run_name = "short" })))
            .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

        AssertInvalid(await PostAsync("runs/update", JsonSerializer.Serialize(new { run_id = runId, run_name = Text(length) })));

        var run = await RunAsync(runId);
        Assert.Equal("short", run.GetProperty("info").GetProperty("run_name").GetString());
        Assert.Equal("short", Tag(run, "mlflow.runName"));
        var search = await PostOkAsync("runs/search", JsonSerializer.Serialize(new { experiment_ids = new[] { experiment } }));
        Assert.Equal(1, search.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task A_run_name_of_8000_characters_is_kept_in_the_name_and_the_mlflow_runName_tag()
    {
        var experiment = await CreateExperimentAsync("names");
        var runId = (await PostOkAsync("runs/create", JsonSerializer.Serialize(new { experiment_id = experiment, run_name = Text(7999) })))
            .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

        await PostOkAsync("runs/update", JsonSerializer.Serialize(new { run_id = runId, run_name = Text(8000) }));

        var run = await RunAsync(runId);
        Assert.Equal(8000, run.GetProperty("info").GetProperty("run_name").GetString()!.Length);
        Assert.Equal(8000, Tag(run, "mlflow.runName")!.Length);
    }

    [Fact]
    public async Task An_experiment_name_over_500_characters_is_refused_by_create_and_update()
    {
        AssertInvalid(await PostAsync("experiments/create", JsonSerializer.Serialize(new { name = Text(OneMegabyte) })));
        var id = await CreateExperimentAsync(Text(500));

        AssertInvalid(await PostAsync("experiments/update", JsonSerializer.Serialize(new { experiment_id = id, new_name = Text(501) })));

        Assert.Equal(Text(500), (await GetOkAsync($"experiments/get?experiment_id={id}")).GetProperty("experiment").GetProperty("name").GetString());
    }
}
