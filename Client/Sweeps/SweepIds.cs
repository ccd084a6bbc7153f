using System.Globalization;

namespace FocusedQuantization.Client.Sweeps;

/// <summary>Sweep ids users can read and type: the spec's name, the launch time and a short random suffix.</summary>
public static class SweepIds
{
    public static string New(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        if (slug.Length == 0) slug = "sweep";
        if (slug.Length > 40) slug = slug[..40];
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return $"{slug}-{stamp}-{Random.Shared.Next(0x1000, 0xFFFF):x4}";
    }
}
