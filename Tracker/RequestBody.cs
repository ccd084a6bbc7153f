using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FocusedQuantization.Tracker;

/// <summary>Reads JSON request bodies, turning unreadable ones into MLflow's INVALID_PARAMETER_VALUE.</summary>
public static class RequestBody
{
    /// <summary>The body as <typeparamref name="T"/>; never null.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when the body is empty or not valid JSON of that shape.</exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request, string endpoint, CancellationToken cancellationToken)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return await DeserializeAsync<T>(request.Body, endpoint, options, cancellationToken);
    }

    /// <summary>The body as <typeparamref name="T"/>, refused unread when it is longer than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when the body is too long, empty or not valid JSON of that shape.</exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request, string endpoint, long maxBytes, CancellationToken cancellationToken)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (request.ContentLength > maxBytes) throw TooLong(endpoint, request.ContentLength.Value, maxBytes);
        // A chunked body has no length up front, so it is buffered up to one byte past the limit to find out.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes) throw TooLong(endpoint, null, maxBytes);
        }
        buffer.Position = 0;
        return await DeserializeAsync<T>(buffer, endpoint, options, cancellationToken);
    }

    private static MlflowException TooLong(string endpoint, long? length, long maxBytes) =>
        MlflowException.InvalidParameterValue(
            $"The {endpoint} request body is {(length is null ? "over " + maxBytes : length.ToString())} bytes long; " +
            $"at most {maxBytes} are allowed, so split it into smaller requests.");

    private static async Task<T> DeserializeAsync<T>(
        Stream body, string endpoint, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            // Read whatever the content type says: MLflow clients send JSON, hand-written curl calls often forget the header.
            return await JsonSerializer.DeserializeAsync<T>(body, options, cancellationToken)
                   ?? throw MlflowException.InvalidParameterValue($"The body of {endpoint} must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw MlflowException.InvalidParameterValue($"The request body is not a valid {endpoint} request: {e.Message}");
        }
    }

    /// <summary>MLflow's empty answer, {}.</summary>
    public static IResult Empty { get; } = Results.Json(new Dictionary<string, string>());

    /// <summary>A required string field, refused when missing or blank.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when it is missing.</exception>
    public static string Required(string? value, string parameter) =>
        string.IsNullOrWhiteSpace(value)
            ? throw MlflowException.InvalidParameterValue($"Missing value for required parameter '{parameter}'.")
            : value;

    /// <summary>max_results checked against 1..limit; the default when null.</summary>
    /// <exception cref="MlflowException">INVALID_PARAMETER_VALUE when out of range.</exception>
    public static int MaxResults(long? maxResults, int defaultValue, int limit) => maxResults switch
    {
        null => defaultValue,
        < 1 => throw MlflowException.InvalidParameterValue($"max_results must be at least 1, not {maxResults}."),
        _ when maxResults > limit => throw MlflowException.InvalidParameterValue(
            $"max_results must be at most {limit}, not {maxResults}."),
        _ => (int)maxResults.Value,
    };
}
