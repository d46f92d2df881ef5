using Platform.Bench;

return BenchCommands.Run(args);
