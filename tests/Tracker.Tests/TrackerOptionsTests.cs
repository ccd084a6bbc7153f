using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Tracker.Tests;

public sealed class TrackerOptionsTests
{
    private static TrackerOptions FromArgs(params string[] args) =>
        TrackerOptions.FromConfiguration(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Fact]
    public void Without_arguments_the_tracker_uses_mlruns_db_and_loopback_port_5000()
    {
        var options = FromArgs();

        Assert.Equal("mlruns.db", options.DatabasePath);
        Assert.Equal("http://127.0.0.1:5000", options.Urls);
        Assert.Null(options.ArtifactRoot);
    }

    [Fact]
    public void Db_urls_and_artifact_root_are_read_from_the_command_line()
    {
        var options = FromArgs("--db", "/tmp/x/track.db", "--urls", "http://0.0.0.0:6000", "--artifact-root", "/srv/art");

        Assert.Equal("/tmp/x/track.db", options.DatabasePath);
        Assert.Equal("http://0.0.0.0:6000", options.Urls);
        Assert.Equal("/srv/art", options.ResolveArtifactRoot());
    }

    [Fact]
    public void The_default_artifact_root_is_the_mlartifacts_folder_beside_the_database() =>
        Assert.Equal("/tmp/x/mlartifacts", FromArgs("--db", "/tmp/x/track.db").ResolveArtifactRoot());

    [Fact]
    public void The_token_comes_from_the_command_line_or_else_from_FQ_TRACKER_TOKEN()
    {
        var fromArgs = TrackerOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FQ_TRACKER_TOKEN"] = "from-env" })
            .AddCommandLine(["--token", "from-args"]).Build());
        var fromEnvironment = TrackerOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FQ_TRACKER_TOKEN"] = "from-env" }).Build());

        Assert.Equal("from-args", fromArgs.Token);
        Assert.Equal("from-env", fromEnvironment.Token);
        Assert.Null(FromArgs().Token);
        Assert.Null(FromArgs("--token", " ").Token);
    }
}
