using System.Net;
using System.Net.Sockets;

namespace FocusedQuantization.Silo.Tests.Support;

public static class FreePorts
{
    /// <summary>Loopback ports nothing listens on now; every probe stays open until all are chosen, so none repeats.</summary>
    public static int[] Take(int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        probes.ForEach(p => p.Start());
        var ports = probes.Select(p => ((IPEndPoint)p.LocalEndpoint).Port).ToArray();
        probes.ForEach(p => p.Stop());
        return ports;
    }
}
