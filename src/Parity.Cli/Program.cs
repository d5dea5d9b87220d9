using Parity.Cli;

using var interruption = Interruption.Watch();
return ParityCommandLine.Run(args, Console.Out, Console.Error);
