using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// The one place where the contract's enums (Grains.Interfaces) meet Compression's own: the grain records carry their
/// own enums, so that the contracts need not reference the Compression library, and they are mapped here both ways.
/// An enum value without a counterpart is an ArgumentOutOfRangeException (a member added on one side only).
/// </summary>
public static class ContractEnums
{
    /// <summary>The .fqz coding of a contract coding scheme.</summary>
    public static CodingMode ToCompression(this CodingScheme coding) => coding switch
    {
        CodingScheme.Arithmetic => CodingMode.ContextArithmetic,
        CodingScheme.Paper => CodingMode.Paper,
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Unknown coding scheme."),
    };

    /// <summary>The fine-tuning mode of a contract fine-tuning.</summary>
    public static FineTuneMode ToCompression(this FineTuning fineTune) => fineTune switch
    {
        FineTuning.Ste => FineTuneMode.Ste,
        FineTuning.Inq => FineTuneMode.Inq,
        _ => throw new ArgumentOutOfRangeException(nameof(fineTune), fineTune, "Unknown fine-tuning mode."),
    };

    /// <summary>The quantization mode of a contract layer mode.</summary>
    public static QuantizationMode ToCompression(this LayerMode mode) => mode switch
    {
        LayerMode.Shift => QuantizationMode.Shift,
        LayerMode.Recentralized => QuantizationMode.Recentralized,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown layer mode."),
    };

    /// <summary>The contract layer mode of a quantization mode.</summary>
    public static LayerMode ToContract(this QuantizationMode mode) => mode switch
    {
        QuantizationMode.Shift => LayerMode.Shift,
        QuantizationMode.Recentralized => LayerMode.Recentralized,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown quantization mode."),
    };

    /// <summary>
    /// The contract layer mode of a Compression layer report, whose mode is text ("shift" or "recentralized", as
    /// FqzInspection writes it for reports and the CLI).
    /// </summary>
    public static LayerMode LayerModeOfReport(string mode) =>
        Enum.TryParse<QuantizationMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed.ToContract()
            : throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown layer mode in a compression report.");
}
