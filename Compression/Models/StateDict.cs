using System.Buffers.Binary;
using System.Collections;
using System.Text;
using System.Text.Json;
using FocusedQuantization.Compression.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Models;

/// <summary>
/// The tensors of a PyTorch state_dict file, as <c>torch.save(model.state_dict(), f)</c> or safetensors wrote it, read
/// with TorchSharp.PyBridge; and the checked copy of them into a model. Owns its tensors.
/// </summary>
public sealed class StateDict : IDisposable
{
    private const int MaxListed = 20;
    private readonly Dictionary<string, Tensor> tensors;

    private StateDict(string path, StateDictFormat format, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        Format = format;
        this.tensors = tensors;
    }

    /// <summary>The file the tensors came from.</summary>
    public string Path { get; }

    /// <summary>The file's format, told by its content rather than its name.</summary>
    public StateDictFormat Format { get; }

    /// <summary>The tensors by state_dict key.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    /// <summary>
    /// Reads the state_dict in <paramref name="path"/>: a PyTorch zip file or a safetensors file (told apart by their
    /// first bytes). A file that is neither, damaged, or holds something other than tensors by name throws
    /// <see cref="InvalidDataException"/> saying so.
    /// </summary>
    public static StateDict Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file {path} does not exist.", path);
        var format = Sniff(path);
        using var scope = torch.NewDisposeScope();
        Dictionary<string, Tensor> read;
        try
        {
            read = format == StateDictFormat.PyTorch ? ReadPyTorch(path) : ReadSafetensors(path);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException) && !e.Message.StartsWith(UnreadablePrefix, StringComparison.Ordinal))
        {
            // Whatever the zip, pickle or JSON reader threw about a damaged file (InvalidDataException, EndOfStreamException, ...).
            throw Unreadable(path, e.Message);
        }
        foreach (var tensor in read.Values) tensor.DetachFromDisposeScope();
        return new StateDict(path, format, read);
    }

    /// <summary>
    /// The number of classes the weights are for: the rows of the last convolution or linear weight of
    /// <paramref name="modelName"/> (fc.weight of a ResNet, classifier.1.weight of MobileNet-V2); null when the file
    /// lacks that tensor (loading will then list it as missing).
    /// </summary>
    public int? ClassesFor(string modelName)
    {
        // A small instance tells the classifier's name; the names do not depend on the input size or class count.
        using var probe = ModelZoo.Create(modelName, new ModelShape(3, 32, 32, 1));
        var classifier = ModelZoo.QuantizableParameters(probe)[^1];
        return tensors.TryGetValue(classifier, out var weight) && weight.dim() >= 1 ? (int)weight.shape[0] : null;
    }

    /// <summary>
    /// Copies the tensors into <paramref name="module"/>'s parameters and buffers (converting the dtype where they
    /// differ). The keys must be the module's and the shapes its shapes, except that batch norm's num_batches_tracked
    /// may be absent (as in files written before PyTorch 0.4.1); otherwise <see cref="InvalidDataException"/> lists the
    /// missing keys, the unexpected keys and the shape mismatches, and the module is left untouched.
    /// </summary>
    public void LoadInto(nn.Module module, string modelName)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = ModelZoo.State(module).ToDictionary(e => e.Name, e => e.Tensor, StringComparer.Ordinal);
        var missing = state.Keys.Where(k => !tensors.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToArray();
        var unexpected = tensors.Keys.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var mismatched = state.Where(e => tensors.TryGetValue(e.Key, out var t) && !t.shape.SequenceEqual(e.Value.shape))
            .Select(e => $"{e.Key}: file {ShapeText(tensors[e.Key].shape)}, model {ShapeText(e.Value.shape)}").ToArray();
        if (missing.Length + unexpected.Length + mismatched.Length > 0)
        {
            var text = new StringBuilder($"The weights in '{Path}' do not fit {modelName}");
            if (missing.Length > 0) text.Append($"\n  missing keys ({missing.Length}): {List(missing)}");
            if (unexpected.Length > 0) text.Append($"\n  unexpected keys ({unexpected.Length}): {List(unexpected)}");
            if (mismatched.Length > 0) text.Append($"\n  shape mismatches ({mismatched.Length}): {List(mismatched)}");
            if (unexpected.Any(k => k.StartsWith("module.", StringComparison.Ordinal)))
                text.Append("\n  (keys starting with 'module.' come from DataParallel: save model.module.state_dict() instead)");
            throw new InvalidDataException(text.ToString());
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in state)
            if (tensors.TryGetValue(name, out var source)) target.copy_(source);
    }

    /// <summary>
    /// Writes <paramref name="module"/>'s state_dict (every parameter and buffer under its name) to
    /// <paramref name="path"/> atomically, in <paramref name="format"/>.
    /// </summary>
    public static void Write(nn.Module module, string path, StateDictFormat format)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = torch.NewDisposeScope();
        // Detached, as PyTorch's own state_dict() is: a parameter saved as it is would load with requires_grad set.
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in module.state_dict()) state[name] = tensor.detach();
        AtomicFile.Write(path, stream =>
        {
            if (format == StateDictFormat.PyTorch) PyTorchPickler.PickleStateDict(stream, state, leaveOpen: true);
            else Safetensors.SaveStateDict(stream, state, leaveOpen: true);
        });
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }

    private static StateDictFormat Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        long length;
        int read;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (read >= 4 && head[..4].SequenceEqual("PK\x03\x04"u8)) return StateDictFormat.PyTorch;
        if (read == head.Length && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var header && header >= 2 && header <= (ulong)(length - 8))
            return StateDictFormat.Safetensors;
        if (read >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw Unreadable(path, "it was written by the legacy torch.save format (before PyTorch 1.6); load it in PyTorch and save it again with torch.save(model.state_dict(), f)");
        throw Unreadable(path, "it is neither a PyTorch state_dict (a zip file written by torch.save) nor a safetensors file");
    }

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        using var stream = File.OpenRead(path);
        var unpickled = PyTorchUnpickler.UnpickleStateDict(stream);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (DictionaryEntry entry in unpickled)
        {
            if (entry.Key is string key && entry.Value is Tensor tensor) result[key] = tensor;
            else other.Add(entry.Key?.ToString() ?? "(null)");
        }
        if (other.Count > 0 || result.Count == 0)
            throw Unreadable(path, result.Count == 0
                ? "it holds no tensors by name; save model.state_dict() itself"
                : $"it holds {List(other.Order(StringComparer.Ordinal).ToArray())}, which are not tensors; save model.state_dict() itself");
        return result;
    }

    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        // PyBridge trusts the header's sizes and offsets; check them against the file first, so that a damaged header
        // is an error rather than a huge allocation or a read past the end.
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = stream.Length - 8 - headerLength;
        using (var json = JsonDocument.Parse(header))
        {
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var entry = property.Value;
                var elementSize = entry.GetProperty("dtype").GetString() switch
                {
                    "F64" or "I64" => 8,
                    "F32" or "I32" => 4,
                    "F16" or "BF16" or "I16" => 2,
                    "I8" or "U8" or "BOOL" => 1,
                    var other => throw Unreadable(path, $"tensor '{property.Name}' has dtype {other}, which is not read here"),
                };
                long count = 1;
                foreach (var d in entry.GetProperty("shape").EnumerateArray())
                {
                    var dimension = d.GetInt64();
                    if (dimension < 0 || dimension > dataLength) throw Unreadable(path, $"tensor '{property.Name}' has an impossible shape");
                    count *= dimension;
                }
                var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength || offsets[1] - offsets[0] != count * elementSize)
                    throw Unreadable(path, $"tensor '{property.Name}' lies outside the file or does not match its shape (is the file truncated?)");
            }
        }
        stream.Position = 0;
        return Safetensors.LoadStateDict(stream);
    }

    private const string UnreadablePrefix = "Cannot read the weights file";

    private static InvalidDataException Unreadable(string path, string why) =>
        new($"{UnreadablePrefix} '{path}': {why.TrimEnd('.')}.");

    private static string ShapeText(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxListed)) + (items.Count > MaxListed ? $", ... and {items.Count - MaxListed} more" : "");
}
