using Microsoft.Extensions.Logging;

namespace Orchestrator.Channels.Cafe24.Internal;

/// <summary>Log messages of the Cafe24 adapter (event ids 4000–4999). No secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Cafe24 channel '{Channel}': tokens refreshed and saved; access token valid until {ExpiresAt:u}, refresh token until {RefreshExpiresAt:u}.")]
    public static partial void TokensRefreshed(ILogger logger, string channel, DateTimeOffset expiresAt, DateTimeOffset refreshExpiresAt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Critical, Message = "Cafe24 channel '{Channel}': the rotated tokens could not be saved; the new access token is not used until they are. Saving is retried on the next call.")]
    public static partial void TokenSaveFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Cafe24 channel '{Channel}': retry {Attempt} in {Delay} after status {StatusCode}.")]
    public static partial void Retrying(ILogger logger, string channel, int attempt, TimeSpan delay, int? statusCode, Exception? exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Cafe24 channel '{Channel}': circuit opened for {BreakDuration} after repeated failures.")]
    public static partial void CircuitOpened(ILogger logger, string channel, TimeSpan breakDuration);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Cafe24 channel '{Channel}': circuit closed.")]
    public static partial void CircuitClosed(ILogger logger, string channel);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Cafe24 channel '{Channel}': rate limited (429); waiting {Wait}.")]
    public static partial void RateLimited(ILogger logger, string channel, TimeSpan? wait);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Cafe24 channel '{Channel}': {Count} listings do not track stock (use_inventory=F) and are left unreported, e.g. {Sample}.")]
    public static partial void UntrackedListings(ILogger logger, string channel, int count, string sample);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Cafe24 channel '{Channel}': read {Reported} listings in {Pages} pages in {Elapsed}.")]
    public static partial void ReadCompleted(ILogger logger, string channel, int reported, int pages, TimeSpan elapsed);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Cafe24 channel '{Channel}': stock push for variant {VariantCode} failed ({Failure}): {Reason}")]
    public static partial void PushFailed(ILogger logger, string channel, string variantCode, ChannelFailureKind failure, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Cafe24 channel '{Channel}': a call answered 401; refreshing the tokens and retrying once.")]
    public static partial void RefreshingAfterUnauthorized(ILogger logger, string channel);
}
