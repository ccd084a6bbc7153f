using System.Net;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class ExperimentLifecycleTests : TrackerTestBase
{
    private async Task<JsonElement> ExperimentAsync(string id) =>
        (await GetOkAsync($"experiments/get?experiment_id={id}")).GetProperty("experiment");

    private async Task<List<string>> NamesAsync(string? viewType)
    {
        var body = await PostOkAsync("experiments/search",
            viewType is null ? """{"order_by":["name"]}""" : $$"""{"view_type":"{{viewType}}","order_by":["name"]}""");
        return body.TryGetProperty("experiments", out var list)
            ? list.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList()
            : [];
    }

    [Fact]
    public async Task A_deleted_experiment_is_marked_deleted_and_leaves_the_default_search()
    {
        var id = await CreateExperimentAsync("gone");
        await CreateExperimentAsync("kept");
        var before = (await ExperimentAsync(id)).GetProperty("last_update_time").GetInt64();

        Assert.Equal("{}", (await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}""")).GetRawText());

        var experiment = await ExperimentAsync(id);
        Assert.Equal("deleted", experiment.GetProperty("lifecycle_stage").GetString());
        Assert.True(experiment.GetProperty("last_update_time").GetInt64() >= before);
        Assert.Equal(["Default", "kept"], await NamesAsync(null));
        Assert.Equal(["Default", "kept"], await NamesAsync("ACTIVE_ONLY"));
        Assert.Equal(["gone"], await NamesAsync("DELETED_ONLY"));
        Assert.Equal(["Default", "gone", "kept"], await NamesAsync("ALL"));
    }

    [Fact]
    public async Task Get_by_name_still_finds_a_deleted_experiment_and_its_name_stays_taken()
    {
        var id = await CreateExperimentAsync("reserved");
        await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}""");

        var found = (await GetOkAsync("experiments/get-by-name?experiment_name=reserved")).GetProperty("experiment");

        Assert.Equal(id, found.GetProperty("experiment_id").GetString());
        Assert.Equal("deleted", found.GetProperty("lifecycle_stage").GetString());
        AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS",
            await PostAsync("experiments/create", """{"name":"reserved"}"""));
    }

    [Fact]
    public async Task A_restored_experiment_is_active_again_and_takes_new_runs()
    {
        var id = await CreateExperimentAsync("back");
        await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}""");
        AssertInvalid(await PostAsync("runs/create", $$"""{"experiment_id":"{{id}}"}"""));

        await PostOkAsync("experiments/restore", $$"""{"experiment_id":"{{id}}"}""");

        Assert.Equal("active", (await ExperimentAsync(id)).GetProperty("lifecycle_stage").GetString());
        await PostOkAsync("runs/create", $$"""{"experiment_id":"{{id}}"}""");
        Assert.Contains("back", await NamesAsync(null));
    }

    [Fact]
    public async Task Update_renames_an_experiment_so_that_the_old_name_is_free_and_the_new_one_found()
    {
        var id = await CreateExperimentAsync("old name");

        await PostOkAsync("experiments/update", $$"""{"experiment_id":"{{id}}","new_name":"new name"}""");

        Assert.Equal("new name", (await ExperimentAsync(id)).GetProperty("name").GetString());
        Assert.Equal(id, (await GetOkAsync("experiments/get-by-name?experiment_name=new%20name"))
            .GetProperty("experiment").GetProperty("experiment_id").GetString());
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await GetAsync("experiments/get-by-name?experiment_name=old%20name"));
        await CreateExperimentAsync("old name");
    }

    [Fact]
    public async Task Renaming_to_a_name_another_experiment_holds_even_deleted_gives_RESOURCE_ALREADY_EXISTS()
    {
        var id = await CreateExperimentAsync("a");
        await CreateExperimentAsync("b");
        var deleted = await CreateExperimentAsync("c");
        await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{deleted}}"}""");

        AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS",
            await PostAsync("experiments/update", $$"""{"experiment_id":"{{id}}","new_name":"b"}"""));
        AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS",
            await PostAsync("experiments/update", $$"""{"experiment_id":"{{id}}","new_name":"c"}"""));
        Assert.Equal("a", (await ExperimentAsync(id)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Renaming_an_experiment_to_its_own_name_is_accepted()
    {
        var id = await CreateExperimentAsync("same");

        await PostOkAsync("experiments/update", $$"""{"experiment_id":"{{id}}","new_name":"same"}""");

        Assert.Equal("same", (await ExperimentAsync(id)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Deleting_twice_restoring_an_active_one_or_touching_an_unknown_id_gives_404()
    {
        var id = await CreateExperimentAsync("once");
        await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}""");

        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}"""));
        await PostOkAsync("experiments/restore", $$"""{"experiment_id":"{{id}}"}""");
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync("experiments/restore", $$"""{"experiment_id":"{{id}}"}"""));
        foreach (var path in new[] { "experiments/delete", "experiments/restore" })
        {
            AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync(path, """{"experiment_id":"999"}"""));
            AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await PostAsync(path, """{"experiment_id":"x1"}"""));
        }
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            await PostAsync("experiments/update", """{"experiment_id":"999","new_name":"n"}"""));
    }

    [Fact]
    public async Task A_deleted_experiment_cannot_be_renamed_until_restored()
    {
        var id = await CreateExperimentAsync("frozen");
        await PostOkAsync("experiments/delete", $$"""{"experiment_id":"{{id}}"}""");

        AssertInvalid(await PostAsync("experiments/update", $$"""{"experiment_id":"{{id}}","new_name":"thawed"}"""));

        Assert.Equal("frozen", (await ExperimentAsync(id)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_Default_experiment_cannot_be_deleted()
    {
        AssertInvalid(await PostAsync("experiments/delete", """{"experiment_id":"0"}"""));

        Assert.Equal("active", (await ExperimentAsync("0")).GetProperty("lifecycle_stage").GetString());
    }

    public static TheoryData<string, string> BadLifecycleRequests() => new()
    {
        { "experiments/delete", "{}" },
        { "experiments/delete", """{"experiment_id":""}""" },
        { "experiments/delete", """{"experiment_id":5}""" },
        { "experiments/delete", "not json" },
        { "experiments/delete", "" },
        { "experiments/delete", "null" },
        { "experiments/restore", "{}" },
        { "experiments/restore", """{"experiment_id":["1"]}""" },
        { "experiments/update", """{"new_name":"x"}""" },
        { "experiments/update", """{"experiment_id":"ID"}""" },
        { "experiments/update", """{"experiment_id":"ID","new_name":"  "}""" },
        { "experiments/update", $$"""{"experiment_id":"ID","new_name":"{{new string('n', 501)}}"}""" },
        { "experiments/update", """{"experiment_id":"ID","new_name":7}""" },
        { "experiments/update", """{"experiment_id":"ID","new_name":"x""" },
    };

    [Theory]
    [MemberData(nameof(BadLifecycleRequests))]
    public async Task Bad_delete_restore_and_update_requests_give_400_INVALID_PARAMETER_VALUE(string path, string body)
    {
        var id = await CreateExperimentAsync("target");

        AssertInvalid(await PostAsync(path, body.Replace("ID", id, StringComparison.Ordinal)));

        Assert.Equal("target", (await ExperimentAsync(id)).GetProperty("name").GetString());
        Assert.Equal("active", (await ExperimentAsync(id)).GetProperty("lifecycle_stage").GetString());
    }
}
