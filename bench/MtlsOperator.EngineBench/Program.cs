using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/MtlsOperator.EngineBench -- --filter '*'   (BenchmarkDotNet's own options apply)
BenchmarkSwitcher.FromAssembly(typeof(MtlsOperator.EngineBench.ListenerBenchmarks).Assembly).Run(args);
