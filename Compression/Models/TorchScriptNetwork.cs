using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// A TorchScript module saved with torch.jit.save (a .pt made by torch.jit.script or torch.jit.trace), loaded with
/// libtorch's own loader and presented as an ordinary <see cref="nn.Module{Tensor, Tensor}"/>: named_parameters,
/// named_buffers, state_dict, train/eval and forward all go to the script, under the script's own names
/// ("conv1.weight", "layer1.0.bn1.running_mean", ...), so that the stages treat it like a built-in network.
/// </summary>
/// <remarks>
/// The script's parameters are its own tensors, not copies: writes into them (pruning, quantized weights) change what
/// forward computes, and backward fills their gradients. A traced module keeps the training flag it was traced with
/// (torch.jit.trace freezes batch norm's and dropout's mode); a scripted one follows <see cref="train"/>.
/// </remarks>
public sealed class TorchScriptNetwork : nn.Module<Tensor, Tensor>
{
    private readonly jit.ScriptModule<Tensor, Tensor> script;
    private bool scriptDisposed;

    private TorchScriptNetwork(jit.ScriptModule<Tensor, Tensor> script, string path, string sha256) : base("TorchScript")
    {
        this.script = script;
        Path = path;
        Sha256 = sha256;
    }

    /// <summary>The file the module was loaded from (full path).</summary>
    public string Path { get; }

    /// <summary>The SHA-256 of the file's bytes, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The loaded script itself.</summary>
    public jit.ScriptModule<Tensor, Tensor> Script => script;

    /// <summary>
    /// Loads the TorchScript module in <paramref name="path"/> on the CPU. A file that is missing throws
    /// <see cref="FileNotFoundException"/>; one libtorch cannot read as a TorchScript archive throws
    /// <see cref="InvalidDataException"/> naming it; with <paramref name="expectedSha256"/>, a file whose bytes have
    /// another SHA-256 throws <see cref="InvalidDataException"/> saying so.
    /// </summary>
    public static TorchScriptNetwork Load(string path, string? expectedSha256 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"TorchScript module '{full}' does not exist.", full);
        // Hashed and loaded from the same bytes: the hash recorded is that of the module actually used.
        var bytes = File.ReadAllBytes(full);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (expectedSha256 is not null && !string.Equals(expectedSha256, sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"TorchScript module '{full}' has SHA-256 {sha256}, but the compressed model was made from a module with SHA-256 {expectedSha256}: give the module it was made from.");
        jit.ScriptModule<Tensor, Tensor> script;
        try
        {
            script = jit.load<Tensor, Tensor>(bytes);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"'{full}' is not a TorchScript module that libtorch can load (save one with torch.jit.save): {FirstLine(e.Message)}", e);
        }
        return new TorchScriptNetwork(script, full, sha256);
    }

    /// <summary>The SHA-256 of the file at <paramref name="path"/>, lower-case hex.</summary>
    public static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Checks that the module maps a batch of <paramref name="shape"/>'s images to one logit per class of
    /// <paramref name="dataset"/>; <see cref="InvalidDataException"/> says what it gave instead.
    /// </summary>
    public void CheckFits(ModelShape shape, string dataset)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var wasTraining = training;
        eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var input = torch.zeros(2, shape.Channels, shape.Height, shape.Width);
            Tensor output;
            try
            {
                output = forward(input);
            }
            catch (Exception e) when (e is ExternalException or InvalidOperationException or InvalidCastException)
            {
                throw new InvalidDataException(
                    $"TorchScript module '{Path}' does not run on {shape.Channels}x{shape.Height}x{shape.Width} images of {dataset}: {FirstLine(e.Message)}", e);
            }
            if (output.dim() != 2 || output.shape[0] != 2 || output.shape[1] != shape.Classes)
                throw new InvalidDataException(
                    $"TorchScript module '{Path}' gives outputs of shape [{string.Join(", ", output.shape)}] for a batch of 2 images, but {dataset} has {shape.Classes} classes: it must give [2, {shape.Classes}] (one logit per class).");
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>Runs the script's forward on <paramref name="input"/>.</summary>
    public override Tensor forward(Tensor input) => script.forward(input);

    /// <inheritdoc/>
    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) =>
        scriptDisposed ? [] : script.named_parameters(recurse);

    /// <inheritdoc/>
    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) =>
        scriptDisposed ? [] : script.named_buffers(recurse, include_nonpersistent);

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_modules() => scriptDisposed ? [] : script.named_modules();

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_children() => scriptDisposed ? [] : script.named_children();

    /// <inheritdoc/>
    public override void train(bool on = true)
    {
        base.train(on);
        script.train(on);
    }

    /// <inheritdoc/>
    public override bool training => script.training;

    /// <summary>Moves the script's parameters and buffers to <paramref name="device"/>.</summary>
    public void MoveTo(Device device) => script.to(device);

    /// <summary>Writes the script, with the weights it holds now, as a TorchScript archive (torch.jit.save).</summary>
    public void SaveScript(string path) => jit.save(script, path);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // The script owns its parameters, buffers and submodules: once it is gone the base class finds none to free.
        if (disposing && !scriptDisposed)
        {
            script.Dispose();
            scriptDisposed = true;
        }
        base.Dispose(disposing);
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
