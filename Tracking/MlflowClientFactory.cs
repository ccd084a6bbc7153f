using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace FocusedQuantization.Tracking;

/// <summary>Builds HTTP clients and Refit APIs that speak MLflow's REST dialect to the configured server.</summary>
public static class MlflowClientFactory
{
    /// <summary>Default of the request timeout: MLflow's Python client waits 120 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// MLflow's JSON conventions: snake_case names, int64 fields read from numbers or strings (old servers send
    /// strings), doubles' NaN and infinities as proto3's "NaN"/"Infinity"/"-Infinity", enums as upper-case names,
    /// null fields left out of requests.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
    };

    /// <summary>
    /// Refit settings that serialize with <see cref="JsonOptions"/> and raise a refused call as the typed
    /// <see cref="MlflowException"/> for its error code.
    /// </summary>
    public static RefitSettings RefitSettings { get; } = CreateRefitSettings();

    /// <summary>
    /// An HTTP client addressed to the tracking server, sending the configured credentials, retrying transient failures
    /// as <paramref name="retry"/> says, with certificate checks off if the settings say so. The caller owns and
    /// disposes it.
    /// </summary>
    /// <param name="settings">Server URL and credentials.</param>
    /// <param name="retry">Retry policy; null means <see cref="MlflowRetryOptions"/>' defaults.</param>
    public static HttpClient CreateHttpClient(MlflowTrackingSettings settings, MlflowRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        retry ??= new MlflowRetryOptions();
        if (retry.MaxRetryAttempts < 0)
            throw new ArgumentException($"MaxRetryAttempts must be 0 or more; got {retry.MaxRetryAttempts}.", nameof(retry));
        var sockets = new SocketsHttpHandler();
        if (settings.InsecureTls) sockets.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        HttpMessageHandler handler = retry.MaxRetryAttempts == 0
            ? sockets
            : new ResilienceHandler(CreateRetryPipeline(retry)) { InnerHandler = sockets };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = settings.TrackingUri,
            Timeout = DefaultTimeout,
        };
        client.DefaultRequestHeaders.Authorization = settings.AuthorizationHeader;
        return client;
    }

    /// <summary>
    /// The retry pipeline <see cref="CreateHttpClient"/> puts in front of the network, for callers that build their
    /// own handler chain: exponential backoff on HTTP 408, 429, 5xx and network errors, honouring Retry-After.
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> CreateRetryPipeline(MlflowRetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        if (retry.MaxRetryAttempts < 1)
            throw new ArgumentException($"A retry pipeline needs MaxRetryAttempts of 1 or more; got {retry.MaxRetryAttempts}.", nameof(retry));
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                ShouldRetryAfterHeader = true,
            })
            .Build();
    }

    /// <summary>The experiments API over the given client, whose base address is the tracking server.</summary>
    public static IMlflowExperimentsApi CreateExperimentsApi(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return RestService.For<IMlflowExperimentsApi>(client, RefitSettings);
    }

    /// <summary>The runs and metrics API over the given client, whose base address is the tracking server.</summary>
    public static IMlflowRunsApi CreateRunsApi(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return RestService.For<IMlflowRunsApi>(client, RefitSettings);
    }

    private static RefitSettings CreateRefitSettings()
    {
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(JsonOptions));
        settings.ExceptionFactory = async response =>
        {
            if (response.IsSuccessStatusCode) return null;
            var request = response.RequestMessage!;
            var source = await ApiException.Create(request, request.Method, response, settings).ConfigureAwait(false);
            return MlflowException.From(source);
        };
        return settings;
    }

    /// <summary>
    /// The MLflow error in a failed call's body, or null when the body is not one (e.g. a proxy's HTML page); then only
    /// the HTTP status tells what happened.
    /// </summary>
    public static MlflowError? GetMlflowError(this ApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (string.IsNullOrWhiteSpace(exception.Content)) return null;
        try
        {
            var error = JsonSerializer.Deserialize<MlflowError>(exception.Content, JsonOptions);
            return string.IsNullOrEmpty(error?.ErrorCode) ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
