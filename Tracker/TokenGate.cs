using System.Security.Cryptography;
using System.Text;

namespace FocusedQuantization.Tracker;

/// <summary>Lets through only /api and /ajax-api requests that bear the tracker's token as "Authorization: Bearer TOKEN".</summary>
public sealed class TokenGate
{
    private const string Scheme = "Bearer ";

    // Digests have one length whatever the tokens are, so the comparison time tells nothing about the token.
    private readonly byte[] expected;

    /// <summary>A gate for the given non-blank token.</summary>
    public TokenGate(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Whether the request bears the token.</summary>
    public bool Admits(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected);
    }

    /// <summary>Middleware: answers 401 UNAUTHENTICATED, MLflow-shaped, to an API request without the token.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var path = context.Request.Path;
        if (!(path.StartsWithSegments("/api") || path.StartsWithSegments("/ajax-api")) || Admits(context.Request))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await MlflowException.Unauthenticated(
                "This tracker requires a token: send the header 'Authorization: Bearer <token>' with the token it was " +
                "started with (--token or FQ_TRACKER_TOKEN).")
            .ToResult().ExecuteAsync(context);
    }
}
