using System.Collections.Concurrent;

namespace Orchestrator.Channels.Cafe24.Tests;

/// <summary>An in-memory token store that records saves and can be told to fail.</summary>
internal sealed class RecordingTokenStore : ICafe24TokenStore
{
    private readonly ConcurrentDictionary<string, Cafe24TokenSet> _sets = new(StringComparer.Ordinal);

    public List<Cafe24TokenSet> Saved { get; } = [];

    public bool FailSaves { get; set; }

    public Action<Cafe24TokenSet>? OnSave { get; set; }

    public void Seed(string mallId, Cafe24TokenSet tokens) => _sets[mallId] = tokens;

    public ValueTask<Cafe24TokenSet?> LoadAsync(string mallId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_sets.TryGetValue(mallId, out var set) ? set : null);

    public ValueTask SaveAsync(string mallId, Cafe24TokenSet tokens, CancellationToken cancellationToken)
    {
        if (FailSaves)
        {
            throw new IOException("disk full");
        }

        OnSave?.Invoke(tokens);
        lock (Saved)
        {
            Saved.Add(tokens);
        }

        _sets[mallId] = tokens;
        return ValueTask.CompletedTask;
    }
}
