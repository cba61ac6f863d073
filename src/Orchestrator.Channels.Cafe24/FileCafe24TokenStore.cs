using System.Text.Json;
using Orchestrator.Channels.Cafe24.Internal;

namespace Orchestrator.Channels.Cafe24;

/// <summary>Keeps Cafe24 tokens in one JSON file per mall in a folder; the default <see cref="ICafe24TokenStore"/>.</summary>
/// <remarks>
/// <para>Writes go to a temporary file that is flushed to disk and then renamed over the old one, so a crash leaves either
/// the old or the new set, never a torn file. Restrict the folder's permissions: the files hold live credentials.</para>
/// <para>Thread safety: safe for concurrent use within one process.</para>
/// </remarks>
public sealed class FileCafe24TokenStore : ICafe24TokenStore, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="FileCafe24TokenStore"/> class.</summary>
    /// <param name="directory">The folder; created when missing.</param>
    public FileCafe24TokenStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    /// <summary>Gets the folder the token files live in.</summary>
    public string Directory { get; }

    /// <summary>Returns the file that holds a mall's tokens.</summary>
    /// <param name="mallId">The mall id.</param>
    /// <returns>The path.</returns>
    public string GetPath(string mallId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mallId);
        if (mallId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || mallId.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException("The mall id is not a valid file name.", nameof(mallId));
        }

        return Path.Combine(Directory, $"cafe24-{mallId}.tokens.json");
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <inheritdoc />
    public async ValueTask<Cafe24TokenSet?> LoadAsync(string mallId, CancellationToken cancellationToken)
    {
        var path = GetPath(mallId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                var file = await JsonSerializer.DeserializeAsync(stream, Cafe24JsonContext.Default.TokenFile, cancellationToken).ConfigureAwait(false);
                return file is null ? null : new Cafe24TokenSet(file.AccessToken, file.AccessTokenExpiresAt, file.RefreshToken, file.RefreshTokenExpiresAt);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string mallId, Cafe24TokenSet tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var path = GetPath(mallId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temp = path + ".tmp";
            var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
            await using (stream.ConfigureAwait(false))
            {
                var file = new TokenFile
                {
                    AccessToken = tokens.AccessToken,
                    AccessTokenExpiresAt = tokens.AccessTokenExpiresAt,
                    RefreshToken = tokens.RefreshToken,
                    RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
                };
                await JsonSerializer.SerializeAsync(stream, file, Cafe24JsonContext.Default.TokenFile, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }
}
