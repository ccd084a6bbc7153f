using System.Text;

namespace FocusedQuantization.Tracking.Tests;

public sealed class MlflowTrackingSettingsTests
{
    private static MlflowTrackingSettings? Read(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return MlflowTrackingSettings.FromEnvironment(name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void Without_a_tracking_uri_there_are_no_settings_so_the_embedded_tracker_is_used()
    {
        Assert.Null(Read());
        Assert.Null(Read(("MLFLOW_TRACKING_URI", "  "), ("MLFLOW_TRACKING_INSECURE_TLS", "false")));
    }

    [Fact]
    public void A_uri_alone_gives_settings_without_credentials_and_with_tls_checks_on()
    {
        var settings = Read(("MLFLOW_TRACKING_URI", "http://mlflow.local:5000"))!;

        Assert.Equal(new Uri("http://mlflow.local:5000"), settings.TrackingUri);
        Assert.Null(settings.AuthorizationHeader);
        Assert.False(settings.InsecureTls);
    }

    [Fact]
    public void A_trailing_slash_is_dropped_so_that_a_path_prefix_joins_cleanly_with_api_paths() =>
        Assert.Equal("/mlflow", Read(("MLFLOW_TRACKING_URI", "https://h/mlflow/"))!.TrackingUri.AbsolutePath);

    [Fact]
    public void A_token_is_sent_as_a_bearer_header()
    {
        var header = Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_TOKEN", "abc.def"))!.AuthorizationHeader!;

        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal("abc.def", header.Parameter);
    }

    [Fact]
    public void FQ_TRACKER_TOKEN_is_sent_as_the_bearer_token_when_MLflow_has_none()
    {
        var header = Read(("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055"), ("FQ_TRACKER_TOKEN", "fq-tok"))!.AuthorizationHeader!;

        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal("fq-tok", header.Parameter);
    }

    [Fact]
    public void MLflow_credentials_win_over_FQ_TRACKER_TOKEN_without_a_conflict()
    {
        var bearer = Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_TOKEN", "mlflow-tok"), ("FQ_TRACKER_TOKEN", "fq-tok"))!;
        var basic = Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_USERNAME", "u"), ("MLFLOW_TRACKING_PASSWORD", "p"),
            ("FQ_TRACKER_TOKEN", "fq-tok"))!;

        Assert.Equal("mlflow-tok", bearer.AuthorizationHeader!.Parameter);
        Assert.Equal("Basic", basic.AuthorizationHeader!.Scheme);
        Assert.Null(basic.Token);
    }

    [Fact]
    public void FQ_TRACKER_TOKEN_without_a_uri_is_for_the_embedded_tracker_and_not_refused() =>
        Assert.Null(Read(("FQ_TRACKER_TOKEN", "fq-tok")));

    [Fact]
    public void A_username_and_password_are_sent_as_a_basic_header()
    {
        var header = Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_USERNAME", "ann"),
            ("MLFLOW_TRACKING_PASSWORD", "s3cr:et"))!.AuthorizationHeader!;

        Assert.Equal("Basic", header.Scheme);
        Assert.Equal("ann:s3cr:et", Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter!)));
    }

    [Fact]
    public void A_token_together_with_basic_credentials_is_refused_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("MLFLOW_TRACKING_URI", "https://h"),
            ("MLFLOW_TRACKING_TOKEN", "t"), ("MLFLOW_TRACKING_USERNAME", "u"), ("MLFLOW_TRACKING_PASSWORD", "p")));

        Assert.Contains("MLFLOW_TRACKING_TOKEN", error.Message);
        Assert.Contains("MLFLOW_TRACKING_USERNAME", error.Message);
    }

    [Fact]
    public void A_username_without_a_password_is_refused_naming_the_missing_one()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_USERNAME", "u")));

        Assert.Contains("only MLFLOW_TRACKING_USERNAME is set", error.Message);
    }

    [Theory]
    [InlineData("mlruns")]
    [InlineData("./mlruns")]
    [InlineData("/srv/mlruns")]
    [InlineData("localhost:5000/x")]
    public void A_relative_uri_or_a_local_path_is_refused(string uri)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("MLFLOW_TRACKING_URI", uri)));

        Assert.Contains("MLFLOW_TRACKING_URI", error.Message);
    }

    [Theory]
    [InlineData("file:///srv/mlruns", "scheme 'file'")]
    [InlineData("sqlite:///mlflow.db", "scheme 'sqlite'")]
    [InlineData("http://u:p@h:5000", "credentials")]
    [InlineData("http://h:5000/?x=1", "query")]
    public void A_uri_that_names_no_plain_http_server_is_refused_saying_why(string uri, string reason) =>
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => Read(("MLFLOW_TRACKING_URI", uri))).Message);

    [Fact]
    public void Credentials_without_a_uri_are_refused_rather_than_silently_unused()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("MLFLOW_TRACKING_TOKEN", "t")));

        Assert.Contains("MLFLOW_TRACKING_URI", error.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void Insecure_tls_accepts_true_false_one_and_zero(string value, bool expected) =>
        Assert.Equal(expected,
            Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_INSECURE_TLS", value))!.InsecureTls);

    [Fact]
    public void Insecure_tls_with_another_value_is_refused_naming_the_variable() =>
        Assert.Contains("MLFLOW_TRACKING_INSECURE_TLS", Assert.Throws<ArgumentException>(() =>
            Read(("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_INSECURE_TLS", "yes"))).Message);
}
