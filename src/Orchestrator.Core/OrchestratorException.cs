namespace Orchestrator;

/// <summary>
/// Represents an error raised by the orchestrator or one of its adapter packages. Every error carries a stable
/// <see cref="ErrorCode"/> (see <see cref="OrchestratorErrorCodes"/>) that operators can alert and search on.
/// </summary>
/// <remarks>Messages never contain credentials, tokens or signatures.</remarks>
public abstract class OrchestratorException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="OrchestratorException"/> class.</summary>
    /// <param name="errorCode">The stable error code.</param>
    /// <param name="message">A message for operators.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    protected OrchestratorException(string errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        ErrorCode = errorCode;
    }

    /// <summary>Gets the stable error code, for example <c>ERR-INV-001</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>Gets a value indicating whether retrying the same operation later may succeed.</summary>
    public virtual bool IsTransient => false;
}

/// <summary>Lists the stable error codes. ERR-INV-001 to ERR-INV-004 are the exception table of WF-INV-001.</summary>
public static class OrchestratorErrorCodes
{
    /// <summary>ChannelAPITimeout: a sales channel did not answer in time or failed. Handling: retry, then skip the channel for this run.</summary>
    public const string ChannelApiTimeout = "ERR-INV-001";

    /// <summary>StockUpdateFailed: a stock push to a channel failed. Handling: retry, then queue it for manual handling.</summary>
    public const string StockUpdateFailed = "ERR-INV-002";

    /// <summary>DataMismatch: the data of two systems cannot be reconciled as given. Handling: log, then alert.</summary>
    public const string DataMismatch = "ERR-INV-003";

    /// <summary>WarehouseAPIError: the warehouse system (WES) failed. Handling: retry, then alert.</summary>
    public const string WarehouseApiError = "ERR-INV-004";

    /// <summary>InvalidData: input that can never be right (a negative or overflowing quantity, a SKU twice in one snapshot).</summary>
    public const string InvalidData = "ERR-DATA-001";
}

/// <summary>Represents a failed call to a sales channel (ERR-INV-001).</summary>
public class ChannelApiException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="ChannelApiException"/> class.</summary>
    /// <param name="channel">The channel instance name, for example <c>coupang-main</c>.</param>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">A message for operators.</param>
    /// <param name="statusCode">The HTTP status code, when there was a response.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ChannelApiException(string channel, ChannelFailureKind kind, string message, int? statusCode = null, Exception? innerException = null)
        : base(OrchestratorErrorCodes.ChannelApiTimeout, message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        Channel = channel;
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>Gets the channel instance name.</summary>
    public string Channel { get; }

    /// <summary>Gets what went wrong.</summary>
    public ChannelFailureKind Kind { get; }

    /// <summary>Gets the HTTP status code, when the channel answered.</summary>
    public int? StatusCode { get; }

    /// <inheritdoc />
    public override bool IsTransient => Kind is ChannelFailureKind.Timeout or ChannelFailureKind.RateLimited or ChannelFailureKind.Unavailable;
}

/// <summary>Describes why a call to a channel or the WES failed.</summary>
public enum ChannelFailureKind
{
    /// <summary>No answer in time.</summary>
    Timeout,

    /// <summary>The service answered 429 or reported its limit as exhausted.</summary>
    RateLimited,

    /// <summary>The service answered 5xx, or the connection failed, or the circuit is open.</summary>
    Unavailable,

    /// <summary>Credentials were refused (401 or 403).</summary>
    Unauthorized,

    /// <summary>The request was refused as invalid (other 4xx). Retrying it unchanged does not help.</summary>
    Rejected,

    /// <summary>The response could not be read: broken JSON, wrong types, missing fields.</summary>
    MalformedResponse,
}

/// <summary>Represents a channel call that did not answer in time (ERR-INV-001).</summary>
public sealed class ChannelApiTimeoutException : ChannelApiException
{
    /// <summary>Initializes a new instance of the <see cref="ChannelApiTimeoutException"/> class.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <param name="timeout">The time that was allowed.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ChannelApiTimeoutException(string channel, TimeSpan timeout, Exception? innerException = null)
        : base(channel, ChannelFailureKind.Timeout, $"Channel '{channel}' did not answer within {timeout.TotalSeconds:0.###} s.", null, innerException)
    {
        Timeout = timeout;
    }

    /// <summary>Gets the time that was allowed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>Represents a stock push that failed after its retries (ERR-INV-002).</summary>
public sealed class StockUpdateFailedException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="StockUpdateFailedException"/> class.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <param name="skuCode">The SKU whose quantity was not updated.</param>
    /// <param name="message">A message for operators.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public StockUpdateFailedException(string channel, string skuCode, string message, Exception? innerException = null)
        : base(OrchestratorErrorCodes.StockUpdateFailed, message, innerException)
    {
        Channel = channel;
        SkuCode = skuCode;
    }

    /// <summary>Gets the channel instance name.</summary>
    public string Channel { get; }

    /// <summary>Gets the SKU whose quantity was not updated.</summary>
    public string SkuCode { get; }
}

/// <summary>Represents data of two systems that cannot be reconciled as given (ERR-INV-003), such as snapshots of different warehouses diffed together.</summary>
public sealed class DataMismatchException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="DataMismatchException"/> class.</summary>
    /// <param name="message">A message for operators.</param>
    public DataMismatchException(string message)
        : base(OrchestratorErrorCodes.DataMismatch, message)
    {
    }
}

/// <summary>Represents a failed call to the warehouse execution system (ERR-INV-004).</summary>
public sealed class WarehouseApiException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="WarehouseApiException"/> class.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">A message for operators.</param>
    /// <param name="statusCode">The HTTP status code, when there was a response.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public WarehouseApiException(ChannelFailureKind kind, string message, int? statusCode = null, Exception? innerException = null)
        : base(OrchestratorErrorCodes.WarehouseApiError, message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>Gets what went wrong.</summary>
    public ChannelFailureKind Kind { get; }

    /// <summary>Gets the HTTP status code, when the WES answered.</summary>
    public int? StatusCode { get; }

    /// <inheritdoc />
    public override bool IsTransient => Kind is ChannelFailureKind.Timeout or ChannelFailureKind.RateLimited or ChannelFailureKind.Unavailable;
}

/// <summary>Represents input that can never be right (ERR-DATA-001): a negative or overflowing quantity, a SKU twice in one snapshot, an unknown SKU where one is required.</summary>
public sealed class InvalidStockDataException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidStockDataException"/> class.</summary>
    /// <param name="message">A message for operators.</param>
    /// <param name="skuCode">The SKU concerned, when known.</param>
    public InvalidStockDataException(string message, string? skuCode = null)
        : base(OrchestratorErrorCodes.InvalidData, message)
    {
        SkuCode = skuCode;
    }

    /// <summary>Gets the SKU concerned, when known.</summary>
    public string? SkuCode { get; }
}
