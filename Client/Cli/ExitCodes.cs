namespace FocusedQuantization.Client.Cli;

/// <summary>Process exit codes of the fq tool.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
