using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*OpSuite*'
BenchmarkSwitcher.FromAssembly(typeof(SuperRes.Benchmarks.BenchmarkDevices).Assembly).Run(args);
