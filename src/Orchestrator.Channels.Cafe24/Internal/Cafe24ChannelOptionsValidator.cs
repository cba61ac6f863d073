using Microsoft.Extensions.Options;
using Orchestrator.Internal.Http;

namespace Orchestrator.Channels.Cafe24.Internal;

/// <summary>Checks the data-annotation ranges of <see cref="Cafe24ChannelOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class Cafe24ChannelOptionsAnnotationsValidator : IValidateOptions<Cafe24ChannelOptions>
{
}

/// <summary>Validates <see cref="Cafe24ChannelOptions"/> at start: ranges, credentials, the base-address rule, the documented rate.</summary>
internal sealed class Cafe24ChannelOptionsValidator : IValidateOptions<Cafe24ChannelOptions>
{
    private readonly Cafe24ChannelOptionsAnnotationsValidator _annotations = new();

    /// <summary>Gets a value indicating whether a token store was supplied (then <see cref="Cafe24ChannelOptions.TokenDirectory"/> is optional).</summary>
    public bool HasTokenStore { get; init; }

    /// <summary>Gets a function that tells whether a token store is registered for a channel name, or <see langword="null"/>.</summary>
    public Func<string?, bool>? HasTokenStoreFor { get; init; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, Cafe24ChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        var channel = string.IsNullOrEmpty(name) ? "Cafe24 channel" : $"Cafe24 channel '{name}'";
        if (string.IsNullOrWhiteSpace(options.MallId) || !options.MallId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
        {
            builder.AddError($"{channel}: MallId is required (letters, digits, '-' or '_').", nameof(options.MallId));
        }

        if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            builder.AddError($"{channel}: ClientId and ClientSecret are required (from the Cafe24 Developer Center app).", nameof(options.ClientId));
        }

        if (!HasTokenStore && HasTokenStoreFor?.Invoke(name) != true && string.IsNullOrWhiteSpace(options.TokenDirectory))
        {
            builder.AddError($"{channel}: TokenDirectory is required when no ICafe24TokenStore is supplied (Cafe24 rotates refresh tokens; they must be persisted).", nameof(options.TokenDirectory));
        }

        var address = Cafe24Endpoints.ResolveBaseAddress(options);
        if (EndpointRules.Validate(address, nameof(options.BaseAddress)) is { } addressError)
        {
            builder.AddError($"{channel}: {addressError}", nameof(options.BaseAddress));
        }

        if (address is { IsAbsoluteUri: true, IsLoopback: false } && (options.RequestsPerSecond > 2 || options.Burst > 40))
        {
            builder.AddError($"{channel}: RequestsPerSecond must not exceed 2 and Burst 40 (Cafe24's leaky bucket per mall).", nameof(options.RequestsPerSecond));
        }

        return builder.Build();
    }
}

/// <summary>Resolves Cafe24 addresses.</summary>
internal static class Cafe24Endpoints
{
    /// <summary>Returns the configured base address, or <c>https://{mall}.cafe24api.com</c>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The address, or <see langword="null"/> when it cannot be formed.</returns>
    public static Uri? ResolveBaseAddress(Cafe24ChannelOptions options) =>
        options.BaseAddress ?? (Uri.TryCreate($"https://{options.MallId}.cafe24api.com/", UriKind.Absolute, out var uri) ? uri : null);
}
