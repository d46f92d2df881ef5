namespace Platform.Cli;

/// <summary>Entry point of `qplat`; commands are added as the engine grows.</summary>
public static class QplatApp
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("usage: qplat <inspect|eval|quantize|data> ...");
        return 2;
    }
}
