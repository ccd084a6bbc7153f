using System.Globalization;
using FocusedQuantization.Benchmarks.Coding;
using FocusedQuantization.Benchmarks.Inference;
using FocusedQuantization.Benchmarks.Planning;
using FocusedQuantization.Benchmarks.Quantization;
using FocusedQuantization.Benchmarks.Retraining;
using FocusedQuantization.Benchmarks.Tracking;

namespace FocusedQuantization.Benchmarks.Report;

/// <summary>The brief's figures, computed from one run's results, with their targets and the reasons for misses.</summary>
internal static class FigureSet
{
    public static List<Figure> Compute(SuiteResults r, (double Huffman, double Arithmetic, double Deflate) bits, TimeSpan planCpu)
    {
        var figures = new List<Figure>();

        // 1. Mixture fit and layer plan.
        var fit = typeof(MixtureFitBenchmark);
        var speedup = 1 / r.Ratio(fit, "EM, C#", "EM, TorchSharp tensors");
        figures.Add(new Figure("1. Mixture fit", "EM (20 iterations, every kept weight of a 589,824-weight layer), C# vs TorchSharp tensors",
            $"{speedup:F2}x ({Rate(r.PerSecond(fit, "EM, C#"))} vs {Rate(r.PerSecond(fit, "EM, TorchSharp tensors"))} weights/s)",
            ">= 3x", speedup >= 3,
            "same EM, same data, one torch thread; weights/s counts every weight of the layer (82.7 % are pruned)"));
        figures.Add(new Figure("1. Layer plan", "Whole plan of that layer (fit on a 65,536-weight sample, assignments, bias)",
            $"{Rate(r.PerSecond(fit, "layer plan, defaults"))} weights/s", "-", null, "default options, one thread"));
        var resnet = typeof(ResNet50PlanBenchmark);
        var parallel = r.Nanoseconds(resnet, "parallel over layers") / 1e9;
        var sequential = r.Nanoseconds(resnet, "one layer after another") / 1e9;
        figures.Add(new Figure("1. Layer plan", "Plan every layer of a ResNet-50-sized set (53 convs, 23.5 M weights, 82.7 % sparse)",
            $"{parallel:F2} s", "< 1 s", parallel < 1,
            $"LayerPlanner.PlanAll over {Environment.ProcessorCount} cores; one layer after another: {sequential:F2} s, "
            + $"which costs {planCpu.TotalSeconds:F2} s of processor time (best of 3 sequential runs after the benchmarks, all threads counted)"
            + (parallel < 1 ? "" : Reasons.ResNetPlan)));

        // 2. Shift quantization, one core.
        var shift = typeof(ShiftQuantizationBenchmark);
        foreach (var mode in new[] { "Shift", "Recentralized" })
        {
            foreach (var (kernel, label) in new[] { ("symbolize", "symbols"), ("quantize Q(w)", "Q(w)"), ("dequantize symbols", "symbols to values") })
            {
                var rate = r.PerSecond(shift, kernel, mode);
                figures.Add(new Figure("2. Shift quantization", $"{mode}, {label}, one core",
                    $"{Rate(rate)} weights/s", ">= 500 M/s", rate >= 500e6,
                    $"{1 / r.Ratio(shift, kernel, "plain quantizer loop", mode):F1}x the plain quantizer loop"
                    + (rate >= 500e6 ? "" : Reasons.Load)));
            }
        }

        // 3. Entropy coding.
        var coding = typeof(EntropyCodingBenchmark);
        foreach (var (mode, name, bitsPerSymbol) in new[] { ("Huffman", "paper (Huffman)", bits.Huffman), ("arithmetic", "context arithmetic", bits.Arithmetic) })
        {
            var encode = r.PerSecond(coding, $"{mode} encode");
            var decode = r.PerSecond(coding, $"{mode} decode");
            figures.Add(new Figure("3. Entropy coding", $"{name}: decode (encode)",
                $"{Rate(decode)}B/s ({Rate(encode)}B/s)", "decode >= 200 MB/s", decode >= 200e6,
                $"{bitsPerSymbol:F3} bits/symbol; Deflate decode {Rate(r.PerSecond(coding, "Deflate decode"))}B/s at {bits.Deflate:F3} bits/symbol"
                + (decode >= 200e6 ? "" : mode == "arithmetic" ? Reasons.ArithmeticDecode : Reasons.HuffmanDecode)));
        }

        // 4. Shift-only inference.
        foreach (var (type, name) in new[] { (typeof(ShiftLinearBenchmark), "LeNet-5 fc1 800->500, 90 % sparse"), (typeof(ShiftConv2dBenchmark), "LeNet-5 conv2 20->50 5x5, 90 % sparse") })
        {
            foreach (var mode in new[] { "Shift", "Recentralized" })
            {
                var ratio = r.Ratio(type, "shift-only int8", "float dense", mode);
                var sparse = r.Ratio(type, "float sparse", "float dense", mode);
                figures.Add(new Figure("4. Shift-only inference", $"{name}, 5-bit {mode}: time shift-only / float dense",
                    $"{ratio:F2}", "-", null, $"float sparse / float dense {sparse:F2}; same dequantized weights"));
            }
        }

        // 5. Fine-tuning.
        var step = r.Ratio(typeof(FineTuneStepBenchmark), "quantization-aware step", "plain step");
        figures.Add(new Figure("5. Fine-tuning", "LeNet-5, batch 64: quantization-aware step / plain step",
            $"{step:F2}x", "<= 1.25x", step <= 1.25,
            $"plain step {r.Nanoseconds(typeof(FineTuneStepBenchmark), "plain step") / 1e6:F1} ms, one torch thread" + (step <= 1.25 ? "" : Reasons.FineTune)));

        // 6. Tracker.
        var tracker = typeof(TrackerThroughputBenchmark);
        var viaOutbox = r.PerSecond(tracker, "through the outbox, 20 x 50");
        var batch = r.PerSecond(tracker, "log-batch of 1,000");
        figures.Add(new Figure("6. Tracker", "Metrics/s through the outbox into the embedded tracker (SQLite outbox, real HTTP, SQLite store)",
            $"{viaOutbox.ToString("N0", CultureInfo.InvariantCulture)}/s", ">= 20,000/s", viaOutbox >= 20_000,
            $"20 operations of 50 metrics enqueued, then drained; straight log-batch of 1,000: {batch.ToString("N0", CultureInfo.InvariantCulture)}/s; "
            + $"one log-metric call per metric: {r.PerSecond(tracker, "log-metric, one call each").ToString("N0", CultureInfo.InvariantCulture)}/s"
            + (viaOutbox >= 20_000 ? "" : Reasons.Tracker)));
        return figures;
    }

    /// <summary>A rate with an SI prefix: 512.3 M, 12.0 k.</summary>
    private static string Rate(double perSecond) => perSecond switch
    {
        >= 1e9 => $"{perSecond / 1e9:F2} G",
        >= 1e6 => $"{perSecond / 1e6:F1} M",
        >= 1e3 => $"{perSecond / 1e3:F1} k",
        _ => $"{perSecond:F1} ",
    };
}
