using System.Runtime.InteropServices;
using System.Text;

namespace Parity.Protocol;

/// <summary>
/// Every process an engine started, killed and reaped when Parity is done with the engine. An engine
/// is started in a session of its own, with <see cref="MarkerVariable"/> in its environment, which
/// its children inherit; Parity is the subreaper of its own descendants, so that a child whose parent
/// exits — a shell's <c>sleep 779 &amp;</c>, a <c>setsid -f</c> grandchild — becomes Parity's child rather
/// than init's, and can be reaped here. A descendant is any process in the engine's session or with
/// the engine's marker, and any process below one.
/// </summary>
sealed class EngineDescendants(string marker)
{
    public const string MarkerVariable = "PARITY_ENGINE";

    const int SigKill = 9, WaitNoHang = 1, ChildSubreaper = 36;

    // A process that forks while it is being killed can leave a child the scan before did not see: scan again until none is left.
    const int KillRounds = 50;

    static readonly TimeSpan ReapLimit = TimeSpan.FromSeconds(2);

    static readonly Lazy<bool> Subreaper = new(() => OperatingSystem.IsLinux() && SetChildSubreaper(ChildSubreaper, 1, 0, 0, 0) == 0);

    readonly byte[] _environmentEntry = Encoding.UTF8.GetBytes($"{MarkerVariable}={marker}\0");

    /// <summary>A marker that no other engine of any Parity has.</summary>
    public static string NewMarker() => Guid.NewGuid().ToString("N");

    /// <summary>Makes this process the subreaper of its descendants, once, before the first engine starts.</summary>
    public static void AdoptOrphans() => _ = Subreaper.Value;

    /// <summary>
    /// Kills the engine <paramref name="engine"/> (a session leader, whose process group and session
    /// bear its id) and every descendant, then reaps those that became Parity's children. The engine
    /// itself is left to .NET's <see cref="System.Diagnostics.Process"/> to reap.
    /// </summary>
    public void KillAll(int engine)
    {
        // The whole process group at once, before any of it can fork again.
        Kill(-engine, SigKill);
        // Every descendant seen, dead ones too: the group's may already be zombies to reap.
        var seen = new HashSet<int>();
        for (var round = 0; round < KillRounds; round++)
        {
            var found = Find(engine);
            seen.UnionWith(found.Select(p => p.Id));
            var alive = found.Where(p => !p.Zombie).ToList();
            if (alive.Count == 0)
                break;
            foreach (var process in alive)
                Kill(process.Id, SigKill);
        }
        seen.Remove(engine);
        Reap(seen);
    }

    /// <summary>
    /// Reaps the killed processes, so that none lingers as a zombie: each becomes Parity's child once
    /// its parent, killed too, is gone, if it was not Parity's already.
    /// </summary>
    static void Reap(HashSet<int> killed)
    {
        var deadline = DateTime.UtcNow + ReapLimit;
        var self = Environment.ProcessId;
        while (killed.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var pid in killed.ToList())
                if (Stat.Read(pid) is not { } stat || (stat.Parent == self && WaitPid(pid, out _, WaitNoHang) == pid))
                    killed.Remove(pid);
            if (killed.Count > 0)
                Thread.Sleep(5);
        }
    }

    /// <summary>The engine's descendants now: in its session, or carrying its marker, or below such a process.</summary>
    List<(int Id, bool Zombie)> Find(int engine)
    {
        var self = Environment.ProcessId;
        var all = new Dictionary<int, Stat>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != self && Stat.Read(pid) is { } stat)
                all[pid] = stat;
        var found = all.Where(p => p.Key == engine || p.Value.Session == engine || Marked(p.Key)).Select(p => p.Key).ToHashSet();
        // Below a found process: one that cleared its environment and left the session still has its parent.
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (pid, stat) in all)
                if (!found.Contains(pid) && found.Contains(stat.Parent))
                    grown = found.Add(pid) || grown;
        }
        return [.. found.Select(pid => (pid, all[pid].Zombie))];
    }

    bool Marked(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(_environmentEntry) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or another user's: not the engine's.
            return false;
        }
    }

    /// <summary>A process's parent, session and state from /proc/PID/stat: after the command's closing parenthesis come state, ppid, pgrp, session.</summary>
    readonly record struct Stat(int Parent, int Session, bool Zombie)
    {
        public static Stat? Read(int pid)
        {
            try
            {
                var text = File.ReadAllText($"/proc/{pid}/stat");
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                return new Stat(int.Parse(fields[1]), int.Parse(fields[3]), fields[0] == "Z");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    static extern int SetChildSubreaper(int option, nuint value, nuint unused3, nuint unused4, nuint unused5);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    static extern int WaitPid(int pid, out int status, int options);
}
