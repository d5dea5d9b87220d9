using Parity.Cli;
using Parity.Protocol;

// A crash skips the finally blocks that stop the engines: stop them, and all they started, here.
AppDomain.CurrentDomain.UnhandledException += (_, _) => RunningEngines.StopAll();
using var interruption = Interruption.Watch();
return ParityCommandLine.Run(args, Console.Out, Console.Error);
