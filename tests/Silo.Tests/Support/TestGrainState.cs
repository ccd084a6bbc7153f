using System.Diagnostics.CodeAnalysis;

namespace FocusedQuantization.Silo.Tests.Support;

/// <summary>The state holder a grain's IPersistentState hands to its storage, for calling a storage directly.</summary>
public sealed class TestGrainState<T> : IGrainState<T>
{
    [AllowNull]
    public T State { get; set; } = default!;

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
