using System.Text.Json;
using System.Text.Json.Serialization;

namespace FocusedQuantization.Compression.Pipeline;

/// <summary>JSON settings for reports: camelCase, indented, enums as strings.</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
