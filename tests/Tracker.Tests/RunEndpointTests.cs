using System.Net;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class RunEndpointTests : TrackerTestBase
{
    private async Task<string> CreateRunAsync(string experimentId, string json = "") =>
        (await PostOkAsync("runs/create", $$"""{"experiment_id":"{{experimentId}}"{{json}}}"""))
        .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

    private static string? Tag(JsonElement run, string key) =>
        run.GetProperty("data").GetProperty("tags").EnumerateArray()
            .Where(t => t.GetProperty("key").GetString() == key).Select(t => t.GetProperty("value").GetString()).FirstOrDefault();

    [Fact]
    public async Task A_created_run_is_running_with_its_name_start_time_tags_and_the_runName_mirror_tag()
    {
        var experiment = await CreateExperimentAsync("runs");

        var created = await PostOkAsync("runs/create",
            $$"""{"experiment_id":"{{experiment}}","run_name":"trial 1","start_time":1700000000123,"tags":[{"key":"sweep","value":"s1"}]}""");
        var runId = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var run = (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");

        var info = run.GetProperty("info");
        Assert.Equal(32, runId.Length);
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal(experiment, info.GetProperty("experiment_id").GetString());
        Assert.Equal("trial 1", info.GetProperty("run_name").GetString());
        Assert.Equal("RUNNING", info.GetProperty("status").GetString());
        Assert.Equal(1700000000123, info.GetProperty("start_time").GetInt64());
        Assert.False(info.TryGetProperty("end_time", out _));
        Assert.Equal("active", info.GetProperty("lifecycle_stage").GetString());
        Assert.EndsWith($"/{experiment}/{runId}/artifacts", info.GetProperty("artifact_uri").GetString());
        Assert.Equal("s1", Tag(run, "sweep"));
        Assert.Equal("trial 1", Tag(run, "mlflow.runName"));
    }

    [Fact]
    public async Task Without_run_name_the_runName_tag_names_the_run()
    {
        var experiment = await CreateExperimentAsync("named by tag");

        var runId = await CreateRunAsync(experiment, ""","tags":[{"key":"mlflow.runName","value":"from tag"}]""");

        var info = (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run").GetProperty("info");
        Assert.Equal("from tag", info.GetProperty("run_name").GetString());
    }

    [Fact]
    public async Task Update_sets_status_end_time_and_name_and_returns_the_run_info()
    {
        var runId = await CreateRunAsync("0", ""","run_name":"before" """);

        var updated = await PostOkAsync("runs/update",
            $$"""{"run_id":"{{runId}}","status":"FINISHED","end_time":"1700000009999","run_name":"after"}""");
        var run = (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");

        Assert.Equal("FINISHED", updated.GetProperty("run_info").GetProperty("status").GetString());
        Assert.Equal(1700000009999, run.GetProperty("info").GetProperty("end_time").GetInt64());
        Assert.Equal("after", run.GetProperty("info").GetProperty("run_name").GetString());
        Assert.Equal("after", Tag(run, "mlflow.runName"));
    }

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("SCHEDULED")]
    [InlineData("FINISHED")]
    [InlineData("FAILED")]
    [InlineData("KILLED")]
    public async Task Every_MLflow_status_is_accepted_by_update(string status)
    {
        var runId = await CreateRunAsync("0");

        var updated = await PostOkAsync("runs/update", $$"""{"run_id":"{{runId}}","status":"{{status}}"}""");

        Assert.Equal(status, updated.GetProperty("run_info").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Delete_is_soft_and_restore_brings_the_run_back()
    {
        var runId = await CreateRunAsync("0");

        var deleted = await PostOkAsync("runs/delete", $$"""{"run_id":"{{runId}}"}""");
        var stageAfterDelete = (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run").GetProperty("info")
            .GetProperty("lifecycle_stage").GetString();
        await PostOkAsync("runs/restore", $$"""{"run_id":"{{runId}}"}""");
        var stageAfterRestore = (await GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run").GetProperty("info")
            .GetProperty("lifecycle_stage").GetString();

        Assert.Equal(JsonValueKind.Object, deleted.ValueKind);
        Assert.Empty(deleted.EnumerateObject());
        Assert.Equal("deleted", stageAfterDelete);
        Assert.Equal("active", stageAfterRestore);
    }

    [Fact]
    public async Task An_unknown_run_id_gives_404_RESOURCE_DOES_NOT_EXIST_everywhere()
    {
        const string missing = "0123456789abcdef0123456789abcdef";

        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await GetAsync($"runs/get?run_id={missing}"));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await PostAsync("runs/update", $$"""{"run_id":"{{missing}}","status":"FINISHED"}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync("runs/delete", $$"""{"run_id":"{{missing}}"}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await PostAsync("runs/log-metric", $$"""{"run_id":"{{missing}}","key":"k","value":1,"timestamp":1}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await PostAsync("runs/log-parameter", $$"""{"run_id":"{{missing}}","key":"k","value":"v"}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await PostAsync("runs/set-tag", $$"""{"run_id":"{{missing}}","key":"k","value":"v"}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync("runs/log-batch", $$"""{"run_id":"{{missing}}"}"""));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await GetAsync($"metrics/get-history?run_id={missing}&metric_key=k"));
    }

    [Fact]
    public async Task Creating_a_run_in_an_unknown_experiment_gives_404() =>
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync("runs/create", """{"experiment_id":"42"}"""));

    [Theory]
    [InlineData("runs/create", """{}""")]
    [InlineData("runs/create", """{"experiment_id":"0","tags":[{"key":"no value"}]}""")]
    [InlineData("runs/create", """{"experiment_id":"0","start_time":"soon"}""")]
    [InlineData("runs/create", """{"experiment_id":"0" """)]
    [InlineData("runs/update", """{"status":"FINISHED"}""")]
    [InlineData("runs/update", """{"run_id":"x","status":"DONE"}""")]
    [InlineData("runs/delete", """{}""")]
    [InlineData("runs/delete", """null""")]
    [InlineData("runs/restore", """not json""")]
    public async Task Malformed_or_incomplete_run_requests_give_400_INVALID_PARAMETER_VALUE(string path, string body) =>
        AssertInvalid(await PostAsync(path, body));

    [Fact]
    public async Task Get_without_a_run_id_gives_400() => AssertInvalid(await GetAsync("runs/get"));
}
