using System.Text.Json.Nodes;

namespace FocusedQuantization.Benchmarks.Results;

/// <summary>The raw outputs of bench/results.sh: compress reports, sweep status and Pareto JSON, timings.</summary>
public sealed class ResultsData(string folder)
{
    /// <summary>The folder the data was read from.</summary>
    public string Folder { get; } = folder;

    /// <summary>The `fq compress` report of a model at a width, or null when that run is missing.</summary>
    public JsonObject? Report(string model, int bits) => Read(Path.Combine("table", $"{model}-{bits}.json"));

    /// <summary>Wall seconds of the `fq compress` run of a model at a width, or null.</summary>
    public double? CompressSeconds(string model, int bits) => (double?)Read(Path.Combine("table", $"{model}-{bits}.time.json"))?["seconds"];

    /// <summary>The `fq sweep status --json` of each w_sep sweep, by seed, for the seeds that were run.</summary>
    public IReadOnlyList<(int Seed, JsonObject Status)> WSepSweeps()
    {
        var folder = Path.Combine(Folder, "wsep");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, "seed*.json")
            .Select(f => (Seed: int.Parse(Path.GetFileNameWithoutExtension(f)["seed".Length..]), Status: Read(f)!))
            .OrderBy(s => s.Seed)
            .ToArray();
    }

    /// <summary>A file of the sweeps part (status, pareto, time), parsed, or null.</summary>
    public JsonObject? Sweep(string name) => Read(Path.Combine("sweeps", name));

    /// <summary>A file of the adaptive-search part (sweep status, time, the equal-epoch dense report), parsed, or null.</summary>
    public JsonObject? Adaptive(string name) => Read(Path.Combine("adaptive", name));

    /// <summary>A text file of the data folder, or null.</summary>
    public string? Text(string relativePath)
    {
        var path = Path.Combine(Folder, relativePath);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Whether a file of the data folder exists.</summary>
    public bool Has(string relativePath) => File.Exists(Path.Combine(Folder, relativePath));

    /// <summary>When the newest data file was written (UTC), for the document's header.</summary>
    public DateTime? Newest() =>
        Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max() is { } t && t != default ? t : null;

    private JsonObject? Read(string relativePath)
    {
        var path = Path.IsPathRooted(relativePath) ? relativePath : Path.Combine(Folder, relativePath);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?.AsObject() : null;
    }
}
