using System.Globalization;
using System.Reflection;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>Where the built fq tool is, so tests can run it as a real process.</summary>
public static class FqTool
{
    /// <summary>Full path of fq.dll in the Client project's output (recorded at build time by the test project).</summary>
    public static string DllPath
    {
        get
        {
            var path = typeof(FqTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FqDll").Value!;
            if (!File.Exists(path))
                throw new FileNotFoundException($"The fq tool is not built at {path}; build Client/Client.csproj in the same configuration.", path);
            return path;
        }
    }

    /// <summary>Starts `fq silo` with <paramref name="arguments"/> and treats its "silo ... ready" line as ready.</summary>
    public static ChildProcess StartSilo(string name, params string[] arguments) => StartSilo(name, null, arguments);

    /// <summary>Starts `fq silo` with <paramref name="arguments"/> and extra <paramref name="environment"/> variables.</summary>
    public static ChildProcess StartSilo(string name, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ChildProcess.Start(name, "dotnet", [DllPath, "silo", .. arguments],
            line => line.StartsWith("silo ", StringComparison.Ordinal) && line.Contains(" ready", StringComparison.Ordinal), environment);

    /// <summary>
    /// Starts `fq silo` as a member of the Redis cluster at <paramref name="redis"/> on the given ports, with its own
    /// state folder; <paramref name="environment"/> adds variables.
    /// </summary>
    public static ChildProcess StartClusterSilo(string name, RedisServer redis, int siloPort, int gatewayPort, string state,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        StartSilo(name, environment, "--cluster", redis.Address,
            "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture), "--state", state);

    /// <summary>Starts any fq command; it is never "ready" (wait for its exit).</summary>
    public static ChildProcess Start(string name, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ChildProcess.Start(name, "dotnet", [DllPath, .. arguments], _ => false, environment);
}
