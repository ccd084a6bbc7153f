using System.Collections.Frozen;

namespace FocusedQuantization.Tracker;

/// <summary>Serves the tracker's web page (experiments, runs, sweeps and their Pareto plot) from embedded resources.</summary>
public static class PageEndpoints
{
    private const string ResourcePrefix = "page/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> Files = LoadFiles();

    /// <summary>Maps GET / (the page) and GET /ui/{file} (its script and style sheet).</summary>
    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        app.MapGet("/ui/{file}", (HttpContext context, string file) => Serve(context, file));
        return app;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.TryGetValue(file, out var bytes))
            return MlflowException.EndpointNotFound($"The page has no file '{file}'.").ToResult();
        var headers = context.Response.Headers;
        // The page only talks to this tracker; nothing inline and nothing from elsewhere may run.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(bytes, ContentTypes[Path.GetExtension(file)]);
    }

    private static FrozenDictionary<string, byte[]> LoadFiles()
    {
        var assembly = typeof(PageEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
