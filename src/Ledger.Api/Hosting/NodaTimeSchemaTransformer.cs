using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace Ledger.Api.Hosting;

/// <summary>
/// Describes NodaTime values and enums in the OpenAPI document as they travel on the wire (ISO strings,
/// camelCase names), not as the CLR structs the generator would otherwise expand.
/// </summary>
public sealed class NodaTimeSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(LocalDate)) AsString(schema, "date", "2025-03-20");
        else if (type == typeof(Instant)) AsString(schema, "date-time", "2025-03-20T08:00:00Z");
        else if (type.IsEnum)
        {
            AsString(schema, null, null);
            schema.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(n))!).ToList();
        }
        return Task.CompletedTask;
    }

    private static void AsString(OpenApiSchema schema, string? format, string? example)
    {
        schema.Type = JsonSchemaType.String;
        schema.Format = format;
        schema.Properties?.Clear();
        schema.Required?.Clear();
        if (example is not null) schema.Examples = [JsonValue.Create(example)!];
    }
}
