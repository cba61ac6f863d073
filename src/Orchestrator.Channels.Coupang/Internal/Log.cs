using Microsoft.Extensions.Logging;

namespace Orchestrator.Channels.Coupang.Internal;

/// <summary>Log messages of the Coupang adapter (event ids 2000–2999). No secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Coupang channel '{Channel}': the access key expires at {ExpiresAt:u} ({DaysLeft} days left); reissue it in WING.")]
    public static partial void KeyExpiresSoon(ILogger logger, string channel, DateTimeOffset expiresAt, int daysLeft);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Coupang channel '{Channel}': the access key expired at {ExpiresAt:u}; calls will be refused until it is reissued.")]
    public static partial void KeyExpired(ILogger logger, string channel, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Coupang channel '{Channel}': retry {Attempt} in {Delay} after status {StatusCode}.")]
    public static partial void Retrying(ILogger logger, string channel, int attempt, TimeSpan delay, int? statusCode, Exception? exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Coupang channel '{Channel}': circuit opened for {BreakDuration} after repeated failures.")]
    public static partial void CircuitOpened(ILogger logger, string channel, TimeSpan breakDuration);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Coupang channel '{Channel}': circuit closed.")]
    public static partial void CircuitClosed(ILogger logger, string channel);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Coupang channel '{Channel}': rate limited (429); waiting {Wait}.")]
    public static partial void RateLimited(ILogger logger, string channel, TimeSpan? wait);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Coupang channel '{Channel}': vendor item {VendorItemId} was refused on read and is left unreported: {Reason}")]
    public static partial void ItemReadRefused(ILogger logger, string channel, long vendorItemId, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Coupang channel '{Channel}': read {Reported} of {Listed} listings in {Elapsed}.")]
    public static partial void ReadCompleted(ILogger logger, string channel, int reported, int listed, TimeSpan elapsed);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Coupang channel '{Channel}': stock push for vendor item {VendorItemId} failed ({Failure}): {Reason}")]
    public static partial void PushFailed(ILogger logger, string channel, long vendorItemId, ChannelFailureKind failure, string reason);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Coupang channel '{Channel}': the gateway answered 403 with a non-JSON page (blocked by the CDN); pausing calls for {Pause}.")]
    public static partial void Blocked(ILogger logger, string channel, TimeSpan pause);
}
