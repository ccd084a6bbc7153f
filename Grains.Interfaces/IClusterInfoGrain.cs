namespace FocusedQuantization.Grains.Interfaces;

/// <summary>Tells which silo a call lands on; the grain runs on the silo that receives the call.</summary>
[Alias("fq.IClusterInfoGrain")]
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    /// <summary>Describes the silo this activation runs on.</summary>
    [Alias("GetSiloInfo")]
    Task<SiloInfo> GetSiloInfo();
}
