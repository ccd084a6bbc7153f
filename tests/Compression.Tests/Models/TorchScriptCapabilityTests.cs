using System.Runtime.InteropServices;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Tests.Data;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Models;

/// <summary>
/// What TorchSharp 0.107 (libtorch 2.10) can do with a module saved by torch.jit.save from PyTorch 1.13: each test
/// is one capability the compression stages rely on.
/// </summary>
public sealed class TorchScriptCapabilityTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fq-torchscript-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private (string Path, float[] Logits) Make(bool trace = false, int seed = 0)
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var path = Path.Combine(root, $"{(trace ? "traced" : "scripted")}-{seed}.pt");
        return (path, TorchScriptFiles.Write(path, trace, seed));
    }

    private static Tensor Probe() => torch.linspace(-1, 1, 2 * 28 * 28).view(2, 1, 28, 28);

    [Fact]
    public void Named_parameters_and_buffers_are_the_scripts_own_names_and_require_grad()
    {
        var (path, _) = Make();
        using var net = TorchScriptNetwork.Load(path);

        var parameters = net.named_parameters().ToArray();
        Assert.Equal(["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"], parameters.Select(p => p.name));
        Assert.Equal([8L, 1, 3, 3], parameters[0].parameter.shape);
        Assert.Equal([10L, 16], parameters[5].parameter.shape);
        Assert.All(parameters, p => Assert.True(p.parameter.requires_grad, p.name));
        Assert.Equal(["bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked"], net.named_buffers().Select(b => b.name));
        Assert.Equal(parameters.Length + 3, net.state_dict().Count);
        Assert.Equal(64, net.Sha256.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_in_eval_mode_gives_pytorchs_logits(bool trace)
    {
        var (path, expected) = Make(trace);
        using var net = TorchScriptNetwork.Load(path);
        net.eval();
        using var input = Probe();
        using var noGrad = torch.no_grad();
        using var logits = net.forward(input);

        Assert.Equal([2L, 10], logits.shape);
        var actual = logits.data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"logit {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void A_scripted_module_follows_train_and_eval_batch_norm_updates_its_statistics_only_in_training()
    {
        var (path, _) = Make();
        using var net = TorchScriptNetwork.Load(path);
        using var input = Probe();
        var mean = net.named_buffers().Single(b => b.name == "bn1.running_mean").buffer;

        net.eval();
        Assert.False(net.training);
        using (torch.no_grad()) net.forward(input).Dispose();
        Assert.Equal(0f, mean.abs().sum().item<float>());

        net.train();
        Assert.True(net.training);
        using (torch.no_grad()) net.forward(input).Dispose();
        Assert.NotEqual(0f, mean.abs().sum().item<float>());
    }

    [Fact]
    public void A_module_traced_in_eval_mode_keeps_eval_behaviour_in_training()
    {
        // torch.jit.trace records batch norm with the training flag it had: train() changes the flag, not the graph.
        var (path, _) = Make(trace: true);
        using var net = TorchScriptNetwork.Load(path);
        using var input = Probe();
        var mean = net.named_buffers().Single(b => b.name == "bn1.running_mean").buffer;

        net.train();
        Assert.True(net.training);
        using (torch.no_grad()) net.forward(input).Dispose();
        Assert.Equal(0f, mean.abs().sum().item<float>());
    }

    [Fact]
    public void Writing_into_a_parameters_storage_changes_what_forward_computes()
    {
        var (path, _) = Make();
        using var net = TorchScriptNetwork.Load(path);
        net.eval();
        var weight = net.named_parameters().Single(p => p.name == "fc.weight").parameter;
        var bias = net.named_parameters().Single(p => p.name == "fc.bias").parameter;

        // As ShadowedWeight writes: straight into the CPU storage.
        MemoryMarshal.Cast<byte, float>(weight.bytes).Clear();
        using var input = Probe();
        using var noGrad = torch.no_grad();
        using var logits = net.forward(input);

        var expected = bias.data<float>().ToArray();
        var actual = logits.data<float>().ToArray();
        for (var i = 0; i < actual.Length; i++) Assert.Equal(expected[i % 10], actual[i], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_fills_every_parameters_gradient_and_sgd_steps_lower_the_loss(bool trace)
    {
        var (path, _) = Make(trace);
        using var net = TorchScriptNetwork.Load(path);
        net.train();
        using var input = Probe();
        using var labels = torch.tensor(new long[] { 3, 7 });
        var parameters = net.parameters().ToArray();
        using var optimizer = torch.optim.SGD(parameters, 0.1);

        float First()
        {
            optimizer.zero_grad();
            using var logits = net.forward(input);
            using var loss = nn.functional.cross_entropy(logits, labels);
            loss.backward();
            return loss.item<float>();
        }

        var initial = First();
        foreach (var (name, parameter) in net.named_parameters())
        {
            using var grad = parameter.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.True(grad.abs().sum().item<float>() > 0, $"{name} has a zero gradient");
        }
        var loss = initial;
        for (var step = 0; step < 30; step++)
        {
            optimizer.step();
            loss = First();
        }
        Assert.True(loss < initial * 0.5, $"loss {initial} -> {loss}");
    }

    [Fact]
    public void The_trainer_fine_tunes_a_script_and_the_state_round_trips_through_a_checkpoint()
    {
        var (path, _) = Make();
        using var net = TorchScriptNetwork.Load(path);
        var data = Blobs(120);
        var initial = Evaluator.Evaluate(net, data);
        var before = net.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using (var trainer = new Trainer(net, new TrainerOptions { Epochs = 3, BatchSize = 20, LearningRate = 0.05, Seed = 1 }))
            trainer.Train(data, cancellationToken: TestContext.Current.CancellationToken);
        var after = Evaluator.Evaluate(net, data);

        Assert.True(after.Top1Percent > 90 && after.Loss < initial.Loss, $"top-1 {initial.Top1Percent} -> {after.Top1Percent}, loss {initial.Loss} -> {after.Loss}");
        Assert.Contains(before, p => !p.Value.eq(net.state_dict()[p.Key]).all().item<bool>());
        var checkpoint = Path.Combine(root, "state.bin");
        Checkpoint.Save(net, checkpoint);
        using var fresh = TorchScriptNetwork.Load(path);
        Checkpoint.Load(fresh, checkpoint);
        Assert.All(net.state_dict(), p => Assert.True(p.Value.eq(fresh.state_dict()[p.Key]).all().item<bool>(), p.Key));
        Assert.Equal(after.Top1Percent, Evaluator.Evaluate(fresh, data).Top1Percent);
    }

    [Fact]
    public void Jit_save_writes_the_weights_it_holds_now()
    {
        var (path, _) = Make();
        using var net = TorchScriptNetwork.Load(path);
        var weight = net.named_parameters().Single(p => p.name == "conv2.weight").parameter;
        MemoryMarshal.Cast<byte, float>(weight.bytes).Fill(0.25f);
        var saved = Path.Combine(root, "saved.pt");

        net.SaveScript(saved);

        var (code, output, error) = PyTorch.Run("import sys, torch; m = torch.jit.load(sys.argv[1]); print(float(m.conv2.weight.sum()), m.conv2.weight.numel())", [saved], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, error);
        var parts = output.Trim().Split(' ');
        Assert.Equal(0.25 * int.Parse(parts[1]), double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public void A_file_that_is_not_torchscript_is_invalid_data_naming_it()
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var path = Path.Combine(root, "broken.pt");
        File.WriteAllBytes(path, "PK\u0003\u0004 this is not a TorchScript archive"u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => TorchScriptNetwork.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_file_with_another_hash_than_expected_is_invalid_data()
    {
        var (path, _) = Make();
        var error = Assert.Throws<InvalidDataException>(() => TorchScriptNetwork.Load(path, new string('0', 64)));
        Assert.Contains("SHA-256", error.Message);
    }

    /// <summary>Two classes of 1 x 28 x 28 noise images (of a <paramref name="classes"/>-class set): dark or bright.</summary>
    internal static ImageDataset Blobs(int count, int classes = 10)
    {
        var random = new Random(5);
        var pixels = new float[count * 784];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            labels[i] = label;
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                    pixels[i * 784 + y * 28 + x] = (float)((label == 0 ? 0.2 : 0.6) + 0.3 * random.NextDouble());
        }
        return new ImageDataset("blobs", pixels, labels, 1, 28, 28, classes);
    }
}
