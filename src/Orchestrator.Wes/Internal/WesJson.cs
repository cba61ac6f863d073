using System.Text.Json.Serialization;

namespace Orchestrator.Wes.Internal;

/// <summary>A line of a commit, restock or scrap.</summary>
internal sealed record WesLineBody(string Sku, int Quantity, string? Location);

/// <summary>The body of <c>POST /v1/stock/commits|restocks|scraps</c>.</summary>
internal sealed record WesOperationBody(string TransactionId, string Warehouse, IReadOnlyList<WesLineBody> Lines, string? OrderRef, string? Reason);

/// <summary>The body of <c>PUT /v1/stock/{warehouse}/{sku}</c>.</summary>
internal sealed record WesSetStockBody(string TransactionId, int OnHand, long? ExpectedVersion, string? Reason, string? Location);

/// <summary>The answer to a write.</summary>
internal sealed record WesWriteAnswer(string? TransactionId, bool? Replayed, IReadOnlyList<WesVersionAnswer>? Versions);

/// <summary>The new version of a row touched by a write.</summary>
internal sealed record WesVersionAnswer(string? Sku, long? Version);

/// <summary>An error body (RFC 9457 problem details with a stable <c>code</c>).</summary>
internal sealed record WesProblem(string? Type, string? Title, int? Status, string? Code, string? Detail);

/// <summary>A page of <c>GET /v1/stock/movements</c>.</summary>
internal sealed record WesMovementsPage(IReadOnlyList<WesMovementAnswer>? Items, string? NextCursor);

/// <summary>A movement as the WES sends it.</summary>
internal sealed record WesMovementAnswer(string? TransactionId, string? Warehouse, string? Sku, string? Kind, int? Quantity, DateTimeOffset? OccurredAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(WesOperationBody))]
[JsonSerializable(typeof(WesSetStockBody))]
[JsonSerializable(typeof(WesWriteAnswer))]
[JsonSerializable(typeof(WesProblem))]
[JsonSerializable(typeof(WesMovementsPage))]
internal sealed partial class WesJsonContext : JsonSerializerContext;
