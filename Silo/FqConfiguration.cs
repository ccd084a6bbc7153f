using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo;

/// <summary>
/// The configuration an fq process binds its hosting settings from: fq's and MLflow's environment variables (FQ_*,
/// MLFLOW_*), under their own names, then the command's options under their option names without dashes in front
/// (cluster, silo-port, state, ...), which win. Other environment variables are left out, so that an unrelated variable
/// named like an option (state, cluster) changes nothing.
/// </summary>
public static class FqConfiguration
{
    /// <summary>The prefixes of the environment variables fq reads.</summary>
    public static readonly IReadOnlyList<string> VariablePrefixes = ["FQ_", "MLFLOW_"];

    /// <summary>The environment's fq and MLflow variables, overridden by <paramref name="options"/> (null values are left out).</summary>
    public static IConfiguration Build(IEnumerable<KeyValuePair<string, string?>>? options = null) =>
        Build(Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string)), options);

    /// <summary><see cref="Build(IEnumerable{KeyValuePair{string, string}})"/> over the given variables instead of the process's.</summary>
    public static IConfiguration Build(IEnumerable<KeyValuePair<string, string?>> variables, IEnumerable<KeyValuePair<string, string?>>? options)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var fq = variables.Where(v => VariablePrefixes.Any(p => v.Key.StartsWith(p, StringComparison.Ordinal)));
        return new ConfigurationBuilder()
            .AddInMemoryCollection(fq)
            .AddInMemoryCollection((options ?? []).Where(o => o.Value is not null))
            .Build();
    }

    /// <summary>The trimmed value of <paramref name="key"/>, or null when it is missing or blank.</summary>
    internal static string? Value(this IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
