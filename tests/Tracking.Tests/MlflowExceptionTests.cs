namespace FocusedQuantization.Tracking.Tests;

public sealed class MlflowExceptionTests : RecordingServerTests
{
    private readonly IMlflowRunsApi api;

    public MlflowExceptionTests()
    {
        api = MlflowClientFactory.CreateRunsApi(Http);
    }

    private async Task<MlflowException> RefusedWith(int status, string body)
    {
        var answered = Server.AnswerNextAsync(status, body);
        var error = await Assert.ThrowsAnyAsync<MlflowException>(
            () => api.LogParamAsync(new LogParamRequest("r1", "lr", "0.2"), Cancel));
        await answered;
        return error;
    }

    [Theory]
    [InlineData(400, "RESOURCE_ALREADY_EXISTS", typeof(ResourceAlreadyExistsException))]
    [InlineData(409, "ALREADY_EXISTS", typeof(ResourceAlreadyExistsException))]
    [InlineData(404, "RESOURCE_DOES_NOT_EXIST", typeof(ResourceDoesNotExistException))]
    [InlineData(404, "NOT_FOUND", typeof(ResourceDoesNotExistException))]
    [InlineData(400, "INVALID_PARAMETER_VALUE", typeof(InvalidParameterValueException))]
    [InlineData(400, "BAD_REQUEST", typeof(InvalidParameterValueException))]
    [InlineData(404, "ENDPOINT_NOT_FOUND", typeof(EndpointNotFoundException))]
    [InlineData(403, "PERMISSION_DENIED", typeof(PermissionDeniedException))]
    [InlineData(401, "UNAUTHENTICATED", typeof(PermissionDeniedException))]
    [InlineData(500, "INVALID_STATE", typeof(MlflowException))]
    public async Task An_mlflow_error_body_gives_the_exception_type_of_its_code(int status, string code, Type expected)
    {
        var error = await RefusedWith(status, $$"""{"error_code":"{{code}}","message":"why","extra":1}""");

        Assert.IsType(expected, error);
        Assert.Equal((code, "why", true, status), (error.ErrorCode, error.MlflowMessage, error.FromMlflowBody, (int)error.StatusCode));
        Assert.Contains(code, error.Message);
        Assert.Contains("/api/2.0/mlflow/runs/log-parameter", error.Message);
    }

    [Theory]
    [InlineData(400, "BAD_REQUEST", typeof(InvalidParameterValueException))]
    [InlineData(403, "PERMISSION_DENIED", typeof(PermissionDeniedException))]
    [InlineData(404, "ENDPOINT_NOT_FOUND", typeof(EndpointNotFoundException))]
    [InlineData(502, "INTERNAL_ERROR", typeof(MlflowException))]
    [InlineData(418, "HTTP_418", typeof(MlflowException))]
    public async Task A_body_that_is_not_mlflows_is_mapped_by_http_status(int status, string code, Type expected)
    {
        var error = await RefusedWith(status, "\"<html>proxy</html>\"");

        Assert.IsType(expected, error);
        Assert.Equal((code, null, false), (error.ErrorCode, error.MlflowMessage, error.FromMlflowBody));
    }

    [Fact]
    public async Task The_typed_exception_keeps_the_raw_body_for_get_mlflow_error()
    {
        var error = await RefusedWith(400, """{"error_code":"INVALID_PARAMETER_VALUE","message":"Changing param values is not allowed"}""");

        Assert.Equal(new MlflowError("INVALID_PARAMETER_VALUE", "Changing param values is not allowed"), error.GetMlflowError());
    }
}
