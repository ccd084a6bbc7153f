using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

public sealed class RunSearchTests : TrackerTestBase
{
    private string experiment = "";

    /// <summary>Four runs: a (cr 10, lr 0.1, FINISHED), b (cr 20, lr 0.2, FINISHED), c (cr 5, RUNNING), d (no cr).</summary>
    private async Task SeedAsync()
    {
        experiment = await CreateExperimentAsync("search");
        await RunAsync("a", 1000, 10, "0.1", "FINISHED", ("sweep-id", "s1"));
        await RunAsync("b", 2000, 20, "0.2", "FINISHED", ("sweep-id", "s1"));
        await RunAsync("c", 3000, 5, "0.1", null, ("sweep-id", "s2"));
        await RunAsync("d", 4000, null, null, null);
    }

    private async Task RunAsync(string name, long start, double? cr, string? lr, string? status, params (string Key, string Value)[] tags)
    {
        var tagJson = string.Join(",", tags.Select(t => JsonSerializer.Serialize(new { key = t.Key, value = t.Value })));
        var id = (await PostOkAsync("runs/create",
                $$"""{"experiment_id":"{{experiment}}","run_name":"{{name}}","start_time":{{start}},"tags":[{{tagJson}}]}"""))
            .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        if (cr is { } value)
            await PostOkAsync("runs/log-metric", $$"""{"run_id":"{{id}}","key":"cr","value":{{value}},"timestamp":1}""");
        if (lr is not null)
            await PostOkAsync("runs/log-parameter", $$"""{"run_id":"{{id}}","key":"lr","value":"{{lr}}"}""");
        if (status is not null)
            await PostOkAsync("runs/update", $$"""{"run_id":"{{id}}","status":"{{status}}"}""");
    }

    private async Task<List<string>> NamesAsync(string? filter = null, string[]? orderBy = null)
    {
        var body = await PostOkAsync("runs/search",
            JsonSerializer.Serialize(new { experiment_ids = new[] { experiment }, filter, order_by = orderBy }));
        return Names(body);
    }

    private static List<string> Names(JsonElement body) =>
        body.TryGetProperty("runs", out var runs)
            ? runs.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!).ToList()
            : [];

    [Fact]
    public async Task Without_filter_or_order_the_runs_of_the_experiment_come_newest_first()
    {
        await SeedAsync();
        await PostOkAsync("runs/create", """{"experiment_id":"0","run_name":"elsewhere"}""");

        Assert.Equal(["d", "c", "b", "a"], await NamesAsync());
    }

    [Theory]
    [InlineData("metrics.cr > 5", "b,a")]
    [InlineData("metrics.cr >= 5", "c,b,a")]
    [InlineData("metrics.cr < 10", "c")]
    [InlineData("metrics.cr <= 10", "c,a")]
    [InlineData("metrics.cr = 20", "b")]
    [InlineData("metrics.cr != 20", "c,a")]
    [InlineData("params.lr = '0.1'", "c,a")]
    [InlineData("params.lr != '0.1'", "b")]
    [InlineData("params.lr LIKE '0.%'", "c,b,a")]
    [InlineData("tags.`sweep-id` = 's1'", "b,a")]
    [InlineData("tags.\"sweep-id\" LIKE 's_'", "c,b,a")]
    [InlineData("attributes.status = 'FINISHED'", "b,a")]
    [InlineData("attributes.status != 'FINISHED'", "d,c")]
    [InlineData("attributes.run_name LIKE '%b%'", "b")]
    [InlineData("attributes.start_time >= 2000", "d,c,b")]
    [InlineData("attributes.start_time < 2000", "a")]
    [InlineData("tags.`sweep-id` = 's1' and attributes.status = 'FINISHED' AND metrics.cr > 15", "b")]
    [InlineData("tags.`mlflow.runName` = 'c'", "c")]
    public async Task Filters_select_the_runs_that_satisfy_every_clause(string filter, string expected)
    {
        await SeedAsync();

        Assert.Equal(expected.Split(','), await NamesAsync(filter));
    }

    [Theory]
    [InlineData("metrics.cr DESC", "b,a,c,d")]
    [InlineData("metrics.cr", "c,a,b,d")]
    [InlineData("metrics.cr ASC", "c,a,b,d")]
    [InlineData("attributes.start_time", "a,b,c,d")]
    [InlineData("attributes.run_name DESC", "d,c,b,a")]
    [InlineData("params.lr DESC", "b,c,a,d")]
    public async Task Order_by_sorts_runs_lacking_the_key_last_and_breaks_ties_newest_first(string orderBy, string expected)
    {
        await SeedAsync();

        Assert.Equal(expected.Split(','), await NamesAsync(orderBy: [orderBy]));
    }

    [Fact]
    public async Task Search_pages_with_max_results_and_page_token()
    {
        await SeedAsync();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = await PostOkAsync("runs/search", JsonSerializer.Serialize(new
            {
                experiment_ids = new[] { experiment }, max_results = 3, page_token = token, order_by = new[] { "attributes.start_time" },
            }));
            seen.AddRange(Names(body));
            token = body.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
            pages++;
        } while (token is not null);

        Assert.Equal(["a", "b", "c", "d"], seen);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task Deleted_runs_are_hidden_unless_the_view_type_asks_for_them()
    {
        experiment = await CreateExperimentAsync("deleted runs");
        await RunAsync("kept", 1, null, null, null);
        await RunAsync("gone", 2, null, null, null);
        var gone = (await PostOkAsync("runs/search",
            $$"""{"experiment_ids":["{{experiment}}"],"filter":"attributes.run_name = 'gone'"}""")).GetProperty("runs")[0]
            .GetProperty("info").GetProperty("run_id").GetString();
        await PostOkAsync("runs/delete", $$"""{"run_id":"{{gone}}"}""");

        var active = Names(await PostOkAsync("runs/search", $$"""{"experiment_ids":["{{experiment}}"]}"""));
        var deleted = Names(await PostOkAsync("runs/search", $$"""{"experiment_ids":["{{experiment}}"],"run_view_type":"DELETED_ONLY"}"""));
        var all = Names(await PostOkAsync("runs/search", $$"""{"experiment_ids":["{{experiment}}"],"run_view_type":"ALL"}"""));

        Assert.Equal(["kept"], active);
        Assert.Equal(["gone"], deleted);
        Assert.Equal(["gone", "kept"], all);
    }

    [Fact]
    public async Task Found_runs_carry_their_latest_metrics_params_and_tags()
    {
        await SeedAsync();

        var body = await PostOkAsync("runs/search", $$"""{"experiment_ids":["{{experiment}}"],"filter":"attributes.run_name = 'b'"}""");

        var data = body.GetProperty("runs")[0].GetProperty("data");
        Assert.Equal(20, data.GetProperty("metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal("0.2", data.GetProperty("params")[0].GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("metrics.cr > 'high'")]
    [InlineData("metrics.cr LIKE '1%'")]
    [InlineData("params.lr > 0.1")]
    [InlineData("params.lr = 0.1")]
    [InlineData("attributes.colour = 'red'")]
    [InlineData("attributes.start_time = 'yesterday'")]
    [InlineData("metrics.cr > 1 OR metrics.cr < 0")]
    [InlineData("(metrics.cr > 1)")]
    [InlineData("metrics.cr >")]
    [InlineData("metrics. > 1")]
    [InlineData("models.x = 'y'")]
    [InlineData("tags.`unclosed = 'y'")]
    [InlineData("tags.t = 'unclosed")]
    [InlineData("metrics.cr == 1")]
    [InlineData("metrics.cr > 1 AND")]
    public async Task A_bad_filter_gives_400_INVALID_PARAMETER_VALUE_not_a_500(string filter)
    {
        await SeedAsync();

        AssertInvalid(await PostAsync("runs/search",
            JsonSerializer.Serialize(new { experiment_ids = new[] { experiment }, filter })));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"experiment_ids":[]}""")]
    [InlineData("""{"experiment_ids":"0"}""")]
    [InlineData("""{"experiment_ids":["0"],"order_by":["attributes.colour"]}""")]
    [InlineData("""{"experiment_ids":["0"],"order_by":["metrics.cr SIDEWAYS"]}""")]
    [InlineData("""{"experiment_ids":["0"],"max_results":0}""")]
    [InlineData("""{"experiment_ids":["0"],"max_results":50001}""")]
    [InlineData("""{"experiment_ids":["0"],"page_token":"%%%"}""")]
    [InlineData("""{"experiment_ids":["0"],"run_view_type":"SOME"}""")]
    [InlineData("""{"experiment_ids":["0"]""")]
    public async Task A_bad_search_request_gives_400_INVALID_PARAMETER_VALUE(string body) =>
        AssertInvalid(await PostAsync("runs/search", body));
}
