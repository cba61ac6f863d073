using Microsoft.Extensions.Options;
using Orchestrator.Internal.Http;

namespace Orchestrator.Wes.Internal;

[OptionsValidator]
internal sealed partial class WesClientOptionsValidator : IValidateOptions<WesClientOptions>;

/// <summary>Checks what attributes cannot: the endpoint rule and the relation between delays.</summary>
internal sealed class WesClientOptionsCustomValidator : IValidateOptions<WesClientOptions>
{
    public ValidateOptionsResult Validate(string? name, WesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.BaseAddress is not null && EndpointRules.Validate(options.BaseAddress, nameof(options.BaseAddress)) is { } error)
        {
            builder.AddError(error, nameof(options.BaseAddress));
        }

        if (options.RetryDelay > options.MaxRetryDelay)
        {
            builder.AddError($"RetryDelay ({options.RetryDelay}) must not exceed MaxRetryDelay ({options.MaxRetryDelay})", nameof(options.RetryDelay));
        }

        if (options.Burst < options.RequestsPerSecond && options.RequestsPerSecond >= 1)
        {
            builder.AddError($"Burst ({options.Burst}) must be at least RequestsPerSecond ({options.RequestsPerSecond})", nameof(options.Burst));
        }

        return builder.Build();
    }
}
