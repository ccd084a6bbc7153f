namespace FocusedQuantization.Benchmarks.Report;

/// <summary>Why a figure can miss its target, as found when profiling; appended to the figure's note when it does.</summary>
internal static class Reasons
{
    public const string Load =
        ". Missed in this run: see the load average above; the machine is shared, and this figure is an absolute rate, not a ratio";

    public const string HuffmanDecode =
        ". Missed: the table-driven decoder resolves one code per lookup (runs of zeros at once); at 1.7 bits a symbol the "
        + "per-symbol branch and table access bound it near 180 MB/s even on a quiet machine. A table that yields two or "
        + "more short codes per lookup is the next step; the file format need not change";

    public const string ResNetPlan =
        ". Missed in this run: the processor time above is what the plan costs; on 2 free cores the parallel plan takes "
        + "about half of it, but on this shared VM (see the load average) the 2 threads got about one core's share. The "
        + "time is the few passes over all 23.5 M weights (gathering the kept ones, sampled assignments, bias histogram), "
        + "each now one branch-free or cached pass; the EM itself is bounded by the 65,536-weight sample";

    public const string ArithmeticDecode =
        ". Structurally slower: each symbol is 1 to 7 adaptive binary decisions, each depending on the previous one "
        + "(range, code value and model state), so nothing can be decoded ahead or in parallel. Faster needs a different "
        + "format: several interleaved coder states (rANS-style, 4-8 streams) or a multi-symbol alphabet with "
        + "frequency tables, i.e. a new file-format version";

    public const string FineTune =
        ". Missed: the per-step swaps are 6 passes over the layer (capture, symbolize, effective, load, gradient, restore)";

    public const string Tracker =
        ". Missed: the tracker writes each metric with a duplicate check (a seek on its (run, key, step, timestamp) index) inside one transaction per request; "
        + "and the outbox sends one request per queued operation, so small operations pay a round trip each";

    public const string Pareto =
        ". Missed in this run: a single-threaded wall-clock time taken while the shared machine was loaded (see the load "
        + "average): ParetoFront sorts 100,000 keys and walks them once, 31 ms in a quieter run";
}
