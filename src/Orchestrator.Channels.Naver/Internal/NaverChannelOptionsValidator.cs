using Microsoft.Extensions.Options;
using Orchestrator.Internal.Http;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>Checks the data-annotation ranges of <see cref="NaverChannelOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class NaverChannelOptionsAnnotationsValidator : IValidateOptions<NaverChannelOptions>
{
}

/// <summary>Validates <see cref="NaverChannelOptions"/> at start: ranges, credentials, the base-address rule, the documented rate.</summary>
internal sealed class NaverChannelOptionsValidator : IValidateOptions<NaverChannelOptions>
{
    private readonly NaverChannelOptionsAnnotationsValidator _annotations = new();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NaverChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        var channel = string.IsNullOrEmpty(name) ? "Naver channel" : $"Naver channel '{name}'";
        if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            builder.AddError($"{channel}: ClientId and ClientSecret are required (from the Commerce API Center application).", nameof(options.ClientId));
        }
        else if (!NaverSigner.IsValidSecret(options.ClientSecret))
        {
            builder.AddError($"{channel}: ClientSecret must be the application secret as issued: a bcrypt salt string '$2a$NN$' followed by 22 characters.", nameof(options.ClientSecret));
        }

        if (options.TokenType is not ("SELF" or "SELLER"))
        {
            builder.AddError($"{channel}: TokenType must be SELF or SELLER.", nameof(options.TokenType));
        }
        else if (options.TokenType == "SELLER" && string.IsNullOrWhiteSpace(options.AccountId))
        {
            builder.AddError($"{channel}: AccountId is required with TokenType SELLER.", nameof(options.AccountId));
        }

        if (EndpointRules.Validate(options.BaseAddress, nameof(options.BaseAddress)) is { } addressError)
        {
            builder.AddError($"{channel}: {addressError}", nameof(options.BaseAddress));
        }

        if (options.BaseAddress is { IsAbsoluteUri: true, IsLoopback: false } && (options.RequestsPerSecond > 2 || options.Burst > 2))
        {
            builder.AddError($"{channel}: RequestsPerSecond and Burst must not exceed Naver's per-API bucket of 2.", nameof(options.RequestsPerSecond));
        }

        return builder.Build();
    }
}
