namespace FocusedQuantization.Compression.Training;

/// <summary>Training hooks with state of their own (masks, quantized sets, learned scales) that an epoch's rollback must also undo.</summary>
public interface IRestorableHooks : ITrainingHooks
{
    /// <summary>Copies the hooks' state now (between epochs) and returns the action that puts it back.</summary>
    Action SaveState();
}
