namespace FocusedQuantization.Search;

// DRAFT (lead): replaced by h1's factory when h-samplers is merged. Every name is the random sampler until then.

/// <summary>Settings of the samplers; null: the sampler's default.</summary>
public sealed record SamplerSettings
{
    public int? Population { get; init; }

    public int? Startup { get; init; }

    public int? Candidates { get; init; }
}

/// <summary>Samplers by name.</summary>
public static class Samplers
{
    public static ISampler Create(string name, int seed, SamplerSettings? settings = null) => new RandomSampler(seed);
}
