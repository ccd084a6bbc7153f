namespace FocusedQuantization.Grains.Artifacts;

/// <summary>
/// The holders of one artifact, in registration order. Persistent, so the list outlives the activation; it changes only
/// when a silo first holds the artifact or a fetch drops a holder, a few writes per checkpoint whatever the sweep's size.
/// </summary>
public sealed class ArtifactDirectoryGrain([PersistentState("holders")] IPersistentState<ArtifactHolders> state) : Grain, IArtifactDirectoryGrain
{
    public Task<IReadOnlyList<string>> GetHolders() => Task.FromResult<IReadOnlyList<string>>(state.State.Silos.ToArray());

    public async Task Register(string silo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        if (state.State.Silos.Contains(silo)) return;
        state.State.Silos.Add(silo);
        await state.WriteStateAsync();
    }

    public async Task Remove(string silo)
    {
        if (!state.State.Silos.Remove(silo)) return;
        await state.WriteStateAsync();
    }
}

/// <summary>The state of an <see cref="ArtifactDirectoryGrain"/>: parsable silo addresses.</summary>
[GenerateSerializer, Alias("fq.ArtifactHolders")]
public sealed class ArtifactHolders
{
    [Id(0)] public List<string> Silos { get; set; } = [];
}
