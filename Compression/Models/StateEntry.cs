using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>One named tensor of a model's full state (parameters and buffers) with its role for compression.</summary>
/// <param name="Name">The dotted state name, e.g. "conv1.weight" or "layer1.0.bn1.running_mean".</param>
/// <param name="Tensor">The live tensor in the model (not a copy).</param>
/// <param name="Kind">Whether it is quantized, kept as a float parameter, or a buffer.</param>
public sealed record StateEntry(string Name, Tensor Tensor, StateKind Kind);
