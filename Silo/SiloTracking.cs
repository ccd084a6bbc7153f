using System.Globalization;

namespace FocusedQuantization.Silo;

/// <summary>Where a silo keeps its tracking outbox: one file per silo process, so no two delivery loops share one.</summary>
public static class SiloTracking
{
    /// <summary>Name of the embedded (primary) silo's outbox file in the state folder.</summary>
    public const string EmbeddedOutboxFileName = "outbox.db";

    /// <summary>
    /// The outbox file of a silo: outbox.db in the state folder for the embedded primary silo; outbox-HOST-SILOPORT.db
    /// for a cluster silo or a secondary embedded silo, since several of them may share one state folder.
    /// </summary>
    public static string OutboxPath(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = FqStateFolder.Resolve(settings.StateFolder);
        if (settings.Mode == SiloMode.Embedded && settings.PrimarySiloPort is null) return Path.Combine(folder, EmbeddedOutboxFileName);
        var host = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return Path.Combine(folder, $"outbox-{host}-{settings.SiloPort.ToString(CultureInfo.InvariantCulture)}.db");
    }
}
