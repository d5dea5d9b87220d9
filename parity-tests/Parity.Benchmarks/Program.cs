using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Micro-benchmarks of the engine's kernels, for a person at a quiet machine; CI builds them and runs none.
//   dotnet run -c Release --project parity-tests/Parity.Benchmarks -- --filter '*'
// In process: the benchmarks time this build of the engine, with the OpenBLAS it loads.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
