using System.Diagnostics;
using System.Globalization;
using FocusedQuantization.Compression.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusedQuantization.Benchmarks.Loaders;

/// <summary>
/// `loaders`: images per second of fq's image-folder pipeline (decode with ImageSharp, RandomResizedCrop 224, flip,
/// normalize, in batches of 64 from a shuffled order, on N decoding threads) against torchvision's ImageFolder with a
/// DataLoader of N workers and the same transforms, on the same generated folder of JPEGs, side by side in one run.
/// </summary>
internal static class LoaderCommand
{
    private const string TorchvisionScript = """
        import sys, time, torch
        from torchvision import datasets, transforms as T
        folder, workers, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        torch.set_num_threads(1)
        t = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                       T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
        data = datasets.ImageFolder(folder, transform=t)
        loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True, num_workers=workers)
        best = 0.0
        for epoch in range(epochs):
            start, count = time.perf_counter(), 0
            for images, labels in loader:
                count += images.shape[0]
            best = max(best, count / (time.perf_counter() - start))
        print(f"{count} {best}")
        """;

    public static int Run(string[] args)
    {
        var options = Parse(args);
        if (options is null) return 2;
        var (folder, images, classes, side, workers, batch, epochs, python) = options.Value;
        var train = Path.Combine(folder, "train");
        Generate(train, images, classes, side);
        // Both read the files from the page cache, not from the disk.
        foreach (var file in Directory.EnumerateFiles(train, "*.jpg", SearchOption.AllDirectories)) File.ReadAllBytes(file);
        Console.WriteLine($"folder {train}: {images} JPEGs of {side}x{side} in {classes} classes; {workers} workers, batches of {batch}, best of {epochs} epochs; {Environment.ProcessorCount} cores");

        var transforms = new ImageTransforms(224, 256, ImageNormalization.ImageNet);
        var set = ImageFolderDataset.Open(train, "bench", transforms, workers: workers, prefetchBatches: 2);
        double fqRate = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var order = Enumerable.Range(0, set.Count).ToArray();
            new Random(epoch).Shuffle(order);
            var clock = Stopwatch.StartNew();
            long count = 0;
            foreach (var host in set.TrainingBatches(order, batch, seed: 1, epoch)) count += host.Count;
            fqRate = Math.Max(fqRate, count / clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LOADER: {set.Count} images, {fqRate:F1} images/s  (fq: ImageSharp 2.1.13, {workers} decoding threads)"));

        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", TorchvisionScript, train, workers.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"loaders: torchvision failed ({python}; infra/setup.sh --bench installs python3-torchvision): {error}");
            return 1;
        }
        var parts = output.Trim().Split(' ');
        var torchRate = double.Parse(parts[1], CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LOADER: {parts[0]} images, {torchRate:F1} images/s  (torchvision ImageFolder + DataLoader, PIL, {workers} workers)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio fq / torchvision: {fqRate / torchRate:F2}"));
        return 0;
    }

    /// <summary>Writes <paramref name="images"/> JPEGs (quality 90) of smooth gradients with noise, unless the folder already holds them.</summary>
    private static void Generate(string train, int images, int classes, int side)
    {
        var stamp = Path.Combine(train, $".generated-{images}-{classes}-{side}");
        if (File.Exists(stamp)) return;
        if (Directory.Exists(train)) Directory.Delete(train, recursive: true);
        var encoder = new JpegEncoder { Quality = 90 };
        Parallel.For(0, images, i =>
        {
            var label = i % classes;
            var random = new Random(i);
            using var image = new Image<Rgb24>(side, side);
            for (var y = 0; y < side; y++)
                for (var x = 0; x < side; x++)
                    image[x, y] = new Rgb24(
                        (byte)Math.Clamp((x + label * 20) % 256 + random.Next(-20, 21), 0, 255),
                        (byte)Math.Clamp((y * 2 + i) % 256 + random.Next(-20, 21), 0, 255),
                        (byte)Math.Clamp((x + y) / 2 + random.Next(-20, 21), 0, 255));
            var folder = Path.Combine(train, $"class{label:D2}");
            Directory.CreateDirectory(folder);
            image.Save(Path.Combine(folder, $"{i:D6}.jpg"), encoder);
        });
        File.WriteAllText(stamp, "");
    }

    private static (string Folder, int Images, int Classes, int Side, int Workers, int Batch, int Epochs, string Python)? Parse(string[] args)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fq-loader-bench"), python = "/usr/bin/python3";
        int images = 2000, classes = 10, side = 256, workers = Environment.ProcessorCount, batch = 64, epochs = 2;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--folder" when value is not null: folder = value; i++; break;
                case "--images" when value is not null: images = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--classes" when value is not null: classes = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--side" when value is not null: side = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--workers" when value is not null: workers = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--batch" when value is not null: batch = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--epochs" when value is not null: epochs = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--python" when value is not null: python = value; i++; break;
                default:
                    Console.Error.WriteLine("usage: loaders [--folder DIR] [--images 2000] [--classes 10] [--side 256] [--workers CORES] [--batch 64] [--epochs 2] [--python /usr/bin/python3]");
                    return null;
            }
        }
        return (folder, images, classes, side, workers, batch, epochs, python);
    }
}
