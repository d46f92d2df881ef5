// Platform.Worker --device cpu|cuda|any [--id NAME]: see Hosting/WorkerHost.cs.
return await Platform.Worker.Hosting.WorkerHost.RunAsync(args);
