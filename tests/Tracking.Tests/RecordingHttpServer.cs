using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FocusedQuantization.Tracking.Tests;

/// <summary>A one-request-at-a-time HTTP server on loopback that records what it receives and answers as told.</summary>
public sealed class RecordingHttpServer : IDisposable
{
    private readonly HttpListener listener = new();

    public RecordingHttpServer()
    {
        // HttpListener cannot bind port 0, so borrow a free port from the system first.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }
        listener.Prefixes.Add(BaseAddress.ToString());
        listener.Start();
    }

    public Uri BaseAddress { get; }

    /// <summary>Waits for the next request, answers it with the given status and JSON body, and returns what came in.</summary>
    public async Task<RecordedRequest> AnswerNextAsync(int status, string json)
    {
        var context = await listener.GetContextAsync();
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var recorded = new RecordedRequest(
            context.Request.HttpMethod, context.Request.Url!.PathAndQuery, await reader.ReadToEndAsync(),
            context.Request.ContentType, context.Request.Headers["Authorization"]);
        var body = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
        return recorded;
    }

    public void Dispose() => listener.Close();
}
