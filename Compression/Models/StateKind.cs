namespace FocusedQuantization.Compression.Models;

/// <summary>What role a named tensor of a model's state plays for compression.</summary>
public enum StateKind
{
    /// <summary>A convolution or fully connected weight: pruned, quantized and coded.</summary>
    QuantizableWeight,

    /// <summary>A trainable parameter kept in float: biases, batch-norm scale and shift.</summary>
    FloatParameter,

    /// <summary>A non-trainable buffer kept as stored: batch-norm running statistics and batch counter.</summary>
    Buffer,
}
