using Microsoft.Extensions.Options;
using Orchestrator.Internal.Http;

namespace Orchestrator.Channels.Coupang.Internal;

/// <summary>Checks the data-annotation ranges of <see cref="CoupangChannelOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class CoupangChannelOptionsAnnotationsValidator : IValidateOptions<CoupangChannelOptions>
{
}

/// <summary>Validates <see cref="CoupangChannelOptions"/> at start: ranges, credentials, the base-address rule.</summary>
internal sealed class CoupangChannelOptionsValidator : IValidateOptions<CoupangChannelOptions>
{
    private readonly CoupangChannelOptionsAnnotationsValidator _annotations = new();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CoupangChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        var channel = string.IsNullOrEmpty(name) ? "Coupang channel" : $"Coupang channel '{name}'";
        if (string.IsNullOrWhiteSpace(options.VendorId))
        {
            builder.AddError($"{channel}: VendorId is required (the WING vendor id, for example A00012345).", nameof(options.VendorId));
        }

        if (string.IsNullOrWhiteSpace(options.AccessKey) || string.IsNullOrWhiteSpace(options.SecretKey))
        {
            builder.AddError($"{channel}: AccessKey and SecretKey are required (issue them in WING under Open API).", nameof(options.AccessKey));
        }

        if (EndpointRules.Validate(options.BaseAddress, nameof(options.BaseAddress)) is { } addressError)
        {
            builder.AddError($"{channel}: {addressError}", nameof(options.BaseAddress));
        }

        if (options.AcknowledgementMethod is not ("PUT" or "PATCH"))
        {
            builder.AddError($"{channel}: AcknowledgementMethod must be PUT or PATCH.", nameof(options.AcknowledgementMethod));
        }

        if (options.BaseAddress is { IsAbsoluteUri: true, IsLoopback: false } && (options.RequestsPerSecond > 10 || options.Burst > 10))
        {
            builder.AddError($"{channel}: RequestsPerSecond and Burst must not exceed Coupang's documented limit of 10 calls per second per vendor.", nameof(options.RequestsPerSecond));
        }

        if (options.Burst > Math.Max(1, options.RequestsPerSecond * 10))
        {
            builder.AddError($"{channel}: Burst must not exceed 10 seconds' worth of RequestsPerSecond.", nameof(options.Burst));
        }

        return builder.Build();
    }
}
