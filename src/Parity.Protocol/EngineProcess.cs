using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parity.Protocol;

/// <summary>
/// An engine's process: started from its command, fed one line per request on stdin, read one line
/// per response from stdout within a time limit, its stderr passed through line by line prefixed
/// <c>[NAME] </c>. Whatever goes wrong — it cannot start, it hangs, it exits — is a
/// <see cref="ProtocolException"/> naming the engine and the request, and the process is stopped
/// with every process it started (<see cref="EngineDescendants"/>): nothing an engine starts outlives
/// Parity's use of it. What Parity holds of the engine's output is bounded whatever the engine writes:
/// a response line by the limit the request gives, a stderr line by <see cref="StderrLineCharacters"/>,
/// and the last <see cref="StderrLinesKept"/> stderr lines.
/// </summary>
public sealed class EngineProcess : IDisposable
{
    /// <summary>How long a child whose stdin is closed may take to exit before it is killed.</summary>
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    const int StderrLinesKept = 8, StderrLineCharacters = 1000, QuotedCharacters = 200;

    // A child's stderr pipe can stay open after it exits, held by its own children: never wait for it long.
    static readonly TimeSpan StderrDrain = TimeSpan.FromSeconds(2);

    static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly Process _process;
    readonly int _id;
    readonly LineReader _stdout;
    readonly EngineDescendants _descendants;
    readonly TimeSpan _timeout;
    readonly TextWriter _log;
    readonly object _turns;
    readonly Thread _stderrPump;
    readonly Queue<string> _lastStderr = new();
    readonly Timer _watchdog;
    readonly Lock _stopping = new();
    ProtocolException? _fault;
    volatile string _name;
    volatile bool _timedOut, _interrupted;
    bool _disposed;

    EngineProcess(Process process, EngineDescendants descendants, string name, TimeSpan timeout, TextWriter log, object turns)
    {
        _process = process;
        _id = process.Id;
        _stdout = new LineReader(process.StandardOutput.BaseStream);
        _descendants = descendants;
        _name = name;
        _timeout = timeout;
        _log = log;
        _turns = turns;
        _stderrPump = new Thread(PumpStderr) { IsBackground = true, Name = $"stderr of {name}" };
        _stderrPump.Start();
        _watchdog = new Timer(_ => Expire());
        RunningEngines.Add(this);
    }

    /// <summary>
    /// Starts <paramref name="command"/> (split by <see cref="CommandWords"/>) in the current directory,
    /// in a session of its own where <c>setsid</c> exists, so that a Ctrl-C at the terminal reaches
    /// Parity alone and Parity stops the engine in order, and with a marker in its environment that its
    /// descendants inherit (<see cref="EngineDescendants"/>).
    /// </summary>
    /// <param name="turns">
    /// A lock the engine's stderr lines are passed on under. A caller with a TorchSharp twin holds it
    /// while the twin works: passing a line on allocates, and a garbage collection started on this
    /// process's stderr thread in the middle of a twin's call can free a scalar the call is reading
    /// (see the twin's TorchRuntime.Gate).
    /// </param>
    public static EngineProcess Start(string command, TimeSpan timeout, TextWriter log, object turns)
    {
        if (RunningEngines.Interrupted)
            throw new OperationCanceledException("interrupted");
        EngineDescendants.AdoptOrphans();
        var words = CommandWords.Split(command);
        var program = Resolve(words[0])
            ?? throw new ProtocolException($"--engine exec:{command}: no program '{words[0]}' {(words[0].Contains('/') ? "exists" : "on the PATH")}", ProtocolException.EngineBroken);
        var setsid = Resolve("setsid");
        var start = new ProcessStartInfo(setsid ?? program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Environment.CurrentDirectory,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardErrorEncoding = Encoding.UTF8,
        };
        var marker = EngineDescendants.NewMarker();
        start.Environment[EngineDescendants.MarkerVariable] = marker;
        if (setsid is not null)
            start.ArgumentList.Add(program);
        foreach (var word in words.Skip(1))
            start.ArgumentList.Add(word);
        var name = Path.GetFileName(words[0]);
        try
        {
            var process = new Process { StartInfo = start };
            process.Start();
            process.StandardInput.AutoFlush = false;
            return new EngineProcess(process, new EngineDescendants(marker), name, timeout, log, turns);
        }
        catch (Win32Exception e)
        {
            throw new ProtocolException($"engine '{name}': cannot start '{command}': {e.Message}", ProtocolException.EngineBroken);
        }
    }

    /// <summary>The name in messages and before each stderr line: the command's program until the engine names itself.</summary>
    public string Name
    {
        get => _name;
        set => _name = value;
    }

    public int Id => _id;

    /// <summary>
    /// Writes <paramref name="line"/> and returns the next line the engine prints, which may be no longer
    /// than <paramref name="limit"/>; <paramref name="request"/> names it in messages. Once the engines were
    /// interrupted (<see cref="RunningEngines.Interrupt"/>), an <see cref="OperationCanceledException"/>.
    /// </summary>
    public string Exchange(string line, string request, LineLimit limit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
            throw _fault;
        string? response;
        try
        {
            response = Guarded(_timeout, () =>
            {
                WriteLine(line);
                return _stdout.ReadLine(limit.Bytes);
            });
        }
        catch (LineTooLongException)
        {
            Stop();
            throw Fault(request, $"its standard output has a line longer than {limit}; the engine was stopped{LastStderr()}");
        }
        if (_interrupted)
            throw new OperationCanceledException("interrupted");
        if (_timedOut)
            throw Fault(request, $"no answer within {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (--engine-timeout); the engine was stopped{LastStderr()}");
        return response ?? throw Fault(request, Exited());
    }

    /// <summary>Writes <paramref name="line"/> and reads nothing back, for the last request; an engine that is gone or does not read is left to <see cref="Dispose"/>.</summary>
    public void Send(string line)
    {
        if (!_disposed && _fault is null && !_interrupted && !_process.HasExited)
            Guarded(ExitGrace, () =>
            {
                WriteLine(line);
                return null;
            });
    }

    /// <summary>
    /// Runs blocking pipe I/O on the caller's thread (no thread hop per request: a round trip costs
    /// what the pipe costs) under a watchdog that stops the engine at <paramref name="limit"/>, which
    /// ends the blocked read or write. Null when the pipe is closed or broken.
    /// </summary>
    string? Guarded(TimeSpan limit, Func<string?> io)
    {
        if (_interrupted)
            throw new OperationCanceledException("interrupted");
        _watchdog.Change(limit, Timeout.InfiniteTimeSpan);
        try
        {
            return io();
        }
        catch (IOException)
        {
            // The pipe broke: the engine is gone, or the watchdog stopped it.
            return null;
        }
        finally
        {
            _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_timedOut)
                Stop();
        }
    }

    void WriteLine(string line)
    {
        var input = _process.StandardInput;
        input.Write(line);
        input.Write('\n');
        input.Flush();
    }

    void Expire()
    {
        _timedOut = true;
        Stop();
    }

    /// <summary>Stops the engine and its descendants now, from another thread: the request waiting on it, if any, and every later one end in an <see cref="OperationCanceledException"/>.</summary>
    internal void Interrupt()
    {
        _interrupted = true;
        Stop();
    }

    /// <summary>A protocol violation found in an answer, as the exception to throw: every later request fails the same way, and <see cref="Dispose"/> does not ask the engine to shut down.</summary>
    public ProtocolException Fault(string request, string problem, int exitCode = ProtocolException.EngineBroken)
    {
        _fault = new ProtocolException($"engine '{Name}', request {request}: {problem}", exitCode);
        return _fault;
    }

    /// <summary>Text from the engine in a message: in quotes, control characters escaped, cut to 200 characters.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text.Length > QuotedCharacters ? text[..QuotedCharacters] + "…" : text, QuoteOptions);

    /// <summary>Closes stdin, gives the engine <see cref="ExitGrace"/> to exit, then kills it, if need be, and every process it started.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        RunningEngines.Remove(this);
        // Waits for a watchdog callback already running, so that nothing touches the process after it is disposed.
        using (var stopped = new ManualResetEvent(false))
            if (_watchdog.Dispose(stopped))
                stopped.WaitOne();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone: nothing to close.
        }
        _process.WaitForExit(ExitGrace);
        // An engine that exited in order can still have left children behind.
        Stop();
        _process.Dispose();
    }

    /// <summary>Kills the engine and its descendants and waits for it, and for its last stderr lines.</summary>
    void Stop()
    {
        lock (_stopping)
        {
            _descendants.KillAll(_id);
            _process.WaitForExit();
        }
        _stderrPump.Join(StderrDrain);
    }

    /// <summary>How the engine ended, waited for briefly: its exit code or signal, and its last lines on stderr.</summary>
    string Exited()
    {
        if (!_process.WaitForExit(ExitGrace))
        {
            Stop();
            return $"the engine closed its standard output but kept running; it was stopped{LastStderr()}";
        }
        _stderrPump.Join(StderrDrain);
        var code = _process.ExitCode;
        // .NET reports a child ended by signal N as 128 + N, as shells do.
        var how = code is > 128 and < 128 + 32 ? $"was killed by signal {code - 128}{SignalName(code - 128)}" : $"exited with code {code}";
        return $"the engine {how} before answering{LastStderr()}";
    }

    static string SignalName(int signal) => signal switch
    {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        _ => "",
    };

    string LastStderr()
    {
        lock (_lastStderr)
            return _lastStderr.Count == 0 ? "" : $"; its last lines on stderr: {string.Join(" | ", _lastStderr.Select(Quote))}";
    }

    void PumpStderr()
    {
        // Read into one buffer, which allocates nothing; cut into lines and passed on under the turns lock.
        var chunk = new char[4096];
        var line = new StringBuilder();
        // Characters of the current line past StderrLineCharacters, counted rather than kept: an endless line costs no memory.
        long cut = 0;
        try
        {
            int read;
            while ((read = _process.StandardError.Read(chunk, 0, chunk.Length)) > 0)
                lock (_turns)
                    foreach (var c in chunk.AsSpan(0, read))
                    {
                        if (c != '\n')
                        {
                            if (line.Length < StderrLineCharacters)
                                line.Append(c);
                            else
                                cut++;
                            continue;
                        }
                        PassOn(line, cut);
                        line.Clear();
                        cut = 0;
                    }
            if (line.Length > 0)
                lock (_turns)
                    PassOn(line, cut);
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // The engine's own children kept its stderr open past Dispose, which closed the pipe: nothing more to pass on.
        }
    }

    void PassOn(StringBuilder text, long cut)
    {
        var line = text.ToString().TrimEnd('\r') + (cut > 0 ? $"… ({cut.ToString("N0", CultureInfo.InvariantCulture)} more characters)" : "");
        lock (_lastStderr)
        {
            _lastStderr.Enqueue(line);
            if (_lastStderr.Count > StderrLinesKept)
                _lastStderr.Dequeue();
        }
        lock (_log)
            _log.WriteLine($"[{Name}] {line}");
    }

    /// <summary>The program's full path: as given when it has a slash (relative to the current directory), else the first match on the PATH.</summary>
    static string? Resolve(string program)
    {
        if (program.Contains('/'))
            return File.Exists(program) ? Path.GetFullPath(program) : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }
}
