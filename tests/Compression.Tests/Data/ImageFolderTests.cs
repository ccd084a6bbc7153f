using FocusedQuantization.Compression.Data;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fq-folder-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Classes_are_the_sorted_sub_folders_and_val_keeps_trains_numbers()
    {
        GeneratedImages.ImageFolder(root, classes: 3, perClass: 2, valPerClass: 1, size: 16, png: true);
        Directory.Move(Path.Combine(root, "train", "class00"), Path.Combine(root, "train", "zebra"));
        Directory.Move(Path.Combine(root, "val", "class00"), Path.Combine(root, "val", "zebra"));
        Directory.Delete(Path.Combine(root, "val", "class01"), recursive: true);
        File.WriteAllText(Path.Combine(root, "train", "class01", "notes.txt"), "not an image");

        var source = DataSource.Parse($"imagefolder:{root}?size=16");
        var train = DataSourceLoader.OpenImageFolder(source, DatasetSplit.Train);
        var val = DataSourceLoader.OpenImageFolder(source, DatasetSplit.Test);

        Assert.Equal(["class01", "class02", "zebra"], train.ClassNames);
        Assert.Equal([0L, 0, 1, 1, 2, 2], Enumerable.Range(0, train.Count).Select(train.LabelAt));
        Assert.EndsWith(Path.Combine("class01", "img000.png"), train.PathAt(0));
        Assert.Equal(train.ClassNames, val.ClassNames);
        Assert.Equal([1L, 2], Enumerable.Range(0, val.Count).Select(val.LabelAt));
    }

    [Fact]
    public void A_val_class_the_training_folder_lacks_is_refused_naming_it()
    {
        GeneratedImages.ImageFolder(root, classes: 2, perClass: 1, valPerClass: 1, size: 16, png: true);
        Directory.CreateDirectory(Path.Combine(root, "val", "extra"));

        var error = Assert.Throws<InvalidDataException>(() => DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}"), DatasetSplit.Test));

        Assert.Contains(Path.Combine(root, "val", "extra"), error.Message);
    }

    [Fact]
    public void A_folder_without_val_says_what_layout_it_needs()
    {
        Directory.CreateDirectory(Path.Combine(root, "train", "a"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => DataSourceLoader.Load(DataSource.Parse($"imagefolder:{root}"), DatasetSplit.Train, cancellationToken: Token));

        Assert.Contains("val/", error.Message);
    }

    [Fact]
    public void Png_images_decode_to_their_exact_pixels_when_no_resizing_is_needed()
    {
        GeneratedImages.ImageFolder(root, classes: 2, perClass: 2, valPerClass: 2, size: 24, png: true);
        var transforms = new ImageTransforms(24, 24, ImageNormalization.ImageNet);
        var val = ImageFolderDataset.Open(Path.Combine(root, "val"), "val", transforms, workers: 2);

        var batches = val.EvaluationBatches(3, Token).ToList();

        Assert.Equal([3, 1], batches.Select(b => b.Count));
        var pixels = batches[0].Pixels;
        var n = ImageNormalization.ImageNet;
        // Image 2 of the set is class01's first: generated as index 1000 of class 1.
        for (var y = 0; y < 24; y++)
            for (var x = 0; x < 24; x++)
            {
                var expected = GeneratedImages.Pixel(1, 1000, x, y);
                var at = 2 * 3 * 576 + y * 24 + x;
                Assert.Equal(n.Apply(0, expected.R), pixels[at]);
                Assert.Equal(n.Apply(1, expected.G), pixels[at + 576]);
                Assert.Equal(n.Apply(2, expected.B), pixels[at + 2 * 576]);
            }
        Assert.Equal([0L, 0, 1], batches[0].Labels);
    }

    [Fact]
    public void Jpeg_images_decode_close_to_what_was_written()
    {
        GeneratedImages.ImageFolder(root, classes: 1, perClass: 1, valPerClass: 1, size: 32);
        var transforms = new ImageTransforms(32, 32, new ImageNormalization([0f, 0f, 0f], [1f, 1f, 1f]));
        var val = ImageFolderDataset.Open(Path.Combine(root, "val"), "val", transforms, workers: 0);

        var pixels = val.EvaluationBatches(1, Token).Single().Pixels;

        double error = 0;
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 32; x++)
                error += Math.Abs(pixels[y * 32 + x] - GeneratedImages.Pixel(0, 1000, x, y).R / 255.0);
        Assert.True(error / 1024 < 0.03, $"mean red error {error / 1024}");
    }

    [Fact]
    public void Training_batches_are_the_same_whatever_the_workers_and_differ_across_seeds_and_epochs()
    {
        GeneratedImages.ImageFolder(root, classes: 10, perClass: 20, valPerClass: 1, size: 64);
        var transforms = new ImageTransforms(32, 37, ImageNormalization.ImageNet);
        var inline = ImageFolderDataset.Open(Path.Combine(root, "train"), "train", transforms, workers: 0);
        var parallel = inline.WithWorkers(3, prefetchBatches: 2);
        var order = Enumerable.Range(0, inline.Count).Select(i => i * 37 % inline.Count).ToArray();
        Assert.Equal(200, order.Distinct().Count());
        float[] Pixels(ImageFolderDataset set, long seed, int epoch) => [.. set.TrainingBatches(order, 16, seed, epoch, Token).SelectMany(b => b.Pixels)];

        var first = Pixels(inline, 5, 0);

        Assert.Equal(200 * 3 * 32 * 32, first.Length);
        Assert.Equal(first, Pixels(parallel, 5, 0));
        Assert.Equal(first, Pixels(parallel.WithWorkers(2, 1), 5, 0));
        Assert.NotEqual(first, Pixels(parallel, 6, 0));
        Assert.NotEqual(first, Pixels(parallel, 5, 1));
        Assert.Equal(order.Select(inline.LabelAt), parallel.TrainingBatches(order, 16, 5, 0, Token).SelectMany(b => b.Labels));
    }

    [Fact]
    public void Random_resized_crops_follow_torchvisions_bounds()
    {
        for (var i = 0; i < 2000; i++)
        {
            var random = SampleRandom.For(3, i % 7, i);
            var (top, left, height, width) = ImageTransforms.RandomResizedCropBox(60, 90, ref random);
            Assert.InRange(height, 1, 60);
            Assert.InRange(width, 1, 90);
            Assert.InRange(top, 0, 60 - height);
            Assert.InRange(left, 0, 90 - width);
            var area = (double)height * width / (60 * 90);
            Assert.InRange(area, 0.07, 1.0);
        }
        var fallback = SampleRandom.For(0, 0, 0);
        // A 1-pixel-high strip admits no crop of the ratio range: the fallback crops its centre at ratio 4/3.
        Assert.Equal((0, 49, 1, 1), ImageTransforms.RandomResizedCropBox(1, 100, ref fallback));
    }

    [Fact]
    public void A_corrupt_image_is_an_error_naming_the_file()
    {
        GeneratedImages.ImageFolder(root, classes: 2, perClass: 3, valPerClass: 1, size: 32);
        var bad = Path.Combine(root, "train", "class01", "img001.jpg");
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..40]);
        var train = DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}?size=16"), DatasetSplit.Train, workers: 2);

        var error = Assert.Throws<UnreadableImageException>(() => train.TrainingBatches(Enumerable.Range(0, 6).ToArray(), 2, 0, 0, Token).ToList());

        Assert.Equal(bad, error.Path);
        Assert.Contains(bad, error.Message);
        Assert.Contains("--skip-bad-images", error.Message);
    }

    [Fact]
    public void With_skipping_asked_for_corrupt_images_leave_their_batches_and_are_counted_once()
    {
        GeneratedImages.ImageFolder(root, classes: 2, perClass: 3, valPerClass: 1, size: 32);
        var bad = Path.Combine(root, "train", "class01", "img001.jpg");
        File.WriteAllText(bad, "this is not a JPEG");
        File.WriteAllBytes(Path.Combine(root, "train", "class00", "img002.jpg"), []);
        var train = DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}?size=16&skip-bad"), DatasetSplit.Train, workers: 2);

        var batches = train.TrainingBatches(Enumerable.Range(0, 6).ToArray(), 2, 0, 0, Token).ToList();
        var again = train.EvaluationBatches(4, Token).ToList();

        Assert.Equal([2, 1, 1], batches.Select(b => b.Count));
        Assert.Equal([0, 1, 3, 5], batches.SelectMany(b => b.Positions));
        Assert.Equal([0L, 0, 1, 1], batches.SelectMany(b => b.Labels));
        Assert.Equal(4, again.Sum(b => b.Count));
        Assert.Equal(2, train.SkippedImages);
        Assert.Contains(bad, train.SkippedFiles.Keys);
    }

    [Fact]
    public void The_validation_split_carves_an_image_folder_as_it_carves_a_built_in_set()
    {
        GeneratedImages.ImageFolder(root, classes: 4, perClass: 5, valPerClass: 1, size: 16, png: true);
        var train = DataSourceLoader.OpenImageFolder(DataSource.Parse($"imagefolder:{root}?size=16"), DatasetSplit.Train, workers: 0);
        var split = ValidationSplit.Parse("25%");

        var (fit, held) = split.Carve((IImageSet)train);
        var (fitNumbers, heldNumbers) = split.Carve(new ImageDataset("n", new float[20], [.. Enumerable.Range(0, 20).Select(i => (long)i)], 1, 1, 1, 20));

        Assert.Equal((15, 5), (fit.Count, held.Count));
        var heldFolder = (ImageFolderDataset)held;
        Assert.Equal(heldNumbers.Labels.Select(i => train.PathAt((int)i)), Enumerable.Range(0, 5).Select(heldFolder.PathAt));
        Assert.Equal(fitNumbers.Labels.Select(i => train.LabelAt((int)i)), Enumerable.Range(0, 15).Select(fit.LabelAt));
        Assert.EndsWith("(validation)", held.Name);
    }
}
