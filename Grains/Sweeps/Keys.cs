using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>Grain keys derived from the settings that define the work, so equal work lands on one activation.</summary>
public static class Keys
{
    /// <summary>The trial grain key of a sweep's trial.</summary>
    public static string Trial(string sweepId, int index) => $"{sweepId}/{index:D4}";

    /// <summary>A short stable hash of any serializable settings.</summary>
    public static string Of<T>(T settings)
    {
        var json = JsonSerializer.Serialize(settings);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..20];
    }
}
