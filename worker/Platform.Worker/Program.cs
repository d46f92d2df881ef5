// Placeholder until the worker lands: prints its usage.
Console.Error.WriteLine("usage: Platform.Worker --device cpu|cuda|any");
return 2;
