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
        net = Net().eval()
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
    {
        // torch.jit.script reads the class's source, so the script runs from a file rather than from -c.
        var source = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, $"make_{Guid.NewGuid():N}.py");
        File.WriteAllText(source, Script);
        var (code, output, error) = PyTorch.Run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            [source, path, seed.ToString(), trace ? "trace" : "script", channels.ToString(), size.ToString(), classes.ToString()], TimeSpan.FromMinutes(3));
        File.Delete(source);
        if (code != 0) throw new InvalidOperationException($"python3 failed to write the TorchScript module: {error}");
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
