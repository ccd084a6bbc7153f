using System.Collections;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Stages;
using FocusedQuantization.Compression.Tests.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Models;

/// <summary>PyTorch state_dict and safetensors files in and out: a real torchvision's, and damaged or mismatched ones.</summary>
public sealed class StateDictTests : IDisposable
{
    // Saves a seeded torchvision model's state_dict with torch.save, and its eval-mode logits on fixed inputs.
    private const string SaveAndRun = """
        import sys, numpy, torch, torchvision
        name, classes, size, weights, inputs, logits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
        torch.manual_seed(5)
        model = getattr(torchvision.models, name)(num_classes=classes)
        # Batch norm statistics other than 0 and 1, so that a mixed-up buffer shows.
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1); m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.1, 0.1)
        torch.save(model.state_dict(), weights)
        model.eval()
        x = torch.randn(3, 3, size, size)
        x.numpy().astype('<f4').tofile(inputs)
        with torch.no_grad():
            model(x).numpy().astype('<f4').tofile(logits)
        """;

    private readonly string root = Directory.CreateTempSubdirectory("fq-statedict-").FullName;

    public StateDictTests() => torch.set_num_threads(1);

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_torchvision_resnet18_saved_with_torch_save_loads_and_gives_pytorchs_logits()
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var (weights, inputs, logits) = (Path.Combine(root, "r18.pth"), Path.Combine(root, "x.f32"), Path.Combine(root, "y.f32"));
        var (code, _, error) = PyTorch.Run(SaveAndRun, ["resnet18", "10", "32", weights, inputs, logits], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, error);

        using var file = StateDict.Read(weights);
        Assert.Equal(StateDictFormat.PyTorch, file.Format);
        Assert.Equal(10, file.ClassesFor("resnet18"));
        using var model = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 1);
        file.LoadInto(model, "resnet18");

        var actual = Forward(model, ReadFloats(inputs), 32);
        var expected = ReadFloats(logits);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(MaxDifference(expected, actual) <= 1e-4, $"max |fq - PyTorch| = {MaxDifference(expected, actual)}");
    }

    [Theory]
    [InlineData(StateDictFormat.PyTorch)]
    [InlineData(StateDictFormat.Safetensors)]
    public void A_written_state_dict_reads_back_equal_in_both_formats(StateDictFormat format)
    {
        using var original = ModelZoo.Create("mobilenet-v2", new ModelShape(3, 32, 32, 5), seed: 2);
        var path = Path.Combine(root, "m." + (format == StateDictFormat.PyTorch ? "pt" : "safetensors"));
        StateDict.Write(original, path, format);

        using var file = StateDict.Read(path);
        Assert.Equal(format, file.Format);
        Assert.Equal(5, file.ClassesFor("mobilenet-v2"));
        using var copy = ModelZoo.Create("mobilenet-v2", new ModelShape(3, 32, 32, 5), seed: 3);
        file.LoadInto(copy, "mobilenet-v2");
        var copied = copy.state_dict();
        foreach (var (name, tensor) in original.state_dict())
            Assert.True(tensor.eq(copied[name]).all().item<bool>(), $"{name} differs after the round trip");
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_keys_are_all_listed_and_nothing_is_loaded()
    {
        using var source = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 2);
        var state = new Hashtable();
        foreach (var (name, tensor) in source.state_dict())
            if (name != "layer1.0.bn1.running_mean") state[name] = tensor.detach();
        state["extra.weight"] = torch.zeros(3);
        state["conv1.weight"] = torch.zeros(64, 3, 5, 5);
        var path = Path.Combine(root, "bad.pth");
        PyTorchPickler.PickleStateDict(path, state);

        using var file = StateDict.Read(path);
        using var target = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 4);
        var before = target.get_parameter("fc.weight")!.clone();
        var error = Assert.Throws<InvalidDataException>(() => file.LoadInto(target, "resnet18"));

        Assert.Contains("missing keys (1): layer1.0.bn1.running_mean", error.Message);
        Assert.Contains("unexpected keys (1): extra.weight", error.Message);
        Assert.Contains("shape mismatches (1): conv1.weight: file [64, 3, 5, 5], model [64, 3, 7, 7]", error.Message);
        Assert.True(before.eq(target.get_parameter("fc.weight")!).all().item<bool>());
    }

    [Fact]
    public void A_file_without_num_batches_tracked_loads()
    {
        using var source = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 2);
        var state = new Hashtable();
        foreach (var (name, tensor) in source.state_dict())
            if (!name.EndsWith("num_batches_tracked")) state[name] = tensor.detach();
        var path = Path.Combine(root, "old.pth");
        PyTorchPickler.PickleStateDict(path, state);

        using var file = StateDict.Read(path);
        using var target = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 4);
        file.LoadInto(target, "resnet18");
        Assert.True(source.get_parameter("layer4.1.conv2.weight")!.eq(target.get_parameter("layer4.1.conv2.weight")!).all().item<bool>());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated zip")]
    [InlineData("truncated safetensors")]
    [InlineData("legacy pickle")]
    public void A_damaged_or_foreign_file_is_invalid_data_naming_the_file(string kind)
    {
        using var model = ModelZoo.Create("resnet18", new ModelShape(3, 32, 32, 10), seed: 2);
        var good = Path.Combine(root, "good" + (kind.Contains("safetensors") ? ".safetensors" : ".pt"));
        StateDict.Write(model, good, kind.Contains("safetensors") ? StateDictFormat.Safetensors : StateDictFormat.PyTorch);
        var bytes = File.ReadAllBytes(good);
        var path = Path.Combine(root, "bad.bin");
        File.WriteAllBytes(path, kind switch
        {
            "garbage" => "this is not a tensor file at all"u8.ToArray(),
            "legacy pickle" => [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc],
            _ => bytes[..(bytes.Length / 2)],
        });

        var error = Assert.Throws<InvalidDataException>(() => StateDict.Read(path));
        Assert.Contains(path, error.Message);
        Assert.StartsWith("Cannot read the weights file", error.Message);
    }

    [Fact]
    public void The_baseline_id_follows_the_weights_content_not_their_path()
    {
        File.WriteAllText(Path.Combine(root, "a.pth"), "one");
        File.WriteAllText(Path.Combine(root, "b.pth"), "two");
        File.WriteAllText(Path.Combine(root, "c.pth"), "one");
        BaselineSpec Spec(string file) => new("resnet18", "imagefolder:" + root, 0, 0.01, 8, 1, Weights: WeightsFile.Of(Path.Combine(root, file)));
        var trained = new BaselineSpec("resnet18", "imagefolder:" + root, 0, 0.01, 8, 1);

        Assert.NotEqual(Spec("a.pth").Id, Spec("b.pth").Id);
        Assert.Equal(Spec("a.pth").Id, Spec("c.pth").Id);
        Assert.NotEqual(trained.Id, Spec("a.pth").Id);
        Assert.Contains(WeightsFile.Of(Path.Combine(root, "a.pth")).Sha256, Spec("a.pth").Canonical);
    }

    private static float[] Forward(torch.nn.Module<torch.Tensor, torch.Tensor> model, float[] pixels, int size)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.tensor(pixels, [pixels.Length / (3 * size * size), 3, size, size]);
        return model.forward(input).data<float>().ToArray();
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
