using FocusedQuantization.Compression.Models;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>What <see cref="FqzExport.Export"/> wrote: the model, its geometry, the format, the tensor and weight counts, the file's size.</summary>
public sealed record ExportedModel(string Model, ModelShape Shape, StateDictFormat Format, int Tensors, long QuantizedWeights, long Bytes);
