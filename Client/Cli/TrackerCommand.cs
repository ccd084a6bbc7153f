using System.CommandLine;
using FocusedQuantization.Client.Tracking;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracker;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq tracker`: serves the state folder's tracker database for browsing, until Ctrl-C.</summary>
public static class TrackerCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port")
        {
            Description = $"Port on 127.0.0.1. Default: ${EmbeddedTracker.PortVariable} if set, else {EmbeddedTracker.DefaultPort}.",
        };
        var token = new Option<string?>("--token")
        {
            Description = $"Require this bearer token (Authorization: Bearer T) on the API; open the page as /?token=T. Default: "
                + $"${TrackerOptions.TokenVariable} if set, else none. The environment variable keeps it out of the process list.",
        };
        var command = new Command("tracker",
            $"Serve the MLflow-compatible tracker on ${FqStateFolder.EnvironmentVariable}/{EmbeddedTracker.DatabaseFileName} (where the embedded "
            + "sweeps logged their runs) until Ctrl-C; prints its URL. Point an MLflow client at it with MLFLOW_TRACKING_URI.")
        {
            port, token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosen = parse.GetValue(port) ?? EmbeddedTracker.ConfiguredPort();
            var given = parse.GetValue(token);
            var required = string.IsNullOrWhiteSpace(given) ? EmbeddedTracker.ConfiguredToken() : given;
            if (chosen is < 1 or > 65535) throw new ArgumentException($"--port is {chosen}; a port must be between 1 and 65535.");
            var folder = FqStateFolder.Resolve();
            Directory.CreateDirectory(folder);
            var database = Path.Combine(folder, EmbeddedTracker.DatabaseFileName);
            TrackerHost tracker;
            try
            {
                tracker = await EmbeddedTracker.StartOnAsync(database, chosen, fallBackToFreePort: false, required, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new ArgumentException($"Port {chosen} cannot be used ({ex.Message}); pick another with --port.", ex);
            }
            await using (tracker)
            {
                Console.WriteLine($"Tracker: {tracker.BaseAddress.AbsoluteUri} (database {database}"
                                  + $"{(required is null ? "" : "; its API requires the token")}); Ctrl-C stops it.");
                Console.Out.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
