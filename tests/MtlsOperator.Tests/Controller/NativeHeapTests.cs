using System.Runtime.InteropServices;
using MtlsOperator.Controller;

namespace MtlsOperator.Tests.Controller;

/// <summary>After a burst the C heap's free pages go back to the system, as the managed heap's do.</summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void Pages_freed_in_the_middle_of_the_c_heap_are_handed_back_by_a_trim()
    {
        // Small blocks, as OpenSSL's are, then one more above them, so that freeing them leaves free pages below the heap's top,
        // which free() alone never returns.
        var blocks = Enumerable.Range(0, 20_000).Select(_ => Marshal.AllocHGlobal(1024)).ToList();
        var above = Marshal.AllocHGlobal(1024);
        blocks.ForEach(Marshal.FreeHGlobal);
        try
        {
            Assert.True(NativeHeap.Trim(), "malloc_trim returned no memory");
        }
        finally
        {
            Marshal.FreeHGlobal(above);
        }
    }
}
