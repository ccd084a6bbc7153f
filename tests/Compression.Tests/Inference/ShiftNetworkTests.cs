using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Inference;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Tests.Retraining;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Inference;

public sealed class ShiftNetworkTests
{
    public ShiftNetworkTests() => torch.set_num_threads(1);

    // The models whose layout shift-only inference knows (not yet the torchvision ones).
    public static TheoryData<string> Models() => [.. ShiftArchitectures.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_follow_the_decoded_float_model_within_the_int8_activation_error(string modelName)
    {
        // Zero-mean noise: an input with a large mean drives a random network's deep maps towards constants, which
        // would hide a wrong stride or padding.
        var random = new Random(14);
        const int count = 6;
        var pixels = Enumerable.Range(0, count * 784).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        using var input = torch.tensor(pixels, [count, 1, 28, 28]);
        using var module = ModelZoo.Create(modelName, null, seed: 11);
        HandCompressedModels.SettleBatchNorm(module, input, seed: 12);
        var compressed = HandCompressedModels.Compress(modelName, module, seed: 13);
        using var decoded = ModelState.Restore(compressed);
        decoded.eval();
        var network = ShiftNetwork.FromCompressed(compressed);

        float[] expected;
        using (torch.no_grad())
        using (var logits = decoded.forward(input))
            expected = logits.data<float>().ToArray();

        for (var n = 0; n < count; n++)
        {
            var actual = network.Forward(pixels.AsSpan(n * 784, 784));
            var reference = expected.AsSpan(n * 10, 10).ToArray();
            // Softmax ignores a shift common to all logits, so the error is taken net of the mean difference and
            // compared with the spread of the logits, not their size.
            var offset = actual.Average() - reference.Average();
            var error = actual.Zip(reference, (a, e) => Math.Abs(a - e - offset)).Max();
            var spread = reference.Max() - reference.Min();
            // Each quantized layer's input is off by at most 1/254 of its largest value; over 3 to 20 layers that
            // came to at most 0.3-0.8 % of the spread here. A wrong layout, padding or shortcut is off by 30-90 %.
            Assert.True(error <= 0.02 * spread,
                $"image {n}: largest logit error {error} against a spread of {spread} ({string.Join(", ", actual)} vs {string.Join(", ", reference)})");
        }
        Assert.Equal(compressed.Layers.Count, network.QuantizedLayerCount);
    }

    [Fact]
    public void Each_quantized_layer_sees_its_input_rounded_to_int8_with_that_tensor_s_own_scale()
    {
        // The reference applies ActivationQuantizer.ForData to each layer's whole input, per image, and multiplies
        // in double: the shift-only network must agree to float rounding, not just to the activation error.
        using var module = ModelZoo.Create("lenet-300-100", null, seed: 21);
        var compressed = HandCompressedModels.Compress("lenet-300-100", module, seed: 22);
        var network = ShiftNetwork.FromCompressed(compressed);
        var images = SyntheticImages.Create(3, seed: 23);
        (int Out, int In)[] sizes = [(300, 784), (100, 300), (10, 100)];

        for (var n = 0; n < images.Count; n++)
        {
            var x = images.Pixels.AsSpan(n * 784, 784).ToArray();
            double[] value = [], magnitude = [];
            for (var l = 0; l < sizes.Length; l++)
            {
                if (l > 0) x = x.Select(v => MathF.Max(v, 0f)).ToArray();
                var quantizer = ActivationQuantizer.ForData(x);
                var layer = compressed.Layers[l];
                var bias = compressed.FloatTensors.Single(t => t.Name == $"fc{l + 1}.bias").Values;
                (value, magnitude) = RandomShiftLayers.Linear(layer.Dequantize(), quantizer.Dequantize(quantizer.Quantize(x)),
                    1, sizes[l].Out, sizes[l].In, bias);
                x = value.Select(v => (float)v).ToArray();
            }

            RandomShiftLayers.AssertClose(value, magnitude, network.Forward(images.Pixels.AsSpan(n * 784, 784)));
        }
    }

    [Fact]
    public void An_unknown_model_name_is_rejected()
    {
        using var module = ModelZoo.Create("lenet-300-100", null, seed: 1);
        var compressed = HandCompressedModels.Compress("lenet-300-100", module, seed: 2) with { ModelName = "vgg16" };

        var error = Assert.Throws<ArgumentException>(() => ShiftNetwork.FromCompressed(compressed));
        Assert.Contains("vgg16", error.Message);
    }

    [Fact]
    public void A_tensor_the_layout_does_not_use_is_rejected_rather_than_ignored()
    {
        using var module = ModelZoo.Create("lenet5", null, seed: 1);
        var compressed = HandCompressedModels.Compress("lenet5", module, seed: 2);
        compressed = compressed with { FloatTensors = [.. compressed.FloatTensors, new FloatTensor("fc3.bias", [10], new float[10])] };

        var error = Assert.Throws<InvalidDataException>(() => ShiftNetwork.FromCompressed(compressed));
        Assert.Contains("fc3.bias", error.Message);
    }

    [Fact]
    public void A_weight_kept_in_float_is_rejected_because_it_cannot_run_shift_only()
    {
        using var module = ModelZoo.Create("lenet-300-100", null, seed: 1);
        var compressed = HandCompressedModels.Compress("lenet-300-100", module, seed: 2);
        var fc2 = compressed.Layers.Single(l => l.Name == "fc2.weight");
        compressed = compressed with
        {
            Layers = [.. compressed.Layers.Where(l => l != fc2)],
            FloatTensors = [.. compressed.FloatTensors, new FloatTensor(fc2.Name, fc2.Shape, fc2.Dequantize())],
        };

        var error = Assert.Throws<InvalidDataException>(() => ShiftNetwork.FromCompressed(compressed));
        Assert.Contains("fc2.weight", error.Message);
        Assert.Contains("float", error.Message);
    }

    [Fact]
    public void An_image_of_the_wrong_size_is_rejected()
    {
        using var module = ModelZoo.Create("lenet5", null, seed: 1);
        var network = ShiftNetwork.FromCompressed(HandCompressedModels.Compress("lenet5", module, seed: 2));

        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[783]));
        Assert.Contains("784", error.Message);
    }
}
