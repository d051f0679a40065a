using System.Diagnostics;
using System.Globalization;

namespace MtlsOperator.Bench;

/// <summary>Where and when the benchmark ran: host, cores, load average, date and commit, recorded next to every row set.</summary>
internal sealed record MachineState(string Host, int Cores, string LoadAverage, DateTime Utc, string Commit, string Cpu)
{
    public static MachineState Capture()
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        return new MachineState(Environment.MachineName, Environment.ProcessorCount, load, DateTime.UtcNow, GitCommit(), cpu);
    }

    public string Describe() => $"{Utc:yyyy-MM-dd HH:mm} UTC, commit {Commit}, {Cores} cores ({Cpu}), load average {LoadAverage}";

    private static string GitCommit()
    {
        try
        {
            var info = new ProcessStartInfo("git", "describe --always --dirty") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var git = Process.Start(info)!;
            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return text.Length > 0 ? text : "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
