using System.Net;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class ExperimentSearchTests : TrackerTestBase
{
    private static List<string> Names(JsonElement body) =>
        body.TryGetProperty("experiments", out var list)
            ? list.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList()
            : [];

    [Fact]
    public async Task Get_by_id_returns_the_experiment_and_an_unknown_id_gives_404()
    {
        var id = await CreateExperimentAsync("by id");

        var body = await GetOkAsync($"experiments/get?experiment_id={id}");

        Assert.Equal("by id", body.GetProperty("experiment").GetProperty("name").GetString());
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await GetAsync("experiments/get?experiment_id=999"));
        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", await GetAsync("experiments/get?experiment_id=abc"));
        AssertInvalid(await GetAsync("experiments/get"));
    }

    [Fact]
    public async Task Search_filters_on_name_with_equals_and_LIKE_case_sensitively()
    {
        foreach (var name in new[] { "sweep-a", "sweep-b", "Sweep-c", "other" }) await CreateExperimentAsync(name);

        var like = await PostOkAsync("experiments/search", """{"filter":"name LIKE 'sweep-%'","order_by":["name"]}""");
        var equal = await PostOkAsync("experiments/search", """{"filter":"attributes.name = 'other'"}""");
        var ilike = await PostOkAsync("experiments/search", """{"filter":"name ILIKE 'SWEEP-_'","order_by":["name DESC"]}""");

        Assert.Equal(["sweep-a", "sweep-b"], Names(like));
        Assert.Equal(["other"], Names(equal));
        Assert.Equal(["sweep-b", "sweep-a", "Sweep-c"], Names(ilike));
    }

    [Fact]
    public async Task Search_orders_by_creation_time_newest_first_by_default_and_by_name_when_asked()
    {
        foreach (var name in new[] { "b", "c", "a" }) await CreateExperimentAsync(name);

        var byDefault = Names(await PostOkAsync("experiments/search", "{}"));
        var byName = Names(await PostOkAsync("experiments/search", """{"order_by":["name ASC"]}"""));
        var byCreation = Names(await PostOkAsync("experiments/search", """{"order_by":["creation_time"]}"""));

        // Created within the same millisecond, the higher id is the newer one.
        Assert.Equal(["a", "c", "b", "Default"], byDefault);
        Assert.Equal(["Default", "a", "b", "c"], byName);
        Assert.Equal(["Default", "b", "c", "a"], byCreation);
    }

    [Fact]
    public async Task Search_pages_with_max_results_and_page_token_until_the_token_is_gone()
    {
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5" }) await CreateExperimentAsync(name);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var request = JsonSerializer.Serialize(new { max_results = 2, page_token = token, filter = "name LIKE 'p%'", order_by = new[] { "name" } });
            var body = await PostOkAsync("experiments/search", request);
            seen.AddRange(Names(body));
            token = body.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
            pages++;
        } while (token is not null);

        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Search_is_also_served_over_GET_with_query_parameters()
    {
        await CreateExperimentAsync("got");

        var body = await GetOkAsync("experiments/search?filter=name%20%3D%20%27got%27&max_results=5");

        Assert.Equal(["got"], Names(body));
    }

    [Theory]
    [InlineData("""{"filter":"name ~ 'x'"}""")]
    [InlineData("""{"filter":"name = 'x' OR name = 'y'"}""")]
    [InlineData("""{"filter":"name = 'unclosed"}""")]
    [InlineData("""{"filter":"metrics.cr > 1"}""")]
    [InlineData("""{"filter":"name > 3"}""")]
    [InlineData("""{"order_by":["metrics.cr"]}""")]
    [InlineData("""{"max_results":0}""")]
    [InlineData("""{"page_token":"not-a-token"}""")]
    [InlineData("""{"view_type":"SOME"}""")]
    [InlineData("""{"filter":5}""")]
    [InlineData("""[1,2""")]
    public async Task A_bad_search_request_gives_400_INVALID_PARAMETER_VALUE(string body) =>
        AssertInvalid(await PostAsync("experiments/search", body));
}
