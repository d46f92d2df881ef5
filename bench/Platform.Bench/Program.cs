Console.WriteLine("benchmarks are added as the engine grows");
