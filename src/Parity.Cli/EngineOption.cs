using System.CommandLine;

namespace Parity.Cli;

/// <summary><c>--engine</c> on the commands that hold the engine under test against the twin: the built-in engine (the default), or <c>exec:COMMAND</c>.</summary>
public static class EngineOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--engine")
        {
            Description = $"The engine under test: {Backends.Engine} (the built-in one, the default) or {ExecEngine.Prefix}COMMAND (an engine in another process speaking Parity's protocol)",
            DefaultValueFactory = _ => Backends.Engine,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } engine && engine != Backends.Engine && !ExecEngine.Names(engine))
                result.AddError($"--engine takes {Backends.Engine} or {ExecEngine.Prefix}COMMAND (e.g. '{ExecEngine.Prefix}python3 engine.py'); got '{engine}'");
        });
        return option;
    }
}
