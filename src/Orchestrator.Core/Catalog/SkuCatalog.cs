using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Orchestrator.Catalog;

/// <summary>
/// Interns SKU codes to dense ordinals (0, 1, 2, …) so that every stock source can be held as a column indexed by ordinal.
/// </summary>
/// <remarks>
/// <para>Ordinals are stable for the life of the catalog: a SKU keeps its ordinal and codes are never removed.</para>
/// <para>Thread safety: lookups are lock-free and may run while another thread adds codes; adds are serialized.</para>
/// <para>SKU codes are compared ordinally (case-sensitive), as the channels and the WES compare them.</para>
/// <para>Memory: the codes are held once, as UTF-8 in one buffer, with an open-addressing index of ordinals beside it, about
/// 14 bytes per SKU plus the code's length (a 12-character code: ~26 bytes), where a dictionary of strings costs ~110.
/// <see cref="GetCode"/> therefore creates the string it returns.</para>
/// </remarks>
public sealed class SkuCatalog
{
    private const int MaxCodeLength = 128;
    private const int MaxCodeBytes = MaxCodeLength * 3;

    private readonly Lock _addLock = new();
    private readonly ulong _seed;
    private State _state;
    private int[]? _categoryIds;
    private string[] _categoryNames = [];
    private readonly Dictionary<string, int> _categoryIdsByName = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="SkuCatalog"/> class.</summary>
    /// <param name="capacity">The number of SKUs to reserve room for.</param>
    public SkuCatalog(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        capacity = Math.Max(capacity, 16);
        _seed = (ulong)Random.Shared.NextInt64() | 1; // per catalog, so crafted codes cannot line up in one probe chain
        _state = new State(new byte[checked(capacity * 12)], new int[capacity + 1], new long[SlotsFor(capacity)]);
    }

    /// <summary>Gets the number of SKUs in the catalog; ordinals run from 0 to <c>Count - 1</c>.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the ordinal of a SKU code, adding the code when it is new.</summary>
    /// <param name="skuCode">The SKU code; not empty, at most 128 characters, no leading or trailing white space, valid UTF-16.</param>
    /// <returns>The SKU's ordinal.</returns>
    /// <exception cref="InvalidStockDataException">The code is empty, too long, padded with white space or not valid text.</exception>
    public int GetOrAdd(string skuCode)
    {
        ArgumentNullException.ThrowIfNull(skuCode);
        if (TryGetOrdinal(skuCode.AsSpan(), out var existing))
        {
            return existing;
        }

        ValidateCode(skuCode);
        Span<byte> utf8 = stackalloc byte[MaxCodeBytes];
        if (Utf8.FromUtf16(skuCode, utf8, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            throw new InvalidStockDataException("A SKU code must be valid text (it has a lone surrogate).");
        }

        utf8 = utf8[..written];
        var hash = Hash(utf8);
        lock (_addLock)
        {
            var state = _state;
            var found = Find(state, utf8, hash);
            if (found >= 0)
            {
                return found;
            }

            var ordinal = _count;
            state = EnsureRoom(state, ordinal + 1, utf8.Length);
            var start = state.Offsets[ordinal];
            utf8.CopyTo(state.Arena.AsSpan(start));
            state.Offsets[ordinal + 1] = start + utf8.Length;
            Insert(state.Slots, hash, ordinal);
            Volatile.Write(ref _count, ordinal + 1);
            return ordinal;
        }
    }

    /// <summary>Looks up the ordinal of a SKU code without adding it.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <param name="ordinal">The ordinal, when found.</param>
    /// <returns><see langword="true"/> when the code is in the catalog.</returns>
    public bool TryGetOrdinal(string skuCode, out int ordinal)
    {
        ArgumentNullException.ThrowIfNull(skuCode);
        return TryGetOrdinal(skuCode.AsSpan(), out ordinal);
    }

    /// <summary>Looks up the ordinal of a SKU code given as characters (for example straight from a JSON reader) without allocating.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <param name="ordinal">The ordinal, when found.</param>
    /// <returns><see langword="true"/> when the code is in the catalog.</returns>
    public bool TryGetOrdinal(ReadOnlySpan<char> skuCode, out int ordinal)
    {
        ordinal = -1;
        if (skuCode.Length is 0 or > MaxCodeLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxCodeBytes];
        if (Utf8.FromUtf16(skuCode, utf8, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return false;
        }

        return TryGetOrdinalUtf8(utf8[..written], out ordinal);
    }

    /// <summary>Looks up the ordinal of a SKU code given as UTF-8 bytes (for example a JSON reader's unescaped value) without allocating.</summary>
    /// <param name="utf8SkuCode">The SKU code in UTF-8.</param>
    /// <param name="ordinal">The ordinal, when found.</param>
    /// <returns><see langword="true"/> when the code is in the catalog.</returns>
    public bool TryGetOrdinalUtf8(ReadOnlySpan<byte> utf8SkuCode, out int ordinal)
    {
        ordinal = -1;
        if (utf8SkuCode.Length is 0 or > MaxCodeBytes)
        {
            return false;
        }

        ordinal = Find(Volatile.Read(ref _state), utf8SkuCode, Hash(utf8SkuCode));
        return ordinal >= 0;
    }

    /// <summary>Gets the SKU code of an ordinal.</summary>
    /// <param name="ordinal">An ordinal from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The SKU code (a new string on every call).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The ordinal is not in the catalog.</exception>
    public string GetCode(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        var state = Volatile.Read(ref _state);
        var start = state.Offsets[ordinal];
        return Encoding.UTF8.GetString(state.Arena, start, state.Offsets[ordinal + 1] - start);
    }

    /// <summary>Sets the category of a SKU, used by per-category thresholds.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <param name="category">The category, or <see langword="null"/> for none.</param>
    public void SetCategory(int ordinal, string? category)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        lock (_addLock)
        {
            var ids = _categoryIds;
            if (ids is null || ids.Length <= ordinal)
            {
                if (category is null)
                {
                    return; // a SKU past the end of the category column has none already
                }

                Array.Resize(ref ids, Math.Max(_state.Offsets.Length, ordinal + 1));
            }

            var id = 0;
            if (category is not null && !_categoryIdsByName.TryGetValue(category, out id))
            {
                Volatile.Write(ref _categoryNames, [.. _categoryNames, category]);
                id = _categoryNames.Length;
                _categoryIdsByName.Add(category, id);
            }

            ids[ordinal] = id;
            Volatile.Write(ref _categoryIds, ids);
        }
    }

    /// <summary>Gets the category of a SKU, or <see langword="null"/> when it has none.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns>The category.</returns>
    public string? GetCategory(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        var ids = Volatile.Read(ref _categoryIds);
        if (ids is null || ids.Length <= ordinal || ids[ordinal] == 0)
        {
            return null;
        }

        return Volatile.Read(ref _categoryNames)[ids[ordinal] - 1];
    }

    private static int SlotsFor(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, count + (count >> 1) + 1)); // load ≤ 2/3

    // A slot holds (hash high 32 bits << 32) | (ordinal + 1); 0 is empty. The hash bits let a probe skip most codes without reading them.
    private static int Find(State state, ReadOnlySpan<byte> utf8, ulong hash)
    {
        var slots = state.Slots;
        var mask = slots.Length - 1;
        var tag = (long)(hash & 0xFFFF_FFFF_0000_0000UL);
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = Volatile.Read(ref slots[i]);
            if (slot == 0)
            {
                return -1;
            }

            if ((slot & unchecked((long)0xFFFF_FFFF_0000_0000UL)) == tag)
            {
                var ordinal = (int)(slot & 0xFFFF_FFFF) - 1;
                var start = state.Offsets[ordinal];
                if (state.Arena.AsSpan(start, state.Offsets[ordinal + 1] - start).SequenceEqual(utf8))
                {
                    return ordinal;
                }
            }
        }
    }

    private static void Insert(long[] slots, ulong hash, int ordinal)
    {
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref slots[i], (long)(hash & 0xFFFF_FFFF_0000_0000UL) | (uint)(ordinal + 1));
    }

    // Called under the add lock. When anything is full, every array is copied into a new state published whole: arrays a reader
    // may hold are never written again, so a reader always sees a slot, its offsets and its bytes from one consistent state.
    private State EnsureRoom(State state, int count, int codeBytes)
    {
        var used = state.Offsets[count - 1];
        var needOffsets = state.Offsets.Length < count + 1;
        var needArena = state.Arena.Length - used < codeBytes;
        var needSlots = state.Slots.Length < SlotsFor(count);
        if (!needOffsets && !needArena && !needSlots)
        {
            return state;
        }

        var offsets = new int[needOffsets ? checked(Math.Max(count + 1, (state.Offsets.Length - 1) * 2 + 1)) : state.Offsets.Length];
        Array.Copy(state.Offsets, offsets, count);

        var arenaSize = needArena ? Math.Max((long)used + codeBytes, (long)state.Arena.Length * 2) : state.Arena.Length;
        var arena = new byte[arenaSize > Array.MaxLength ? checked(used + codeBytes) : (int)arenaSize];
        Buffer.BlockCopy(state.Arena, 0, arena, 0, used);

        long[] slots;
        if (needSlots)
        {
            slots = new long[SlotsFor(Math.Max(count, state.Slots.Length))];
            for (var ordinal = 0; ordinal < count - 1; ordinal++)
            {
                var start = offsets[ordinal];
                Insert(slots, Hash(arena.AsSpan(start, offsets[ordinal + 1] - start)), ordinal);
            }
        }
        else
        {
            slots = (long[])state.Slots.Clone();
        }

        state = new State(arena, offsets, slots);
        Volatile.Write(ref _state, state);
        return state;
    }

    private ulong Hash(ReadOnlySpan<byte> bytes)
    {
        // 8 bytes at a time, multiply-xorshift mixing; seeded per catalog.
        var h = _seed ^ ((ulong)bytes.Length * 0x9E3779B97F4A7C15UL);
        while (bytes.Length >= 8)
        {
            h = Mix(h ^ MemoryMarshal.Read<ulong>(bytes));
            bytes = bytes[8..];
        }

        if (!bytes.IsEmpty)
        {
            ulong tail = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                tail |= (ulong)bytes[i] << (8 * i);
            }

            h = Mix(h ^ tail);
        }

        return Mix(h);

        static ulong Mix(ulong x)
        {
            x *= 0xBF58476D1CE4E5B9UL;
            x ^= x >> 31;
            x *= 0x94D049BB133111EBUL;
            return x ^ (x >> 29);
        }
    }

    private static void ValidateCode(string skuCode)
    {
        if (skuCode.Length == 0 || skuCode.Length > MaxCodeLength || char.IsWhiteSpace(skuCode[0]) || char.IsWhiteSpace(skuCode[^1]))
        {
            throw new InvalidStockDataException(
                $"A SKU code must be 1 to 128 characters without leading or trailing white space (got {skuCode.Length} characters).",
                skuCode.Length <= MaxCodeLength ? skuCode : null);
        }
    }

    private sealed class State(byte[] arena, int[] offsets, long[] slots)
    {
        public byte[] Arena { get; } = arena;

        public int[] Offsets { get; } = offsets;

        public long[] Slots { get; } = slots;
    }
}
