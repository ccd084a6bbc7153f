using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Models;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Inference;

/// <summary>
/// Compressed models made without the pipeline: a module's weights are pruned at random and planned layer by layer
/// (no fine-tuning), alternating recentralized and shift mode so that both kernels are exercised.
/// </summary>
internal static class HandCompressedModels
{
    public static CompressedModel Compress(string modelName, nn.Module<Tensor, Tensor> module, int seed, double sparsity = 0.5)
    {
        var random = new Random(seed);
        var layers = new List<QuantizedLayer>();
        foreach (var entry in ModelZoo.State(module).Where(e => e.Kind == StateKind.QuantizableWeight))
        {
            var weights = entry.Tensor.data<float>().ToArray();
            var mask = weights.Select(_ => random.NextDouble() >= sparsity).ToArray();
            var mode = layers.Count % 2 == 0 ? QuantizationMode.Recentralized : QuantizationMode.Shift;
            var plan = LayerPlanner.Plan(weights, mask, new QuantizationOptions { Bits = 5, Seed = seed }, mode, 1f);
            layers.Add(new QuantizedLayer(entry.Name, entry.Tensor.shape.Select(d => (int)d).ToArray(), plan.Parameters,
                plan.Symbolize(weights, mask)));
        }
        return new CompressedModel(modelName, layers, ModelState.FloatTensors(module), new Dictionary<string, string>
        {
            [ModelState.ShapeKey] = ModelState.FormatShape(ModelShape.Mnist),
            [ModelState.DatasetKey] = "fashion-mnist",
        });
    }

    /// <summary>
    /// Gives every batch norm random affine parameters, then running statistics measured on <paramref name="images"/>
    /// (N x 1 x 28 x 28), so that each normalised layer passes on a signal of unit size: with torch's default
    /// initialisation and the identity statistics it starts with, a deep network's signal fades to almost nothing and
    /// its logits are little more than the last bias.
    /// </summary>
    public static void SettleBatchNorm(nn.Module<Tensor, Tensor> module, Tensor images, int seed)
    {
        var random = new Random(seed);
        using var noGrad = torch.no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is not BatchNorm2d) continue;
            foreach (var (name, low, high) in new[] { ("weight", 0.5, 1.5), ("bias", -0.2, 0.2) })
            {
                var p = child.get_parameter(name)!;
                p.copy_(torch.tensor(Enumerable.Range(0, (int)p.numel()).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray()));
            }
        }
        // Momentum 0.1: 40 passes over the same batch bring the running statistics within 2 % of the batch's.
        module.train();
        for (var i = 0; i < 40; i++) module.forward(images).Dispose();
        module.eval();
    }
}
