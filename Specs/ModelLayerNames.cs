using System.Collections.Concurrent;
using FocusedQuantization.Compression.Models;

namespace FocusedQuantization.Specs;

/// <summary>
/// The quantizable layers of the model zoo's models (weight names in the model's order, e.g. conv1.weight), against
/// which a spec's layer patterns are resolved: the names the pipeline prunes and quantizes under.
/// </summary>
public static class ModelLayerNames
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<string>>> Known = new(StringComparer.Ordinal);

    /// <summary>The layers of <paramref name="model"/> (built once with seeded weights, which leaves torch's global generator alone); null for a model the zoo lacks.</summary>
    public static IReadOnlyList<string>? Of(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string name;
        try
        {
            name = ModelZoo.Canonicalize(model);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (ModelZoo.IsTorchScript(name)) return null;
        return Known.GetOrAdd(name, key => new Lazy<IReadOnlyList<string>>(() =>
        {
            using var module = ModelZoo.Create(key, null, seed: 0);
            return ModelZoo.QuantizableParameters(module);
        })).Value;
    }
}
