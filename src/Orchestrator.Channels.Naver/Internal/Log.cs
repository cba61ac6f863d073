using Microsoft.Extensions.Logging;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>Log messages of the Naver adapter (event ids 3000–3999). No secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Naver channel '{Channel}': token issued, valid until {ExpiresAt:u}.")]
    public static partial void TokenIssued(ILogger logger, string channel, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': token renewal failed; the current token stays in use until {ExpiresAt:u}.")]
    public static partial void TokenRenewalFailed(ILogger logger, string channel, DateTimeOffset expiresAt, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': retry {Attempt} in {Delay} after status {StatusCode}.")]
    public static partial void Retrying(ILogger logger, string channel, int attempt, TimeSpan delay, int? statusCode, Exception? exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Naver channel '{Channel}': circuit opened for {BreakDuration} after repeated failures.")]
    public static partial void CircuitOpened(ILogger logger, string channel, TimeSpan breakDuration);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Naver channel '{Channel}': circuit closed.")]
    public static partial void CircuitClosed(ILogger logger, string channel);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': rate limited (429 GW.RATE_LIMIT); waiting {Wait}.")]
    public static partial void RateLimited(ILogger logger, string channel, TimeSpan? wait);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': origin product {OriginProductNo} was refused on read and is left unreported: {Reason}")]
    public static partial void ProductReadRefused(ILogger logger, string channel, long originProductNo, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Naver channel '{Channel}': read {Reported} listings of {Products} products in {Elapsed}.")]
    public static partial void ReadCompleted(ILogger logger, string channel, int reported, int products, TimeSpan elapsed);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': stock push for origin product {OriginProductNo} failed ({Failure}): {Reason}")]
    public static partial void PushFailed(ILogger logger, string channel, long originProductNo, ChannelFailureKind failure, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Naver channel '{Channel}': product order {ProductOrderId} feed status {FeedStatus} disagrees with detail status {DetailStatus}; the detail wins.")]
    public static partial void OrderDisagreement(ILogger logger, string channel, string productOrderId, string? feedStatus, string? detailStatus);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Naver channel '{Channel}': a business call answered 401; renewing the token and retrying once.")]
    public static partial void RenewingAfterUnauthorized(ILogger logger, string channel);
}
