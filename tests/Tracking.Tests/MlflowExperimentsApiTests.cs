using System.Text.Json;

namespace FocusedQuantization.Tracking.Tests;

public sealed class MlflowExperimentsApiTests : RecordingServerTests
{
    private readonly IMlflowExperimentsApi api;

    // A path prefix, as when the server sits behind a reverse proxy, must stay in front of the API path.
    public MlflowExperimentsApiTests()
        : base(address => new MlflowTrackingSettings(new Uri(address, "prefix/"), token: "tok"))
    {
        api = MlflowClientFactory.CreateExperimentsApi(Http);
    }

    [Fact]
    public async Task Create_posts_snake_case_json_to_the_create_path_and_reads_the_id()
    {
        var answered = Server.AnswerNextAsync(200, """{"experiment_id":"17"}""");

        var response = await api.CreateExperimentAsync(
            new CreateExperimentRequest("sweep a", "s3://bucket/a", [new ExperimentTag("owner", "me")]), Cancel);
        var request = await answered;

        Assert.Equal("17", response.ExperimentId);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/prefix/api/2.0/mlflow/experiments/create", request.PathAndQuery);
        Assert.StartsWith("application/json", request.ContentType);
        Assert.Equal("Bearer tok", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("sweep a", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("s3://bucket/a", body.RootElement.GetProperty("artifact_location").GetString());
        var tag = Assert.Single(body.RootElement.GetProperty("tags").EnumerateArray());
        Assert.Equal("owner", tag.GetProperty("key").GetString());
        Assert.Equal("me", tag.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Create_leaves_out_the_fields_that_are_not_given()
    {
        var answered = Server.AnswerNextAsync(200, """{"experiment_id":"1"}""");

        await api.CreateExperimentAsync(new CreateExperimentRequest("bare"), Cancel);
        var request = await answered;

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["name"], body.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Get_by_name_sends_the_name_as_a_query_parameter_and_reads_times_sent_as_strings_or_numbers()
    {
        var answered = Server.AnswerNextAsync(200, """
            {"experiment":{"experiment_id":"3","name":"a b","artifact_location":"/art/3","lifecycle_stage":"active",
             "last_update_time":1700000000123,"creation_time":"1700000000000","tags":[{"key":"k","value":"v"}],
             "workspace":"ignored"}}
            """);

        var experiment = (await api.GetExperimentByNameAsync("a b", Cancel)).Experiment;
        var request = await answered;

        Assert.Equal("GET", request.Method);
        Assert.Equal("/prefix/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%20b", request.PathAndQuery);
        Assert.Equal(new MlflowExperiment("3", "a b", "/art/3", "active", 1700000000123, 1700000000000, null),
            experiment with { Tags = null });
        Assert.Equal([new ExperimentTag("k", "v")], experiment.Tags!);
    }

    [Fact]
    public async Task A_refused_call_raises_the_typed_exception_carrying_the_mlflow_error()
    {
        var answered = Server.AnswerNextAsync(404,
            """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Could not find experiment with name 'x'"}""");

        var error = await Assert.ThrowsAsync<ResourceDoesNotExistException>(() => api.GetExperimentByNameAsync("x", Cancel));
        await answered;

        Assert.Equal(404, (int)error.StatusCode);
        Assert.Equal(new MlflowError("RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'x'"), error.GetMlflowError());
    }

    [Fact]
    public async Task A_refusal_without_an_mlflow_body_has_no_mlflow_error()
    {
        var answered = Server.AnswerNextAsync(502, "\"bad gateway\"");

        var error = await Assert.ThrowsAsync<MlflowException>(() => api.GetExperimentByNameAsync("x", Cancel));
        await answered;

        Assert.Equal(502, (int)error.StatusCode);
        Assert.Null(error.GetMlflowError());
        Assert.False(error.FromMlflowBody);
    }

    [Fact]
    public async Task Get_sends_the_experiment_id_in_the_query()
    {
        var answered = Server.AnswerNextAsync(200, """{"experiment":{"experiment_id":"4","name":"n","lifecycle_stage":"deleted"}}""");

        var experiment = (await api.GetExperimentAsync("4", Cancel)).Experiment;
        var request = await answered;

        Assert.Equal(("GET", "/prefix/api/2.0/mlflow/experiments/get?experiment_id=4"), (request.Method, request.PathAndQuery));
        Assert.Equal(new MlflowExperiment("4", "n", null, "deleted", null, null, null), experiment);
    }

    [Fact]
    public async Task Search_posts_paging_filter_order_and_view_type_and_reads_the_page()
    {
        var answered = Server.AnswerNextAsync(200, """
            {"experiments":[{"experiment_id":"1","name":"a"},{"experiment_id":"2","name":"b"}],"next_page_token":"nx"}
            """);

        var page = await api.SearchExperimentsAsync(
            new SearchExperimentsRequest(100, "tok", "name LIKE 'fq%'", ["name"], MlflowViewType.All), Cancel);
        var request = await answered;

        Assert.Equal(("POST", "/prefix/api/2.0/mlflow/experiments/search"), (request.Method, request.PathAndQuery));
        Assert.Equal("""
            {"max_results":100,"page_token":"tok","filter":"name LIKE \u0027fq%\u0027","order_by":["name"],"view_type":"ALL"}
            """, request.Body);
        Assert.Equal(["1", "2"], page.Experiments!.Select(e => e.ExperimentId));
        Assert.Equal("nx", page.NextPageToken);
    }
}
