namespace FocusedQuantization.Tracking;

/// <summary>Which lifecycle stages a search returns; travels as its upper-case name, e.g. "ACTIVE_ONLY".</summary>
public enum MlflowViewType
{
    /// <summary>Only active (not deleted) entities; the server's default.</summary>
    ActiveOnly = 1,

    /// <summary>Only soft-deleted entities.</summary>
    DeletedOnly = 2,

    /// <summary>Active and deleted entities.</summary>
    All = 3,
}
