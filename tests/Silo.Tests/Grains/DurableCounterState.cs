namespace FocusedQuantization.Silo.Tests.Grains;

[GenerateSerializer, Alias("fq.tests.DurableCounterState")]
public sealed class DurableCounterState
{
    [Id(0)] public int Value { get; set; }

    [Id(1)] public int Ticks { get; set; }
}
