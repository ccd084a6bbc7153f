namespace FocusedQuantization.Search;

/// <summary>Settings a spec may give a sampler; null leaves the sampler's default.</summary>
/// <param name="Population">NSGA-II's parent pool size.</param>
/// <param name="Startup">Finished trials before NSGA-II or MOTPE stop drawing at random.</param>
/// <param name="Candidates">MOTPE's candidates per ask.</param>
public sealed record SamplerSettings(int? Population = null, int? Startup = null, int? Candidates = null);

/// <summary>Makes samplers by the names specs and the benchmark use.</summary>
public static class Samplers
{
    /// <summary>The names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["grid", "random", "nsga2", "motpe"];

    /// <summary>
    /// The sampler called <paramref name="name"/> (grid, random, nsga2, motpe; case-insensitive) for a seed. The grid
    /// goes through the space in its order and ignores the seed.
    /// </summary>
    public static ISampler Create(string name, int seed, SamplerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        settings ??= new SamplerSettings();
        return name.Trim().ToLowerInvariant() switch
        {
            "grid" => new GridSampler(),
            "random" => new RandomSampler(seed),
            "nsga2" => new Nsga2Sampler(seed, settings.Population ?? Nsga2Sampler.DefaultPopulation, settings.Startup),
            "motpe" => new MotpeSampler(seed, settings.Startup ?? MotpeSampler.DefaultStartup, settings.Candidates ?? MotpeSampler.DefaultCandidates),
            _ => throw new ArgumentException($"Unknown sampler '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
