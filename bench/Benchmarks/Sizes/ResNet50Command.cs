using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.IO;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusedQuantization.Benchmarks.Sizes;

/// <summary>
/// `resnet50`: memory and time of a trial's phases on ResNet-50 at its real size (torchvision's shapes, 1000 classes,
/// 224x224 inputs, random weights magnitude-pruned to 82.7 % per layer): planning every layer, one quantization-aware
/// fine-tuning step (and a plain step beside it), encoding to a .fqz and decoding it. Each phase runs in its own child
/// process (`resnet50-phase NAME`), which builds the network, then resets its peak RSS (writes 5 to
/// /proc/self/clear_refs, which sets VmHWM to the current RSS) and runs the phase the way TrialStage does; it prints
/// the RSS before the phase and VmHWM after it. The parent prints one line per phase.
/// </summary>
internal static class ResNet50Command
{
    /// <summary>The paper's ResNet-50 sparsity.</summary>
    private const double Sparsity = 0.827;

    private static readonly string[] Phases = ["plan", "plain-step", "step", "roundtrip"];

    public static int Run(string[] args)
    {
        if (Parse(args) is not { } options) return 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resnet50: torchvision shapes, 1000 classes, 3x224x224, random weights pruned to {Sparsity:P1} per layer; batch {options.Batch}, {options.Threads} torch threads, {options.Steps} timed steps after 1 warm-up; {Environment.ProcessorCount} cores; load {Load()}"));
        Console.WriteLine("each phase in its own process: VmRSS before the phase, VmHWM after it (reset with clear_refs 5 just before)");
        var failed = false;
        foreach (var phase in options.Only is { } only ? [only] : Phases)
        {
            var start = ChildStart(["resnet50-phase", phase, "--batch", N(options.Batch), "--steps", N(options.Steps), "--threads", N(options.Threads), "--folder", options.Folder]);
            using var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
            process.BeginErrorReadLine();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null) Console.WriteLine(line);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"resnet50: phase {phase} failed (exit {process.ExitCode})");
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    /// <summary>The child: one phase, in a fresh process.</summary>
    public static int RunPhase(string[] args)
    {
        if (args.Length == 0 || Parse(args[1..]) is not { } options) return 2;
        var phase = args[0];
        TorchThreads.Use(options.Threads);
        var setup = Stopwatch.StartNew();
        var shape = new ModelShape(3, 224, 224, 1000);
        using var model = ModelZoo.Create("resnet50", shape, seed: 1);
        var masks = Prune(model);
        long weights = masks.Sum(m => (long)m.Mask.Length);
        var weightMb = 4.0 * weights / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{phase}] model built and pruned in {setup.Elapsed.TotalSeconds:F1} s: {masks.Count} quantized layers, {weights:N0} weights ({weightMb:F1} MB as float32), {ModelZoo.ParameterCount(model):N0} parameters"));
        switch (phase)
        {
            case "plan":
            {
                var before = Reset();
                var clock = Stopwatch.StartNew();
                var tuner = Tuner(model, masks);
                Report(phase, "planning every layer (FocusedFineTuner: ShadowedWeight + plan per layer)", before, clock.Elapsed, weightMb);
                GC.KeepAlive(tuner);
                break;
            }
            case "plain-step":
            case "step":
            {
                var quantized = phase == "step";
                var tuner = quantized ? Tuner(model, masks) : null;
                var data = RandomImages(options.Batch * (options.Steps + 1), shape);
                var before = Reset();
                var times = new StepClock();
                using var trainer = new Trainer(model, new TrainerOptions
                {
                    Epochs = 1,
                    BatchSize = options.Batch,
                    LearningRate = 0.001,
                    Seed = 3,
                    WeightDecay = 0,
                    Threads = options.Threads,
                    ProgressEveryBatches = 1,
                    Stage = "bench",
                });
                // As DivergenceRecovery does before every fine-tuning epoch: the trainer's snapshot and the hooks' state.
                using var snapshot = trainer.Snapshot();
                var restore = tuner?.SaveState();
                times.Start();
                trainer.TrainEpoch(data, tuner, times);
                var perStep = times.Steps.Skip(1).Average();
                Report(phase, quantized
                        ? "one quantization-aware fine-tuning step (trainer, momentum, epoch snapshot, hooks, activations)"
                        : "one plain training step (trainer, momentum, epoch snapshot, activations), no fine-tuner",
                    before, TimeSpan.FromSeconds(times.Steps.Sum()), weightMb);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{phase}] batch {options.Batch} at 224x224: first step {times.Steps[0]:F2} s (with the epoch start), then {perStep:F2} s a step ({string.Join(", ", times.Steps.Skip(1).Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}), {options.Batch / perStep:F1} images/s"));
                GC.KeepAlive(restore);
                break;
            }
            case "roundtrip":
            {
                var tuner = Tuner(model, masks);
                var path = Path.Combine(options.Folder, "resnet50.fqz");
                Directory.CreateDirectory(options.Folder);
                var before = Reset();
                var clock = Stopwatch.StartNew();
                // As TrialStage after the last epoch: every weight quantized and loaded, then only the separations kept.
                var quantizedLayers = tuner.Finish();
                var separations = tuner.Layers.Select(l => l.ModeSeparation).ToArray();
                tuner = null;
                var compressed = new CompressedModel(
                    "resnet50",
                    quantizedLayers.Select(q => new QuantizedLayer(q.Name, q.Shape, q.Parameters, q.Symbols)).ToArray(),
                    ModelState.FloatTensors(model),
                    new Dictionary<string, string> { [ModelState.ShapeKey] = ModelState.FormatShape(shape), [ModelState.DatasetKey] = "random" });
                var bytes = FqzFile.ToBytes(compressed, CodingMode.ContextArithmetic);
                AtomicFile.Write(path, stream => stream.Write(bytes));
                var encodeTime = clock.Elapsed;
                Report("encode", "encoding (Finish + CompressedModel + context-arithmetic coding + atomic write), as TrialStage does", before, encodeTime, weightMb);
                var paperClock = Stopwatch.StartNew();
                var paper = FqzFile.ToBytes(compressed, CodingMode.Paper).LongLength;
                var paperTime = paperClock.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[encode] {bytes.LongLength:N0} bytes (CR {(double)compressed.DenseBytes / bytes.LongLength:F1}x of {compressed.DenseBytes:N0} dense bytes) in {encodeTime.TotalSeconds:F2} s; the paper's Huffman coding: {paper:N0} bytes (CR {(double)compressed.DenseBytes / paper:F1}x) in {paperTime.TotalSeconds:F2} s"));
                compressed = null;
                bytes = null;
                GC.KeepAlive(separations);

                before = Reset();
                clock.Restart();
                var decoded = FqzFile.Read(path);
                var decodeTime = clock.Elapsed;
                using var restored = ModelState.Restore(decoded);
                var restoreTime = clock.Elapsed;
                Report("decode", "decoding (FqzFile.Read + ModelState.Restore into a new resnet50)", before, restoreTime, weightMb);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[decode] read and decoded in {decodeTime.TotalSeconds:F2} s, restored into a resnet50 in {(restoreTime - decodeTime).TotalSeconds:F2} s more"));
                var (differing, compared) = Compare(model, restored);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[decode] decoded weights against the quantized ones (alpha * Q(w), loaded by Finish): {differing:N0} of {compared:N0} values differ (bit-exact comparison of every parameter and buffer)"));
                if (differing != 0) return 1;
                break;
            }
            default:
                Console.Error.WriteLine($"unknown phase '{phase}'; phases: {string.Join(", ", Phases)}");
                return 2;
        }
        return 0;
    }

    /// <summary>Builds the fine-tuner the way TrialStage.FineTune does: a ShadowedWeight and a plan per quantized layer.</summary>
    private static FocusedFineTuner Tuner(nn.Module<Tensor, Tensor> model, IReadOnlyList<(string Name, bool[] Mask)> masks)
    {
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var weights = masks.Select(m => (new ShadowedWeight(m.Name, named[m.Name]), m.Mask)).ToArray();
        var schedule = new FineTuneSchedule().Scaled(1.0 / 3);
        return new FocusedFineTuner(weights, new QuantizationOptions { Bits = 5, SeparationThreshold = 2.0, Seed = 1 }, schedule);
    }

    /// <summary>Zeroes the smallest 82.7 % of each quantized layer's weights (in place) and returns the masks.</summary>
    private static List<(string Name, bool[] Mask)> Prune(nn.Module<Tensor, Tensor> model)
    {
        var quantizable = ModelZoo.QuantizableParameters(model).ToHashSet(StringComparer.Ordinal);
        var masks = new List<(string, bool[])>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!quantizable.Contains(name)) continue;
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(parameter.bytes);
            var magnitudes = new float[values.Length];
            for (var i = 0; i < values.Length; i++) magnitudes[i] = MathF.Abs(values[i]);
            Array.Sort(magnitudes);
            var threshold = magnitudes[(int)(Sparsity * magnitudes.Length)];
            var mask = new bool[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                mask[i] = MathF.Abs(values[i]) > threshold;
                if (!mask[i]) values[i] = 0f;
            }
            masks.Add((name, mask));
        }
        return masks;
    }

    private static ImageDataset RandomImages(int count, ModelShape shape)
    {
        var random = new Random(5);
        var pixels = new float[(long)count * shape.Channels * shape.Height * shape.Width];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)(random.NextDouble() * 2 - 1);
        var labels = Enumerable.Range(0, count).Select(i => (long)random.Next(shape.Classes)).ToArray();
        return new ImageDataset("random 224x224", pixels, labels, shape.Channels, shape.Height, shape.Width, shape.Classes);
    }

    private static (long Differing, long Compared) Compare(nn.Module model, nn.Module restored)
    {
        var expected = ModelZoo.State(model).Where(e => e.Tensor.dtype == ScalarType.Float32).ToDictionary(e => e.Name);
        long differing = 0, compared = 0;
        foreach (var entry in ModelZoo.State(restored).Where(e => e.Tensor.dtype == ScalarType.Float32))
        {
            var a = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(expected[entry.Name].Tensor.bytes);
            var b = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entry.Tensor.bytes);
            if (a.Length != b.Length) throw new InvalidDataException($"{entry.Name}: {a.Length} values decoded as {b.Length}");
            for (var i = 0; i < a.Length; i++)
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) differing++;
            compared += a.Length;
        }
        return (differing, compared);
    }

    /// <summary>Collects garbage, resets the peak RSS to the current RSS, and returns the RSS in kB.</summary>
    private static long Reset()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Status("VmRSS");
    }

    private static void Report(string phase, string what, long beforeKb, TimeSpan elapsed, double weightMb)
    {
        var peak = Status("VmHWM");
        var grew = (peak - beforeKb) / 1000.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PHASE {phase}: RSS before {beforeKb / 1000.0:F0} MB, peak {peak / 1000.0:F0} MB, +{grew:F0} MB = {grew / weightMb:F1} x the quantized weights; {elapsed.TotalSeconds:F2} s  ({what})"));
    }

    /// <summary>A field of /proc/self/status, in kB.</summary>
    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/self/status has no {field} (Linux only).");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static ProcessStartInfo ChildStart(string[] args)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Run as `dotnet Benchmarks.dll`: the child needs the assembly; run through the apphost: it does not.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(ResNet50Command).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Options(int Batch, int Steps, int Threads, string Folder, string? Only);

    private static Options? Parse(string[] args)
    {
        int batch = 16, steps = 3, threads = Math.Min(2, Environment.ProcessorCount);
        string folder = Path.Combine(Path.GetTempPath(), "fq-resnet50-bench");
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--batch" when value is not null: batch = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--steps" when value is not null: steps = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--threads" when value is not null: threads = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--folder" when value is not null: folder = value; i++; break;
                case "--phase" when value is not null && Phases.Contains(value): only = value; i++; break;
                default:
                    Console.Error.WriteLine($"usage: resnet50 [--batch 16] [--steps 3] [--threads 2] [--folder DIR] [--phase {string.Join('|', Phases)}]");
                    return null;
            }
        }
        if (batch < 1 || steps < 1 || threads < 1) return null;
        return new Options(batch, steps, threads, folder, only);
    }

    /// <summary>Seconds between progress reports: one report a batch (ProgressEveryBatches = 1), synchronously.</summary>
    private sealed class StepClock : IProgress<TrainingProgress>
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _last;

        public List<double> Steps { get; } = [];

        public void Start() => _clock.Start();

        public void Report(TrainingProgress value)
        {
            var now = _clock.Elapsed;
            Steps.Add((now - _last).TotalSeconds);
            _last = now;
        }
    }
}
