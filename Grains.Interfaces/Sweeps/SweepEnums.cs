using System.Text.Json.Serialization;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

// The closed vocabularies of a sweep, as they cross the grain boundary. Their numbers are the wire format (never
// renumber a member; add new ones at the end); their text (YAML, CLI, tracker params, JSON) is SweepVocabulary's.
// The first member of each is its default, so that a field missing from stored state reads as the default.
// Grain state written before these enums existed held their words (strings) in the same fields and cannot be read
// into them: SqliteGrainStorage says so, naming the file, and fq exits 2 (see docs/ARCHITECTURE.md).

/// <summary>How bit widths are chosen: one width for every layer (the paper), or a width per layer under a budget.</summary>
[GenerateSerializer, Alias("fq.BitsPolicy"), JsonConverter(typeof(SweepWordJsonConverter<BitsPolicy>))]
public enum BitsPolicy
{
    /// <summary>"uniform": one width for every layer.</summary>
    Uniform = 0,

    /// <summary>"per-layer": each layer's width chosen from candidates under a budget of coded bits per weight.</summary>
    PerLayer = 1,
}

/// <summary>How a sweep draws its trials from the space.</summary>
[GenerateSerializer, Alias("fq.StrategyKind"), JsonConverter(typeof(SweepWordJsonConverter<StrategyKind>))]
public enum StrategyKind
{
    /// <summary>"grid": every combination.</summary>
    Grid = 0,

    /// <summary>"random": a budget of independent draws from the space.</summary>
    Random = 1,

    /// <summary>"nsga2": asynchronous NSGA-II with constraint domination (Deb et al., 2002); see docs/SEARCH.md.</summary>
    Nsga2 = 2,

    /// <summary>"motpe": multi-objective TPE, a model-based sampler (Ozaki et al., 2020); see docs/SEARCH.md.</summary>
    Motpe = 3,
}

/// <summary>The entropy coding of the .fqz file.</summary>
[GenerateSerializer, Alias("fq.CodingScheme"), JsonConverter(typeof(SweepWordJsonConverter<CodingScheme>))]
public enum CodingScheme
{
    /// <summary>"arithmetic": context-modelled binary arithmetic coding (the default).</summary>
    Arithmetic = 0,

    /// <summary>"paper": per-symbol Huffman coding with stored code lengths, as in the paper.</summary>
    Paper = 1,
}

/// <summary>How quantized weights are fine-tuned.</summary>
[GenerateSerializer, Alias("fq.FineTuning"), JsonConverter(typeof(SweepWordJsonConverter<FineTuning>))]
public enum FineTuning
{
    /// <summary>"ste": quantized weights keep training through the straight-through estimator (the default).</summary>
    Ste = 0,

    /// <summary>"inq": weights are frozen once quantized (incremental network quantization).</summary>
    Inq = 1,
}

/// <summary>The quantization mode of one layer, chosen from the separation of its two weight peaks.</summary>
[GenerateSerializer, Alias("fq.LayerMode"), JsonConverter(typeof(SweepWordJsonConverter<LayerMode>))]
public enum LayerMode
{
    /// <summary>"shift": plain n-bit shift quantization (single-peaked layers).</summary>
    Shift = 0,

    /// <summary>"recentralized": focused quantization around two power-of-two means (bimodal layers).</summary>
    Recentralized = 1,
}

/// <summary>A metric an objective names.</summary>
[GenerateSerializer, Alias("fq.ObjectiveMetric"), JsonConverter(typeof(SweepWordJsonConverter<ObjectiveMetric>))]
public enum ObjectiveMetric
{
    /// <summary>"cr": the compression ratio.</summary>
    Cr = 0,

    /// <summary>"top1": top-1 accuracy.</summary>
    Top1 = 1,

    /// <summary>"top5": top-5 accuracy.</summary>
    Top5 = 2,

    /// <summary>"compressed_bytes": the size of the .fqz file.</summary>
    CompressedBytes = 3,
}
