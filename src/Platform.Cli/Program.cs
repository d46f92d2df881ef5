return Platform.Cli.QplatApp.Run(args);
