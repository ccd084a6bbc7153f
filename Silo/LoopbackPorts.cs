using System.Net;
using System.Net.Sockets;

namespace FocusedQuantization.Silo;

/// <summary>Free ports on loopback, for silos started on whatever ports are free.</summary>
public static class LoopbackPorts
{
    /// <summary>Ports nothing listens on now; all probes stay open until every port is chosen, so none repeats.</summary>
    public static int[] Free(int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            probes.ForEach(p => p.Start());
            return probes.Select(p => ((IPEndPoint)p.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            probes.ForEach(p => p.Stop());
        }
    }
}
