namespace Platform.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int InternalError = 1;
    /// <summary>The input (a file, a spec, an option) is wrong; stderr names the problem.</summary>
    public const int BadInput = 2;
}
