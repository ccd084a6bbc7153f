namespace FocusedQuantization.Silo;

/// <summary>How a silo finds its peers and where it keeps grain state and reminders.</summary>
public enum SiloMode
{
    /// <summary>Localhost clustering; grain state and reminders in a SQLite file in the state folder.</summary>
    Embedded,

    /// <summary>Redis clustering, Redis grain storage and Redis reminders, shared by every silo of the cluster.</summary>
    Cluster,
}
