using Microsoft.ML.SequenceLM.Cli;

return SequenceLMCli.Run(args, CliConsole.System());
