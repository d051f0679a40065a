using System.Runtime.InteropServices;

namespace MtlsOperator.Sidecar;

/// <summary>Sends a signal to a child process; .NET can only SIGKILL (<see cref="System.Diagnostics.Process.Kill()"/>), and
/// the proxies are controlled by HUP, QUIT, USR1, USR2 and TERM. Numbers are Linux's (the same on x86-64 and arm64).</summary>
internal static class PosixSignals
{
    public const int Hangup = 1;
    public const int Quit = 3;
    public const int User1 = 10;
    public const int User2 = 12;
    public const int Terminate = 15;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the source-generated stub needs AllowUnsafeBlocks for the whole shell project,
    // and this one call has only blittable int arguments, so the runtime marshaller adds nothing.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
