namespace FocusedQuantization.Silo.Tests;

public sealed class ClusterAddressTests
{
    [Theory]
    [InlineData("redis://127.0.0.1:6400", "127.0.0.1", 6400)]
    [InlineData("REDIS://cache.local:7000/", "cache.local", 7000)]
    [InlineData("redis://10.0.0.5", "10.0.0.5", 6379)]
    [InlineData("localhost:6380", "localhost", 6380)]
    public void An_address_gives_its_host_and_port_with_6379_when_none_is_written(string text, string host, int port) =>
        Assert.Equal(new ClusterAddress(host, port), ClusterAddress.Parse(text));

    [Fact]
    public void The_address_is_written_back_in_both_forms()
    {
        var address = ClusterAddress.Parse("redis://10.0.0.5:6400");

        Assert.Equal("redis://10.0.0.5:6400", address.ToString());
        Assert.Equal("10.0.0.5:6400", address.ToRedisConfiguration());
    }

    [Theory]
    [InlineData("http://10.0.0.5:6379", "only redis://")]
    [InlineData("redis://", "host is missing")]
    [InlineData("redis://:6379", "host is missing")]
    [InlineData("redis://host:abc", "port must be")]
    [InlineData("redis://host:70000", "port must be")]
    public void A_malformed_address_is_refused_naming_the_option_and_the_problem(string text, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterAddress.Parse(text));

        Assert.Contains("--cluster", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
