using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FocusedQuantization.Compression.IO;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// A folder of immutable files addressed by name, where stages leave what they made for other stages (and other
/// silos) to read. Names start with a stage id, a content key made from the settings that produced the file (see
/// <see cref="KeyOf"/>), so the same settings always name the same file and a file, once there, is never changed.
/// Writes are atomic (temporary file, then rename): a reader never sees a partial file, and two writers of the same
/// name, which by construction write the same content, may race: the last rename wins.
/// </summary>
/// <remarks>
/// Each silo of a cluster may have a store of its own: a silo that lacks a checkpoint another silo made fetches its files
/// through the cluster into its own store (Grains/Artifacts), checked against the SHA-256 the manifest records. Silos on
/// one machine may also share one folder, as can silos on a shared file system with atomic rename within a folder.
/// </remarks>
public sealed class CheckpointStore
{
    private static readonly ConcurrentDictionary<string, object> Locks = new(StringComparer.Ordinal);

    /// <summary>Name of the folder inside the store where damaged files are moved, one subfolder per occasion.</summary>
    public const string SetAsideFolder = "corrupt";

    private readonly Action<string> _warn;

    /// <summary>Opens (and creates if needed) the store in <paramref name="root"/>.</summary>
    /// <param name="root">The store's folder.</param>
    /// <param name="warn">Where warnings go (a damaged checkpoint set aside); default: a line on stderr.</param>
    public CheckpointStore(string root, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        _warn = warn ?? (message => Console.Error.WriteLine($"fq: warning: {message}"));
    }

    /// <summary>The store's folder, as a full path.</summary>
    public string Root { get; }

    /// <summary>
    /// A stable content key: <paramref name="prefix"/>, a dash, and the first 16 hex digits of the SHA-256 of
    /// <paramref name="canonical"/> (a string that spells out, invariantly, every setting that shapes the content).
    /// </summary>
    public static string KeyOf(string prefix, string canonical)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(canonical);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return $"{prefix}-{Convert.ToHexStringLower(hash)[..16]}";
    }

    /// <summary>Whether the file <paramref name="name"/> is in the store.</summary>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>The full path of <paramref name="name"/> (which need not exist yet).</summary>
    public string PathOf(string name)
    {
        CheckName(name);
        return Path.Combine(Root, name);
    }

    /// <summary>Writes <paramref name="name"/> atomically; a file already there is replaced (it holds the same content).</summary>
    public void Save(string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        AtomicFile.Write(PathOf(name), write);
    }

    /// <summary>Writes text to <paramref name="name"/> atomically.</summary>
    public void SaveText(string name, string text) => AtomicFile.WriteAllText(PathOf(name), text);

    /// <summary>Opens <paramref name="name"/> for reading; <see cref="FileNotFoundException"/> names it when it is missing.</summary>
    public Stream Open(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{name}' is not in the checkpoint store {Root}.", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>Reads the text of <paramref name="name"/>.</summary>
    public string ReadText(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    /// <summary>The size and SHA-256 of <paramref name="name"/> as it is now in the store.</summary>
    public CheckpointFile Describe(string name)
    {
        using var stream = Open(name);
        return new CheckpointFile(name, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>Null when <paramref name="expected"/> is in the store with that size and hash; else what differs.</summary>
    public string? Mismatch(CheckpointFile expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var path = PathOf(expected.Name);
        if (!File.Exists(path)) return $"{expected.Name} is missing";
        var length = new FileInfo(path).Length;
        // The size first: a truncated file, the usual damage, is found without reading it.
        if (length != expected.Bytes) return $"{expected.Name} has {length:N0} bytes where its manifest recorded {expected.Bytes:N0}";
        return Describe(expected.Name).Sha256 == expected.Sha256 ? null : $"the content of {expected.Name} does not match the SHA-256 its manifest recorded";
    }

    /// <summary>
    /// Moves every file of <paramref name="id"/> (named "ID.something") into a new folder under <see cref="SetAsideFolder"/>,
    /// manifest first so that no reader takes the rest for complete, and warns, naming <paramref name="problem"/> and the
    /// folder. The files are kept for inspection; the stage that makes the checkpoint makes it again.
    /// </summary>
    /// <returns>The folder the files went to.</returns>
    public string SetAside(string id, string problem)
    {
        CheckName(id);
        var folder = Path.Combine(Root, SetAsideFolder, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{id}");
        for (var n = 2; Directory.Exists(folder); n++) folder = Path.Combine(Root, SetAsideFolder, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{id}-{n}");
        Directory.CreateDirectory(folder);
        var files = Directory.GetFiles(Root, $"{id}.*").OrderBy(f => Path.GetFileName(f) == StageNames.Manifest(id) ? 0 : 1);
        foreach (var file in files)
        {
            try
            {
                File.Move(file, Path.Combine(folder, Path.GetFileName(file)));
            }
            catch (FileNotFoundException)
            {
                // Another process on this store set it aside at the same time.
            }
        }
        _warn($"checkpoint {id} in {Root} is damaged ({problem.TrimEnd('.')}); its files were moved to {folder} and it is made again");
        return folder;
    }

    /// <summary>
    /// Deletes every file of checkpoint <paramref name="id"/> (named "ID.something"), manifest first so that no reader
    /// takes the rest for complete, under the lock <see cref="WithLock{T}"/> takes for <paramref name="id"/> (a writer of it
    /// in this process finishes first). Files already gone (another process on this folder deleted them) are skipped.
    /// Only for a checkpoint nothing will read again: the store itself never deletes.
    /// </summary>
    /// <returns>Whether any file of the checkpoint was there.</returns>
    public bool Delete(string id)
    {
        CheckName(id);
        return WithLock(id, () =>
        {
            // "ID.*" never matches another id (ids have no dot) nor a temporary file (those start with a dot).
            var files = Directory.GetFiles(Root, $"{id}.*").OrderBy(f => Path.GetFileName(f) == StageNames.Manifest(id) ? 0 : 1).ToArray();
            foreach (var file in files) File.Delete(file);
            return files.Length > 0;
        });
    }

    /// <summary>Passes a warning about the store's content (e.g. a checkpoint that could not be used) to where this store's warnings go.</summary>
    public void Warn(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        _warn(message);
    }

    /// <summary>
    /// Runs <paramref name="produce"/> under a lock on <paramref name="name"/> in this store, shared by every
    /// <see cref="CheckpointStore"/> of this process: concurrent callers for the same name run one after the other,
    /// so the second finds what the first made instead of computing it again.
    /// </summary>
    public T WithLock<T>(string name, Func<T> produce)
    {
        ArgumentNullException.ThrowIfNull(produce);
        var gate = Locks.GetOrAdd(PathOf(name), _ => new object());
        lock (gate) return produce();
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is > 0 and <= 200 && char.IsAsciiLetterOrDigit(name[0]) && !name.Contains("..", StringComparison.Ordinal)
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        if (!valid)
            throw new ArgumentException(
                $"'{name}' is not a valid checkpoint store name: use letters, digits, '-', '_' and '.', starting with a letter or digit.", nameof(name));
    }
}
