using Microsoft.AspNetCore.Http.Features;

namespace FocusedQuantization.Tracker;

/// <summary>
/// Middleware that turns every failed request into MLflow's {"error_code", "message"} body, including those that fail
/// outside an endpoint's own checks: a body over the server's size limit, a malformed body stream, an unexpected bug.
/// MLflow clients read the error code from the body; an empty answer leaves them only a bare status to guess from.
/// </summary>
public static class ErrorBodies
{
    /// <summary>Runs the rest of the pipeline and answers its failures as MLflow errors.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        MlflowException error;
        try
        {
            await next(context);
            return;
        }
        catch (MlflowException e) when (!context.Response.HasStarted)
        {
            error = e;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            error = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? MlflowException.BodyTooLarge(
                    $"The request body is over {context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} " +
                    "bytes, the most this tracker reads; split it into smaller requests.")
                : new MlflowException("BAD_REQUEST", e.StatusCode, $"The request could not be read: {e.Message}");
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ErrorBodies))
                .LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            error = new MlflowException("INTERNAL_ERROR", StatusCodes.Status500InternalServerError,
                "The tracker failed to answer this request; its log has the details.");
        }
        context.Response.Clear();
        await error.ToResult().ExecuteAsync(context);
    }
}
