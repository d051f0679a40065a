using System.Runtime.InteropServices;
using System.Text;

namespace MtlsOperator.Cli;

/// <summary>Reads one manifest file: regular files only (a symlink to <c>/dev/zero</c> or a FIFO in a folder is refused, not read forever),
/// at most <see cref="MaxBytes"/> bytes, strict UTF-8.</summary>
internal static partial class ManifestFile
{
    /// <summary>Largest manifest file read (README "Limits"); the Kubernetes API refuses requests over 3 MiB.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or the reason it cannot be read (a fragment such as "is not a regular file").</summary>
    public static (string? Text, string? Error) Read(string path)
    {
        if (FileType.Of(path) is { } type && type != FileType.Regular)
        {
            return (null, $"is not a regular file ({type}); only regular files are read");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var buffer = new byte[Math.Min(MaxBytes + 1, Math.Max(stream.CanSeek ? stream.Length + 1 : 0, 64 * 1024))];
            var total = 0;
            while (total <= MaxBytes)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(MaxBytes + 1L, buffer.Length * 2L));
                }

                var read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > MaxBytes)
            {
                return (null, $"is larger than the limit of {MaxBytes} bytes (4 MiB) per manifest file; split it");
            }

            var start = total >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            return (s_utf8.GetString(buffer, start, total - start), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "is not UTF-8 text");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read: {e.Message}");
        }
    }

    /// <summary>The type of file a path names after following symlinks, from <c>stat(2)</c>; null where it cannot be told
    /// (then only the size limit protects, as for any stream).</summary>
    private static class FileType
    {
        public const string Regular = "regular file";

        public static string? Of(string path)
        {
            // struct stat's st_mode sits after st_dev, st_ino (and st_nlink on x86-64) in the Linux ABIs .NET supports here.
            var modeOffset = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 24,
                Architecture.Arm64 => 16,
                _ => -1,
            };
            if (!OperatingSystem.IsLinux() || modeOffset < 0)
            {
                return null;
            }

            var buffer = new byte[256];
            try
            {
                if (Stat(path, buffer) != 0)
                {
                    return null;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }

            return (BitConverter.ToUInt32(buffer, modeOffset) & 0xF000) switch
            {
                0x8000 => Regular,
                0x4000 => "directory",
                0x2000 => "character device",
                0x6000 => "block device",
                0x1000 => "FIFO",
                0xC000 => "socket",
                _ => "unknown type",
            };
        }

        [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Stat(string path, [Out] byte[] buffer);
    }
}
