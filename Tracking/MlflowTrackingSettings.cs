using System.Net.Http.Headers;
using System.Text;

namespace FocusedQuantization.Tracking;

/// <summary>
/// How to reach an MLflow tracking server: its URL and credentials, read from the same environment variables the
/// MLflow Python client reads.
/// </summary>
/// <remarks>
/// A bearer token and basic credentials together are refused rather than one silently winning: MLflow's own client
/// documents that the token wins, but with both set it is unclear which account the user meant, and sending the
/// wrong one fails later and less clearly.
/// </remarks>
public sealed class MlflowTrackingSettings
{
    /// <summary>Environment variable holding the server's URL.</summary>
    public const string UriVariable = "MLFLOW_TRACKING_URI";

    /// <summary>Environment variable holding a bearer token.</summary>
    public const string TokenVariable = "MLFLOW_TRACKING_TOKEN";

    /// <summary>
    /// Environment variable holding the token fq's own tracker requires (fq tracker, the embedded tracker); sent as the
    /// bearer token when <see cref="TokenVariable"/> and basic credentials are not set.
    /// </summary>
    public const string FqTokenVariable = "FQ_TRACKER_TOKEN";

    /// <summary>Environment variable holding the basic-authentication user name.</summary>
    public const string UsernameVariable = "MLFLOW_TRACKING_USERNAME";

    /// <summary>Environment variable holding the basic-authentication password.</summary>
    public const string PasswordVariable = "MLFLOW_TRACKING_PASSWORD";

    /// <summary>Environment variable that, when "true", turns off TLS certificate checks.</summary>
    public const string InsecureTlsVariable = "MLFLOW_TRACKING_INSECURE_TLS";

    /// <summary>Checks and keeps the settings; blank credentials count as absent.</summary>
    /// <param name="trackingUri">Absolute http or https URL of the server, optionally with a path prefix.</param>
    /// <param name="token">Bearer token, or null.</param>
    /// <param name="username">Basic-authentication user name, or null; needs <paramref name="password"/>.</param>
    /// <param name="password">Basic-authentication password, or null; needs <paramref name="username"/>.</param>
    /// <param name="insecureTls">Whether to accept any server certificate (self-signed test servers only).</param>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL, or the credentials conflict.</exception>
    public MlflowTrackingSettings(
        Uri trackingUri, string? token = null, string? username = null, string? password = null, bool insecureTls = false)
    {
        ArgumentNullException.ThrowIfNull(trackingUri);
        TrackingUri = NormalizeUri(trackingUri);
        Token = Blank(token) ? null : token;
        Username = Blank(username) ? null : username;
        Password = Blank(password) ? null : password;
        InsecureTls = insecureTls;

        if (Token is not null && (Username is not null || Password is not null))
            throw new ArgumentException(
                $"Both a bearer token ({TokenVariable}) and basic credentials ({UsernameVariable}/{PasswordVariable}) " +
                "are set; set only the one the tracking server expects.", nameof(token));
        if ((Username is null) != (Password is null))
            throw new ArgumentException(
                $"Basic authentication needs both {UsernameVariable} and {PasswordVariable}; only " +
                $"{(Username is null ? PasswordVariable : UsernameVariable)} is set.", nameof(username));
        if (Username is not null && Username.Contains(':', StringComparison.Ordinal))
            throw new ArgumentException(
                $"{UsernameVariable} must not contain ':', which basic authentication uses as the separator.", nameof(username));
    }

    /// <summary>The server's URL, without a trailing slash, so that API paths can be appended to it.</summary>
    public Uri TrackingUri { get; }

    /// <summary>Bearer token, or null.</summary>
    public string? Token { get; }

    /// <summary>Basic-authentication user name, or null.</summary>
    public string? Username { get; }

    /// <summary>Basic-authentication password, or null.</summary>
    public string? Password { get; }

    /// <summary>Whether TLS certificate checks are off. Default: false.</summary>
    public bool InsecureTls { get; }

    /// <summary>The Authorization header to send: Bearer, Basic, or null when there are no credentials.</summary>
    public AuthenticationHeaderValue? AuthorizationHeader =>
        Token is not null ? new AuthenticationHeaderValue("Bearer", Token)
        : Username is not null ? new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")))
        : null;

    /// <summary>Reads the settings from the process environment; see <see cref="FromEnvironment(Func{string, string?})"/>.</summary>
    public static MlflowTrackingSettings? FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Reads the settings from MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME,
    /// MLFLOW_TRACKING_PASSWORD and MLFLOW_TRACKING_INSECURE_TLS, with FQ_TRACKER_TOKEN as the bearer token when none of
    /// MLflow's credentials is set. Returns null when no URI is set, which means: use the embedded tracker.
    /// </summary>
    /// <param name="variable">Gives the value of an environment variable, or null when it is not set.</param>
    /// <exception cref="ArgumentException">A variable has a value that cannot be used; the message names it.</exception>
    public static MlflowTrackingSettings? FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var uriText = variable(UriVariable);
        var token = variable(TokenVariable);
        var username = variable(UsernameVariable);
        var password = variable(PasswordVariable);
        var insecureTls = ParseBoolean(variable(InsecureTlsVariable));

        // Without a URI, FQ_TRACKER_TOKEN is for the embedded tracker, so it is no stray credential; MLflow's own are.
        if (Blank(uriText))
        {
            var credential = new[] { (TokenVariable, token), (UsernameVariable, username), (PasswordVariable, password) }
                .FirstOrDefault(v => !Blank(v.Item2)).Item1;
            if (credential is not null)
                throw new ArgumentException(
                    $"{credential} is set but {UriVariable} is not; set {UriVariable} to the tracking server's URL, " +
                    "or unset the credentials to use the embedded tracker.", UriVariable);
            return null;
        }

        uriText = uriText!.Trim();
        // On Unix "/srv/mlruns" parses as an absolute file URI; MLflow reads it as a local path, i.e. relative to no server.
        var looksLikePath = !uriText.Contains("://", StringComparison.Ordinal) && !uriText.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        if (looksLikePath || !Uri.TryCreate(uriText, UriKind.Absolute, out var uri))
            throw new ArgumentException(
                $"{UriVariable} '{uriText}' is not an absolute URL; give the server's URL, e.g. http://127.0.0.1:5000.",
                UriVariable);
        // The one token set for fq's tracker serves its clients too (a cluster's silos logging to `fq tracker`);
        // MLflow's own credentials, when set, say better what the server at the URI expects.
        if (Blank(token) && Blank(username) && Blank(password)) token = variable(FqTokenVariable);
        return new MlflowTrackingSettings(uri, token, username, password, insecureTls);
    }

    private static bool ParseBoolean(string? value)
    {
        if (Blank(value)) return false;
        return value!.Trim().ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new ArgumentException(
                $"{InsecureTlsVariable} must be 'true' or 'false' (or 1/0); got '{value}'.", InsecureTlsVariable),
        };
    }

    private static Uri NormalizeUri(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
            throw new ArgumentException(
                $"The tracking URI '{uri}' is relative; give an absolute http or https URL, e.g. http://127.0.0.1:5000.",
                nameof(uri));
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException(
                $"The tracking URI '{uri}' uses the scheme '{uri.Scheme}'; only http and https tracking servers are " +
                "supported (file stores, databases and 'databricks' are not).", nameof(uri));
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new ArgumentException(
                $"The tracking URI must not contain credentials; put them in {UsernameVariable}/{PasswordVariable} or {TokenVariable}.",
                nameof(uri));
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new ArgumentException($"The tracking URI '{uri}' must not have a query or fragment.", nameof(uri));
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
