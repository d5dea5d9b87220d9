using Parity.Cli;

return ParityCommandLine.Run(args, Console.Out, Console.Error);
