using System.Collections.Concurrent;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Makes batches of images in parallel and hands them out in order. Every image is one job: <c>fill</c> writes it into
/// its own slot of its batch's buffer, so the batches are the same whichever worker makes which image and when. At
/// most <c>depth</c> batches are in flight ahead of the consumer (a bounded prefetch: memory stays at a few batches
/// whatever the data set's size). With no workers, images are made on the consumer's thread.
/// </summary>
public static class BatchPrefetcher
{
    /// <summary>
    /// Makes the batches of <paramref name="batches"/> (each a list of positions in the set). <paramref name="fill"/>
    /// writes the image at a position into a buffer at an offset and returns false if it skipped it (unreadable, and
    /// skipping was asked for); any exception it throws stops the run and is rethrown to the consumer, in batch order.
    /// </summary>
    public static IEnumerable<HostBatch> Run(
        IReadOnlyList<int[]> batches,
        int imageFloats,
        Func<int, long> label,
        Func<int, float[], int, bool> fill,
        int workers,
        int depth,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(fill);
        if (depth < 1) throw new ArgumentException($"The prefetch depth must be at least 1, got {depth}.", nameof(depth));
        return workers <= 0 ? Inline(batches, imageFloats, label, fill, cancellationToken) : Parallel(batches, imageFloats, label, fill, workers, depth, cancellationToken);
    }

    private static IEnumerable<HostBatch> Inline(IReadOnlyList<int[]> batches, int imageFloats, Func<int, long> label, Func<int, float[], int, bool> fill, CancellationToken cancellationToken)
    {
        foreach (var positions in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pending = new Pending(positions, imageFloats);
            for (var slot = 0; slot < positions.Length; slot++) pending.Ok[slot] = fill(positions[slot], pending.Pixels, slot * imageFloats);
            yield return pending.ToBatch(label, imageFloats);
        }
    }

    private static IEnumerable<HostBatch> Parallel(
        IReadOnlyList<int[]> batches, int imageFloats, Func<int, long> label, Func<int, float[], int, bool> fill, int workers, int depth, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var jobs = new BlockingCollection<(Pending Batch, int Slot)>();
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            threads[w] = new Thread(() =>
            {
                try
                {
                    foreach (var (batch, slot) in jobs.GetConsumingEnumerable(stop.Token))
                    {
                        try
                        {
                            if (batch.Error is null) batch.Ok[slot] = fill(batch.Positions[slot], batch.Pixels, slot * imageFloats);
                        }
                        catch (Exception e)
                        {
                            // The first failure of a batch is the one reported; the rest of its images are not made.
                            Interlocked.CompareExchange(ref batch.Error, e, null);
                        }
                        if (Interlocked.Decrement(ref batch.Remaining) == 0) batch.Done.Set();
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopped: the consumer left or was cancelled.
                }
            })
            { IsBackground = true, Name = $"fq batch worker {w}" };
            threads[w].Start();
        }
        var pendings = new Pending?[batches.Count];
        var queued = 0;
        void Queue()
        {
            var pending = new Pending(batches[queued], imageFloats);
            pendings[queued++] = pending;
            if (pending.Positions.Length == 0) pending.Done.Set();
            for (var slot = 0; slot < pending.Positions.Length; slot++) jobs.Add((pending, slot));
        }
        try
        {
            for (var index = 0; index < batches.Count; index++)
            {
                while (queued < batches.Count && queued <= index + depth) Queue();
                var pending = pendings[index]!;
                pending.Done.Wait(cancellationToken);
                pendings[index] = null;
                if (pending.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                yield return pending.ToBatch(label, imageFloats);
            }
        }
        finally
        {
            jobs.CompleteAdding();
            stop.Cancel();
            foreach (var thread in threads) thread.Join();
            foreach (var pending in pendings) pending?.Done.Dispose();
        }
    }

    private sealed class Pending(int[] positions, int imageFloats)
    {
        public readonly int[] Positions = positions;
        public readonly float[] Pixels = new float[(long)positions.Length * imageFloats];
        public readonly bool[] Ok = new bool[positions.Length];
        public readonly ManualResetEventSlim Done = new(false);
        public int Remaining = positions.Length;
        public Exception? Error;

        public HostBatch ToBatch(Func<int, long> label, int imageFloats)
        {
            Done.Dispose();
            var kept = Ok.Count(ok => ok);
            if (kept == Positions.Length) return new HostBatch(Pixels, [.. Positions.Select(label)], Positions);
            // Unreadable images that were skipped leave the batch; the others close up, keeping their order.
            var pixels = new float[(long)kept * imageFloats];
            var labels = new long[kept];
            var positions = new int[kept];
            var next = 0;
            for (var slot = 0; slot < Positions.Length; slot++)
            {
                if (!Ok[slot]) continue;
                Array.Copy(Pixels, (long)slot * imageFloats, pixels, (long)next * imageFloats, imageFloats);
                labels[next] = label(Positions[slot]);
                positions[next++] = Positions[slot];
            }
            return new HostBatch(pixels, labels, positions);
        }
    }
}
