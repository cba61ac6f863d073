using System.Collections.Concurrent;
using System.Reflection;

namespace Orchestrator.Simulation.Tests;

/// <summary>
/// Wraps a real store behind its interface: every call passes a fault point before it runs (the process dies before the write)
/// and, for half of the calls, after it completed (the write is durable but the process died before it could use the answer).
/// It also records every call's arguments, so the checks can replay writes by transaction id.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy needs a proxy type it can derive from
internal class StoreGate<T> : DispatchProxy
    where T : class
#pragma warning restore CA1852
{
    private static readonly MethodInfo AfterOfT = typeof(StoreGate<T>).GetMethod(nameof(AfterAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, MethodInfo> AfterByType = new();

    private T _inner = null!;
    private Faults _faults = null!;
    private Random _random = null!;
    private Action<string, object?[]?>? _record;

    public static T Wrap(T inner, Faults faults, Action<string, object?[]?>? record = null)
    {
        var proxy = Create<T, StoreGate<T>>();
        var gate = (StoreGate<T>)(object)proxy;
        gate._inner = inner;
        gate._faults = faults;
        gate._random = faults.For("store:" + typeof(T).Name);
        gate._record = record;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var where = $"{typeof(T).Name}.{targetMethod.Name}";
        _faults.Point(where + " (before)");
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }

        bool after;
        lock (_random)
        {
            after = _random.Next(2) == 0;
        }

        if (result is not Task task)
        {
            return result;
        }

        // The arguments are recorded only once the call succeeded, so a replay only repeats writes that happened.
        Action done = () =>
        {
            _record?.Invoke(targetMethod.Name, args);
            if (after)
            {
                _faults.Point(where + " (after)");
            }
        };
        if (targetMethod.ReturnType == typeof(Task))
        {
            return AfterVoidAsync(task, done);
        }

        var method = AfterByType.GetOrAdd(targetMethod.ReturnType.GetGenericArguments()[0], t => AfterOfT.MakeGenericMethod(t));
        return method.Invoke(null, [task, done]);
    }

    private static async Task AfterVoidAsync(Task task, Action done)
    {
        await task;
        done();
    }

    private static async Task<TResult> AfterAsync<TResult>(Task<TResult> task, Action done)
    {
        var result = await task;
        done();
        return result;
    }
}
