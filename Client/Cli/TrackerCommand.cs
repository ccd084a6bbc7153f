using System.CommandLine;
using System.Globalization;
using FocusedQuantization.Silo;
using FocusedQuantization.Tracker;

namespace FocusedQuantization.Client.Cli;

/// <summary>`fq tracker`: serves a tracker database (by default the state folder's) until Ctrl-C; the one tracker process there is.</summary>
public static class TrackerCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port")
        {
            Description = $"Port on 127.0.0.1. Default: ${EmbeddedTrackerSettings.PortVariable} if set, else {EmbeddedTrackerSettings.DefaultPort}.",
        };
        var urls = new Option<string?>("--urls")
        {
            Description = "The URLs to listen on instead, separated by ';' (e.g. http://0.0.0.0:5000 to serve other machines); port 0 picks a free one.",
        };
        var database = new Option<string?>("--db")
        {
            Description = $"The SQLite database, created if missing. Default: ${FqStateFolder.EnvironmentVariable}/{EmbeddedTrackerSettings.DatabaseFileName}.",
        };
        var artifactRoot = new Option<string?>("--artifact-root")
        {
            Description = "Folder under which experiments get their artifact location. Default: mlartifacts beside the database.",
        };
        var token = new Option<string?>("--token")
        {
            Description = $"Require this bearer token (Authorization: Bearer T) on the API; open the page as /?token=T. Default: "
                + $"${TrackerOptions.TokenVariable} if set, else none. The environment variable keeps it out of the process list.",
        };
        var command = new Command("tracker",
            $"Serve the MLflow-compatible tracker on ${FqStateFolder.EnvironmentVariable}/{EmbeddedTrackerSettings.DatabaseFileName} (where the embedded "
            + "sweeps logged their runs), or on --db, until Ctrl-C; prints its URL. Point an MLflow client at it with MLFLOW_TRACKING_URI.")
        {
            port, urls, database, artifactRoot, token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = FqConfiguration.Build(new Dictionary<string, string?>
            {
                ["urls"] = parse.GetValue(urls),
                ["db"] = parse.GetValue(database),
                ["artifact-root"] = parse.GetValue(artifactRoot),
                ["token"] = parse.GetValue(token),
            });
            var embedded = EmbeddedTrackerSettings.FromConfiguration(configuration);
            var chosen = parse.GetValue(port) ?? embedded.Port;
            if (chosen is < 1 or > 65535) throw new ArgumentException($"--port is {chosen}; a port must be between 1 and 65535.");
            if (parse.GetValue(port) is not null && parse.GetValue(urls) is not null)
                throw new ArgumentException("--port and --urls both say where to listen; give one.");
            var options = TrackerOptions.FromConfiguration(configuration);
            options = options with
            {
                DatabasePath = parse.GetValue(database) is null ? embedded.DatabasePath : options.DatabasePath,
                Urls = parse.GetValue(urls) is null ? $"http://127.0.0.1:{chosen.ToString(CultureInfo.InvariantCulture)}" : options.Urls,
            };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath))!);
            TrackerHost tracker;
            try
            {
                tracker = await TrackerHost.StartAsync(options, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new ArgumentException($"{options.Urls} cannot be used ({ex.Message}); pick another port with --port or --urls.", ex);
            }
            await using (tracker)
            {
                Console.WriteLine($"Tracker: {tracker.BaseAddress.AbsoluteUri} (database {Path.GetFullPath(options.DatabasePath)}"
                                  + $"{(options.Token is null ? "" : "; its API requires the token")}); Ctrl-C stops it.");
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
