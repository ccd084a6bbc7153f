using FocusedQuantization.Compression.Tests.Data;

namespace FocusedQuantization.Compression.Tests.Models;

/// <summary>
/// Small CNNs written as TorchScript by a real PyTorch (torch.jit.script or torch.jit.trace, then torch.jit.save),
/// with the logits PyTorch gives in eval mode for a fixed input, to check what TorchSharp does with them.
/// </summary>
internal static class TorchScriptFiles
{
    // conv(no bias) - bn - relu - conv(stride 2, bias) - relu - global mean - linear: every kind of state the stages meet.
    private const string Script = """
        import sys, torch
        import torch.nn as nn
        path, seed, mode, channels, size, classes = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        torch.manual_seed(seed)
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(channels, 8, 3, padding=1, bias=False)
                self.bn1 = nn.BatchNorm2d(8)
                self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
                self.fc = nn.Linear(16, classes)
            def forward(self, x):
                x = torch.relu(self.bn1(self.conv1(x)))
                x = torch.relu(self.conv2(x))
                return self.fc(x.mean(dim=(2, 3)))
        net = Net()
        if len(sys.argv) > 7:
            # Trained on the first N images of an IDX set (gzip), so that the module is worth compressing.
            import gzip, numpy as np
            folder, count, epochs = sys.argv[7], int(sys.argv[8]), int(sys.argv[9])
            with gzip.open(folder + '/train-images-idx3-ubyte.gz') as f:
                images = np.frombuffer(f.read(), np.uint8, offset=16)[:count * 784].reshape(count, 1, 28, 28)
            with gzip.open(folder + '/train-labels-idx1-ubyte.gz') as f:
                labels = np.frombuffer(f.read(), np.uint8, offset=8)[:count]
            x, y = torch.tensor(images, dtype=torch.float32) / 255, torch.tensor(labels, dtype=torch.long)
            optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
            net.train()
            for epoch in range(epochs):
                order = torch.randperm(count)
                for start in range(0, count, 32):
                    batch = order[start:start + 32]
                    optimizer.zero_grad()
                    nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
                    optimizer.step()
        net = net.eval()
        probe = torch.linspace(-1, 1, 2 * channels * size * size).view(2, channels, size, size)
        m = torch.jit.script(net) if mode == 'script' else torch.jit.trace(net, probe)
        torch.jit.save(m, path)
        with torch.no_grad():
            sys.stdout.write(' '.join(repr(float(v)) for v in net(probe).flatten()))
        """;

    /// <summary>
    /// Writes the small CNN to <paramref name="path"/> (scripted, or traced in eval mode) for inputs
    /// channels x size x size and <paramref name="classes"/> outputs; returns PyTorch's eval-mode logits (2 x classes)
    /// for the input linspace(-1, 1) shaped 2 x channels x size x size.
    /// </summary>
    public static float[] Write(string path, bool trace = false, int seed = 0, int channels = 1, int size = 28, int classes = 10)
        => Run(path, trace, seed, channels, size, classes, []);

    /// <summary>
    /// As <see cref="Write"/> for 1 x 28 x 28 inputs and 10 classes, the network first trained (SGD, batch 32) for
    /// <paramref name="epochs"/> on the first <paramref name="count"/> training images of the gzip IDX set in <paramref name="idxFolder"/>.
    /// </summary>
    public static float[] WriteTrained(string path, string idxFolder, int count, int epochs, bool trace = false) =>
        Run(path, trace, 0, 1, 28, 10, [idxFolder, count.ToString(), epochs.ToString()]);

    private static float[] Run(string path, bool trace, int seed, int channels, int size, int classes, string[] training)
    {
        // torch.jit.script reads the class's source, so the script runs from a file rather than from -c.
        var source = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, $"make_{Guid.NewGuid():N}.py");
        File.WriteAllText(source, Script);
        var (code, output, error) = PyTorch.Run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            [source, path, seed.ToString(), trace ? "trace" : "script", channels.ToString(), size.ToString(), classes.ToString(), .. training], TimeSpan.FromMinutes(3));
        File.Delete(source);
        if (code != 0) throw new InvalidOperationException($"python3 failed to write the TorchScript module: {error}");
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
