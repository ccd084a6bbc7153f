using Microsoft.Extensions.Configuration;

namespace FocusedQuantization.Silo.Tests;

public sealed class SiloSettingsTests
{
    private static SiloSettings FromArgs(params string[] args) =>
        SiloSettings.FromConfiguration(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Fact]
    public void Without_arguments_a_silo_is_the_primary_on_Orleans_usual_ports() =>
        Assert.Equal(new SiloSettings { SiloPort = 11111, GatewayPort = 30000, PrimarySiloPort = null, ServiceId = "fq", ClusterId = "fq", Cluster = null, StateFolder = null },
            FromArgs());

    [Fact]
    public void Ports_and_ids_are_read_from_the_command_line() =>
        Assert.Equal(new SiloSettings { SiloPort = 11112, GatewayPort = 30001, PrimarySiloPort = 11111, ServiceId = "s", ClusterId = "c" },
            FromArgs("--silo-port", "11112", "--gateway-port", "30001", "--primary-silo-port", "11111",
                "--service-id", "s", "--cluster-id", "c"));

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-5")]
    public void A_port_that_is_not_a_port_number_is_refused_naming_the_option(string port) =>
        Assert.Contains("--gateway-port", Assert.Throws<ArgumentException>(() => FromArgs("--gateway-port", port)).Message);

    [Fact]
    public void Equal_silo_and_gateway_ports_are_refused() =>
        Assert.Throws<ArgumentException>(() => FromArgs("--silo-port", "4000", "--gateway-port", "4000"));

    [Fact]
    public void A_blank_cluster_id_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SiloSettings { ClusterId = " " }.Validate());

    [Fact]
    public void Without_a_cluster_the_silo_is_embedded_and_with_one_it_is_Redis_based()
    {
        Assert.Equal(SiloMode.Embedded, FromArgs().Mode);

        var settings = FromArgs("--cluster", "redis://127.0.0.1:6400", "--state", "/tmp/fq-state");

        Assert.Equal(SiloMode.Cluster, settings.Mode);
        Assert.Equal(new ClusterAddress("127.0.0.1", 6400), settings.ClusterAddress);
        Assert.Equal("/tmp/fq-state", settings.StateFolder);
    }

    [Fact]
    public void A_malformed_cluster_address_is_refused_before_any_silo_starts() =>
        Assert.Contains("--cluster", Assert.Throws<ArgumentException>(() => FromArgs("--cluster", "http://x:1")).Message);

    [Fact]
    public void A_primary_silo_is_refused_for_a_Redis_cluster_which_finds_its_silos_through_Redis() =>
        Assert.Contains("--primary-silo-port", Assert.Throws<ArgumentException>(() =>
            FromArgs("--cluster", "redis://127.0.0.1:6400", "--primary-silo-port", "11111")).Message);
}
