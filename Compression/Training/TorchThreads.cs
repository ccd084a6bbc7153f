using TorchSharp;

namespace FocusedQuantization.Compression.Training;

/// <summary>
/// The one place that sets torch's intra-op thread count. In libtorch's OpenMP build the count belongs to the calling
/// thread, not the process, so every thread that runs torch work sets it before its first operation: a job's results
/// then do not depend on which pool thread picked it up, and two jobs never fight over one process-wide setting.
/// </summary>
public static class TorchThreads
{
    /// <summary>Makes torch use <paramref name="threads"/> threads (default one) for operations on the calling thread.</summary>
    public static void Use(int threads = 1)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Torch needs at least one thread.");
        if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }
}
