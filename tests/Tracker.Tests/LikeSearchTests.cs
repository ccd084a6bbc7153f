using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>LIKE and ILIKE in runs/search and experiments/search, over HTTP, including the patterns that used to hang the server.</summary>
public sealed class LikeSearchTests : TrackerTestBase
{
    // Long enough that a backtracking regex would not finish in hours; the answer should take milliseconds.
    private static readonly string LongValue = new('a', 5000);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>POSTs with its own deadline, so that a server stuck in a match fails the test instead of hanging it.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan Elapsed)> TimedPostAsync(string path, object body)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(BaseAddress, "/api/2.0/mlflow/") };
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsync(path,
            new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), deadline.Token);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
        return (response.StatusCode, json, watch.Elapsed);
    }

    private async Task<string> RunWithTagAsync(string experiment, string name, string tagValue)
    {
        var body = await PostOkAsync("runs/create", JsonSerializer.Serialize(new
        {
            experiment_id = experiment, run_name = name, tags = new[] { new { key = "t", value = tagValue } },
        }));
        return body.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    private static List<string> RunNames(JsonElement body) =>
        body.TryGetProperty("runs", out var runs)
            ? runs.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!).Order().ToList()
            : [];

    private static List<string> ExperimentNames(JsonElement body) =>
        body.TryGetProperty("experiments", out var list)
            ? list.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList()
            : [];

    [Theory]
    [InlineData("LIKE", "%a%a%a%b", "")]
    [InlineData("ILIKE", "%A%A%A%A%A%A%B", "")]
    [InlineData("LIKE", "%a%a%a%a%", "long")]
    [InlineData("ILIKE", "%a%a%a%", "long")]
    public async Task Runs_search_with_many_wildcards_on_a_5000_character_tag_answers_quickly(string op, string pattern, string expected)
    {
        var experiment = await CreateExperimentAsync("pathological");
        await RunWithTagAsync(experiment, "long", LongValue);

        var (status, body, elapsed) = await TimedPostAsync("runs/search",
            new { experiment_ids = new[] { experiment }, filter = $"tags.t {op} '{pattern}'" });

        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), RunNames(body));
        Assert.True(elapsed < Bound, $"runs/search took {elapsed}");
    }

    [Fact]
    public async Task Experiments_search_with_many_wildcards_on_long_names_and_tags_answers_quickly()
    {
        var name = new string('a', ExperimentEndpoints.MaxNameLength);
        await PostOkAsync("experiments/create", JsonSerializer.Serialize(new
        {
            name, tags = new[] { new { key = "t", value = LongValue } },
        }));

        var byName = await TimedPostAsync("experiments/search", new { filter = "name LIKE '%a%a%a%a%a%a%b'" });
        var byTag = await TimedPostAsync("experiments/search", new { filter = "tags.t ILIKE '%a%a%a%a%b'" });
        var found = await TimedPostAsync("experiments/search", new { filter = "tags.t LIKE '%a%a%a%a%'" });

        foreach (var (status, body, elapsed) in new[] { byName, byTag, found })
        {
            Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
            Assert.True(elapsed < Bound, $"experiments/search took {elapsed}");
        }
        Assert.Empty(ExperimentNames(byName.Body));
        Assert.Empty(ExperimentNames(byTag.Body));
        Assert.Equal([name], ExperimentNames(found.Body));
    }

    [Theory]
    [InlineData("tags.t LIKE '50\\%'", "backslash,percent-literal")]
    [InlineData("tags.t LIKE '50%'", "backslash,percent,percent-literal")]
    [InlineData("tags.t LIKE 'a.c'", "dot")]
    [InlineData("tags.t LIKE '_.c'", "dot")]
    [InlineData("tags.t ILIKE 'ÉCOLE'", "accent")]
    [InlineData("tags.t LIKE 'ÉCOLE'", "")]
    [InlineData("tags.t LIKE '[ab]'", "brackets")]
    public async Task Like_treats_every_character_but_percent_and_underscore_literally_without_an_escape(string filter, string expected)
    {
        var experiment = await CreateExperimentAsync("semantics");
        await RunWithTagAsync(experiment, "backslash", @"50\ off");
        await RunWithTagAsync(experiment, "percent", "50%");
        await RunWithTagAsync(experiment, "percent-literal", @"50\%");
        await RunWithTagAsync(experiment, "dot", "a.c");
        await RunWithTagAsync(experiment, "not-dot", "abc");
        await RunWithTagAsync(experiment, "accent", "école");
        await RunWithTagAsync(experiment, "brackets", "[ab]");

        var body = await PostOkAsync("runs/search", JsonSerializer.Serialize(new { experiment_ids = new[] { experiment }, filter }));

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), RunNames(body));
    }
}
