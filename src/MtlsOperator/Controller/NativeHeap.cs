using System.Runtime.InteropServices;

namespace MtlsOperator.Controller;

/// <summary>The C library's heap, where OpenSSL keeps every certificate, key and chain context the engine decodes: after a burst,
/// what was freed there goes back to the system only when asked (glibc's <c>malloc_trim</c>), the way the managed heap's free
/// space does after <see cref="IdleCompaction"/>'s collection.</summary>
internal static class NativeHeap
{
    /// <summary>Returns the free pages of every malloc arena to the system; true when any was returned. False where there is no
    /// glibc (another C library, another system): nothing to do there.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport, as in Sidecar/PosixSignals: the source-generated stub needs AllowUnsafeBlocks for the
    // whole shell project, and this one call takes and returns blittable integers only.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
