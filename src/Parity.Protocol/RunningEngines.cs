namespace Parity.Protocol;

/// <summary>
/// The engines running in this process, for the moments when their owners cannot stop them: a Ctrl-C
/// or SIGTERM, which must end a wait on an engine at once rather than at the next safe point, and
/// Parity's own crash, which skips the <c>finally</c> blocks that would.
/// </summary>
public static class RunningEngines
{
    static readonly HashSet<EngineProcess> Engines = [];

    static volatile bool _interrupted;

    /// <summary>Whether <see cref="Interrupt"/> was called: no engine starts after it.</summary>
    public static bool Interrupted => _interrupted;

    /// <summary>
    /// Stops every engine and its descendants now; a request waiting on one ends in an
    /// <see cref="OperationCanceledException"/>, and so does every later request or start.
    /// </summary>
    public static void Interrupt()
    {
        _interrupted = true;
        StopAll();
    }

    /// <summary>Stops every engine and its descendants, for a process about to end.</summary>
    public static void StopAll()
    {
        lock (Engines)
            foreach (var engine in Engines)
                engine.Interrupt();
    }

    internal static void Add(EngineProcess engine)
    {
        lock (Engines)
            Engines.Add(engine);
    }

    /// <summary>Takes the engine off the list, after any <see cref="Interrupt"/> under way has finished with it.</summary>
    internal static void Remove(EngineProcess engine)
    {
        lock (Engines)
            Engines.Remove(engine);
    }
}
